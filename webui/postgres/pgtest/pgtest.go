// Package pgtest runs a throwaway PostgreSQL cluster for tests: Debian's
// postgresql package (or any initdb and postgres on the PATH), initialised
// into a temporary folder, listening on a free port of 127.0.0.1 with its
// socket in that folder and fsync on, and removed when the tests end. Each
// test gets a database of its own (New, Copy).
//
// A test package that uses it runs its tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// The cluster starts at the first New, once per test binary. When
// PostgreSQL is not installed the tests that need it skip, saying how to
// install it; with PARLEY_REQUIRE_POSTGRES=1 (as in CI) they fail instead.
// initdb and postgres refuse to run as root: as root (CI), the cluster runs
// as the postgres system user that Debian's package creates.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that turns a missing
// PostgreSQL from a skip into a failure.
const RequireEnv = "PARLEY_REQUIRE_POSTGRES"

// installHint says how to get PostgreSQL.
const installHint = "install it (Debian/Ubuntu: sudo apt-get install postgresql) to run them, " +
	"or set " + RequireEnv + "=1 to make this a failure"

// DB is one database of the throwaway cluster.
type DB struct {
	Name string // the database's name
	URL  string // postgres://… to connect to it
}

// errMissing marks a cluster that could not start because PostgreSQL is
// not installed.
var errMissing = errors.New("PostgreSQL is not installed")

var (
	once    sync.Once
	shared  *cluster
	sharedE error
)

// Main runs the tests, then stops the cluster if a test started it and
// removes its folder. It returns m.Run's exit code.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		if err := shared.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// New returns a new, empty database on the throwaway cluster, starting the
// cluster first if need be. It skips the test when PostgreSQL is not
// installed, unless PARLEY_REQUIRE_POSTGRES=1.
func New(t testing.TB) DB {
	t.Helper()
	return get(t).create(t, "template0")
}

// Copy returns a new database that is a copy of from (CREATE DATABASE …
// TEMPLATE), which nobody may be connected to.
func Copy(t testing.TB, from DB) DB {
	t.Helper()
	return get(t).create(t, from.Name)
}

// get starts the cluster once per test binary and returns it, or skips or
// fails t.
func get(t testing.TB) *cluster {
	t.Helper()
	once.Do(func() { shared, sharedE = start() })
	switch {
	case sharedE == nil:
		return shared
	case os.Getenv(RequireEnv) == "1":
		t.Fatalf("pgtest: %v (%s=1 makes a missing PostgreSQL a failure)", sharedE, RequireEnv)
	case errors.Is(sharedE, errMissing):
		t.Skipf("pgtest: skipped: %v; %s", sharedE, installHint)
	default:
		t.Fatalf("pgtest: %v", sharedE)
	}
	return nil
}

// folderPrefix starts the name of every cluster's temporary folder.
const folderPrefix = "parley-pg-"

// staleAfter is how long a cluster's folder with no server running in it is
// left alone before another test binary removes it: long enough for the
// binary that made it to be past initdb and running its server.
const staleAfter = 10 * time.Minute

// removeStale removes the cluster folders in base that a test binary left
// behind when it was killed before it could remove its own (its server
// died with it: Pdeathsig). A folder stays while its postmaster.pid names
// a live process, or when it changed within staleAfter of now. Errors are
// ignored: a folder that cannot be removed is only wasted space.
func removeStale(base string, now time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(base, folderPrefix+"*"))
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() || now.Sub(fi.ModTime()) < staleAfter || serverRunning(dir) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// serverRunning reports whether the postmaster.pid in dir's data folder
// names a process that is alive.
func serverRunning(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return true // unreadable: leave it to whoever wrote it
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// cluster is the running throwaway server.
type cluster struct {
	dir  string // the temporary folder: data/, the socket, postgres.log
	port int
	cmd  *exec.Cmd
	exit chan error // receives cmd.Wait's result once

	mu    sync.Mutex // serialises CREATE DATABASE on admin
	admin *pgx.Conn
	n     int // databases made so far, for their names
}

// start initialises a cluster in a new temporary folder and starts it.
func start() (*cluster, error) {
	initdb, postgres, err := binaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	removeStale(os.TempDir(), time.Now())
	dir, err := os.MkdirTemp("", folderPrefix)
	if err != nil {
		return nil, fmt.Errorf("make the cluster's folder: %w", err)
	}
	c := &cluster{dir: dir}
	if err := c.initAndStart(initdb, postgres, cred); err != nil {
		return nil, errors.Join(err, c.stop())
	}
	return c, nil
}

func (c *cluster) initAndStart(initdb, postgres string, cred *syscall.Credential) error {
	if cred != nil {
		if err := os.Chown(c.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("give the cluster's folder to the postgres user: %w", err)
		}
	}
	data := filepath.Join(c.dir, "data")
	// --no-sync: initdb's own files need not reach the disk (the cluster is
	// thrown away); the server below runs with fsync on, so every commit
	// the tests make is synced as in production.
	cmd := exec.Command(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.Dir, cmd.SysProcAttr = c.dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", initdb, err, out)
	}
	var err error
	for range 3 { // a port found free may be taken before postgres binds it
		if err = c.run(postgres, data, cred); err == nil {
			return nil
		}
	}
	return err
}

// run starts postgres on a free port and waits until it answers.
func (c *cluster) run(postgres, data string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logPath := filepath.Join(c.dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("create the server's log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(postgres, "-D", data, "-p", strconv.Itoa(port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "synchronous_commit=on",
		"-c", "shared_buffers=32MB", "-c", "max_connections=200", "-c", "log_min_messages=warning")
	cmd.Dir, cmd.Stdout, cmd.Stderr = c.dir, logFile, logFile
	// Pdeathsig: if the test binary dies, so does the server (SIGQUIT: an
	// immediate shutdown); the temporary folder is then left behind, for a
	// later start to remove (removeStale).
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", postgres, err)
	}
	exit := make(chan error, 1)
	go func() { exit <- cmd.Wait() }()
	c.cmd, c.port, c.exit = cmd, port, exit
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		if err == nil {
			c.admin = conn
			return nil
		}
		select {
		case werr := <-exit:
			c.cmd = nil
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres on port %d stopped: %v\n%s", port, werr, log)
		case <-ctx.Done():
			// Stop it before the next try starts another on the same data.
			_ = cmd.Process.Kill()
			<-exit
			c.cmd = nil
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres on port %d did not answer within 30s (stopped it): %v\n%s", port, err, log)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// create makes a database from template, named for the count so far.
func (c *cluster) create(t testing.TB, template string) DB {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	name := fmt.Sprintf("parley_%d", c.n)
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	if _, err := c.admin.Exec(context.Background(), q); err != nil {
		t.Fatalf("pgtest: %s: %v", q, err)
	}
	return DB{Name: name, URL: c.url(name)}
}

// stop shuts the server down (fast shutdown: SIGINT) and removes its
// folder.
func (c *cluster) stop() error {
	var errs []error
	if c.admin != nil {
		errs = append(errs, c.admin.Close(context.Background()))
	}
	if c.cmd != nil {
		_ = c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exit:
		case <-time.After(30 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.exit
			errs = append(errs, errors.New("postgres did not stop within 30s of SIGINT: killed it"))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove the cluster's folder: %w", err))
	}
	return errors.Join(errs...)
}

// binaries finds initdb and postgres: on the PATH, else in Debian's
// /usr/lib/postgresql/<version>/bin, the newest version first.
func binaries() (initdb, postgres string, err error) {
	if i, err := exec.LookPath("initdb"); err == nil {
		if p, err := exec.LookPath("postgres"); err == nil {
			return i, p, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if isFile(i) && isFile(p) {
			return i, p, nil
		}
	}
	return "", "", fmt.Errorf("%w: no initdb and postgres on the PATH or in /usr/lib/postgresql/*/bin", errMissing)
}

// version is the major version in /usr/lib/postgresql/<version>/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// credential is nil when not root; as root, the postgres user's, since
// initdb and postgres refuse to run as root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: the cluster runs as the postgres user, "+
			"which is missing (%v): install Debian's postgresql package, which creates it, or run the tests as another user", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("the postgres user's ids %q, %q: %w", u.Uid, u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// String describes a database for test logs.
func (d DB) String() string { return strings.TrimPrefix(d.URL, "postgres://") }
