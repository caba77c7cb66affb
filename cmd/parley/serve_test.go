package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/postgres/pgtest"
)

// childEnv marks a re-executed test binary that must run serve instead of
// the tests: the crash test kills it with SIGKILL.
const childEnv = "PARLEY_TEST_SERVE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := serve(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(pgtest.Main(m)) // runs the tests, then stops the PostgreSQL cluster if one was started
}

var readyLine = regexp.MustCompile(`msg="open (http://[^ ]+/) in a browser"`)

// lineWatcher is an io.Writer that keeps what serve logs and reports the
// URL from its "open http://… in a browser" line.
type lineWatcher struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan string
	once  sync.Once
}

func newLineWatcher() *lineWatcher { return &lineWatcher{ready: make(chan string, 1)} }

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := readyLine.FindSubmatch(w.buf.Bytes()); m != nil {
		w.once.Do(func() { w.ready <- string(m[1]) })
	}
	return len(p), nil
}

func (w *lineWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// serveFolder starts the server in-process as serve does (an App), on a
// temporary database with the trainer folder dir and more serve flags, and
// returns where it listens (from the App, not its log), its log, and stop,
// which ends it and returns what Run returned.
func serveFolder(t *testing.T, dir string, flags ...string) (base string, logs *lineWatcher, stop func() error) {
	t.Helper()
	args := append([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "p.db"), "--scenarios", dir}, flags...)
	o, err := parseServeFlags(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("serve flags %q: %v", args, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs = newLineWatcher()
	a := app.New(o, slog.New(slog.NewTextHandler(logs, nil)))
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	select {
	case <-a.Ready():
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not listen within 30 s; it logged:\n%s", logs)
	}
	if a.URL() == "" {
		t.Fatalf("the server did not listen: %v", <-done)
	}
	admin, err := client.New(a.URL(), nil).Redeem(ctx, client.LinkToken(a.SetupLink()), testAdminPassword)
	if err != nil {
		t.Fatalf("sign in through the first run's setup link %q: %v", a.SetupLink(), err)
	}
	admins.Store(a.URL(), admin)
	return a.URL(), logs, func() error { cancel(); return <-done }
}

// testAdminPassword is the password the tests give a new server's admin.
const testAdminPassword = "the serve tests' admin password"

// admins holds the admin session of each server serveFolder started, by
// URL: the first run's admin has every role, so it sees the scenarios.
var admins sync.Map

// adminAt is the admin session of the server at base.
func adminAt(t *testing.T, base string) *client.Session {
	t.Helper()
	s, ok := admins.Load(base)
	if !ok {
		t.Fatalf("no admin session for %s", base)
	}
	return s.(*client.Session)
}

// readFile is the file at path, or the test fails.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// offeredTitles is the scenarios on offer at base, id to title.
func offeredTitles(t *testing.T, base string) map[string]string {
	t.Helper()
	list, err := adminAt(t, base).Scenarios(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range list {
		out[s.ID] = s.Title
	}
	return out
}

// waitLog waits until serve has logged a line containing s.
func (w *lineWatcher) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(w.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("serve never logged %q; it logged:\n%s", s, w)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// offeredLine is what serve logs when a trainer's scenario has passed its
// analysis and is offered to trainees.
const offeredLine = `msg="scenario analysed and offered"`

// waitURL waits for serve to say where it listens.
func (w *lineWatcher) waitURL(t *testing.T) string {
	t.Helper()
	select {
	case u := <-w.ready:
		return u
	case <-time.After(30 * time.Second):
		t.Fatalf("serve never said where to point the browser; it logged:\n%s", w)
		return ""
	}
}

func TestParseServeFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want app.Options
		err  error
	}{
		{"defaults", nil, nil, app.Options{Addr: "127.0.0.1:8080", DB: "parley.db", AbandonAfter: 24 * time.Hour, WatchEvery: 2 * time.Second}, nil},
		{"environment", nil, map[string]string{"PARLEY_ADDR": ":9000", "PARLEY_DB": "/tmp/x.db", "PARLEY_SCENARIOS": "mine",
			"PARLEY_ABANDON_AFTER": "2h", "PARLEY_STATIC": "ui"},
			app.Options{Addr: ":9000", DB: "/tmp/x.db", Scenarios: "mine", Static: "ui", AbandonAfter: 2 * time.Hour, WatchEvery: 2 * time.Second}, nil},
		{"flags beat environment", []string{"--addr", "127.0.0.1:0", "--db", "a.db", "--abandon-after", "90m", "--watch-every", "0",
			"--max-websockets", "50", "--max-websockets-per-user", "2", "--max-websockets-per-addr", "9"},
			map[string]string{"PARLEY_ADDR": ":9000", "PARLEY_DB": "b.db"},
			app.Options{Addr: "127.0.0.1:0", DB: "a.db", AbandonAfter: 90 * time.Minute, MaxWebsockets: 50, MaxWebsocketsPerUser: 2, MaxWebsocketsPerAddr: 9}, nil},
		{"proxies and origins", []string{"--trusted-proxy", "10.0.0.0/8, 192.168.1.5,::1", "--allowed-origin", "https://parley.example.com",
			"--public-url", "https://parley.example.com/"}, nil,
			app.Options{Addr: "127.0.0.1:8080", DB: "parley.db", AbandonAfter: 24 * time.Hour, WatchEvery: 2 * time.Second,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.5/32"), netip.MustParsePrefix("::1/128")},
				AllowedOrigins: []string{"https://parley.example.com"}, PublicURL: "https://parley.example.com/"}, nil},
		{"proxies from the environment", nil, map[string]string{"PARLEY_TRUSTED_PROXIES": "127.0.0.1", "PARLEY_ALLOWED_ORIGINS": "https://a.example,https://b.example"},
			app.Options{Addr: "127.0.0.1:8080", DB: "parley.db", AbandonAfter: 24 * time.Hour, WatchEvery: 2 * time.Second,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, AllowedOrigins: []string{"https://a.example", "https://b.example"}}, nil},
		{"a proxy that is not an address", []string{"--trusted-proxy", "proxy.local"}, nil, app.Options{}, errUsage},
		{"bad duration in environment", nil, map[string]string{"PARLEY_ABANDON_AFTER": "soon"}, app.Options{}, errUsage},
		{"negative duration", []string{"--abandon-after", "-1h"}, nil, app.Options{}, errUsage},
		{"positional argument", []string{"extra"}, nil, app.Options{}, errUsage},
		{"unknown flag", []string{"--port", "80"}, nil, app.Options{}, errUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServeFlags(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if !errors.Is(err, tt.err) || (err == nil && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("got %+v, %v; want %+v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestServeWatchesTheTrainerFolder: a changed file is offered as a new
// version (attempts on the old one keep it: see webui's version tests); a
// broken change, or one
// that fails its analysis, keeps the last good version on offer; a new file
// is offered; a deleted one is withdrawn.
func TestServeWatchesTheTrainerFolder(t *testing.T) {
	dir := t.TempDir()
	good := readFile(t, "../../webui/testdata/short-call.toml")
	path := filepath.Join(dir, "short-call.toml")
	writeFile(t, path, good)
	base, logs, stop := serveFolder(t, dir, "--watch-every", "50ms")
	logs.waitLog(t, offeredLine)
	titles := func() map[string]string { return offeredTitles(t, base) }
	waitTitle := func(id, want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for titles()[id] != want {
			if time.Now().After(deadline) {
				t.Fatalf("scenario %q: title %q, want %q; serve logged:\n%s", id, titles()[id], want, logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	oldTitle := titles()["short-call"]
	if oldTitle == "" {
		t.Fatalf("short-call not offered: %v", titles())
	}
	edit := func(from, to string) []byte { return []byte(strings.Replace(string(good), from, to, 1)) }

	writeFile(t, path, edit(oldTitle, "A shorter call"))
	logs.waitLog(t, `msg="scenario updated`)
	waitTitle("short-call", "A shorter call")

	writeFile(t, path, []byte("id = \"short-call\"\ntitle = 3\n"))
	logs.waitLog(t, `msg="scenario file changed but has errors`)
	if got := titles()["short-call"]; got != "A shorter call" {
		t.Errorf("after a broken change the title is %q; the last good version should stay", got)
	}

	loop := readFile(t, "testdata/lint/loop.toml")
	writeFile(t, path, []byte(strings.Replace(string(loop), `id = "loop"`, `id = "short-call"`, 1)))
	logs.waitLog(t, `msg="scenario file changed but the new version is not offered`)
	if got := titles()["short-call"]; got != "A shorter call" {
		t.Errorf("after a change that fails its analysis the title is %q; the last good version should stay", got)
	}

	writeFile(t, filepath.Join(dir, "second.toml"), edit(`id = "short-call"`, `id = "second-call"`))
	waitTitle("second-call", oldTitle)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	logs.waitLog(t, `msg="scenario file removed`)
	waitTitle("short-call", "")
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestServeKeepsARenamedScenario: renaming a trainer's file offers the
// scenario under its new name. The watcher used to look at the new name
// first, refuse it (its id was still used by the old name), then withdraw
// the old name: the scenario was gone.
func TestServeKeepsARenamedScenario(t *testing.T) {
	dir := t.TempDir()
	good := readFile(t, "../../webui/testdata/short-call.toml")
	path := filepath.Join(dir, "short-call.toml")
	writeFile(t, path, good)
	base, logs, stop := serveFolder(t, dir, "--watch-every", "50ms")
	logs.waitLog(t, offeredLine)
	offered := func() bool { _, ok := offeredTitles(t, base)["short-call"]; return ok }
	if !offered() {
		t.Fatal("short-call not offered at start")
	}
	renamed := filepath.Join(dir, "renamed.toml")
	if err := os.Rename(path, renamed); err != nil {
		t.Fatal(err)
	}
	logs.waitLog(t, `msg="scenario updated`)
	if !offered() {
		t.Errorf("short-call is no longer offered after its file was renamed; serve logged:\n%s", logs)
	}
	if log := logs.String(); !strings.Contains(log, "file="+renamed) || strings.Contains(log, "already used") {
		t.Errorf("the renamed file was not offered under its new name; serve logged:\n%s", log)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestServeKeepsTheBundledScenarios: with --scenarios ., a trainer's file
// named like a bundled one (late-shipment.toml) used to be taken for it:
// changing the file replaced the bundled scenario, deleting it withdrew it.
func TestServeKeepsTheBundledScenarios(t *testing.T) {
	good := readFile(t, "../../webui/testdata/short-call.toml")
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "late-shipment.toml", good)
	base, logs, stop := serveFolder(t, ".", "--watch-every", "50ms")
	logs.waitLog(t, offeredLine)
	titles := func() map[string]string { return offeredTitles(t, base) }
	bundledTitle := titles()["late-shipment"]
	if bundledTitle == "" || titles()["short-call"] == "" {
		t.Fatalf("at start, on offer: %v; want late-shipment and short-call", titles())
	}
	writeFile(t, "late-shipment.toml", []byte(strings.Replace(string(good), `title = "A short call"`, `title = "Edited"`, 1)))
	logs.waitLog(t, `msg="scenario updated`)
	if got := titles(); got["late-shipment"] != bundledTitle || got["short-call"] != "Edited" {
		t.Errorf("after the trainer's late-shipment.toml changed, on offer: %v; want the bundled late-shipment and the edited short-call", got)
	}
	if err := os.Remove("late-shipment.toml"); err != nil {
		t.Fatal(err)
	}
	logs.waitLog(t, `msg="scenario file removed`)
	if got := titles(); got["late-shipment"] != bundledTitle || got["short-call"] != "" {
		t.Errorf("after the trainer's late-shipment.toml was deleted, on offer: %v; want the bundled late-shipment only", got)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestServeListensWhileAnalysing: a trainer's scenario that takes long to
// analyse (about a million states) used to delay listening by minutes, with
// SIGTERM ignored. Now serve listens at once, offers the bundled scenarios
// at once, does not offer the heavy one while it is being analysed, and
// stops promptly when told to.
func TestServeListensWhileAnalysing(t *testing.T) {
	dir := t.TempDir()
	heavy := readFile(t, "testdata/heavy.toml")
	writeFile(t, filepath.Join(dir, "heavy.toml"), heavy)
	start := time.Now()
	base, _, stop := serveFolder(t, dir)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("serve took %v to listen", d)
	}
	if got := strings.Join(slices.Sorted(maps.Keys(offeredTitles(t, base))), " "); got != "defective-part late-shipment unrealistic-demands" {
		t.Errorf("on offer while the heavy file is analysed: %q, want the bundled ones only", got)
	}
	stopAt := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if d := time.Since(stopAt); d > 5*time.Second {
		t.Errorf("serve took %v to stop while analysing", d)
	}
}

// TestServeSkipsBrokenTrainerFiles runs serve in-process with a trainer
// folder holding a good file, a broken one (skipped at load) and one that
// loads but fails its analysis (a loop with no exit: never offered).
func TestServeSkipsBrokenTrainerFiles(t *testing.T) {
	dir := t.TempDir()
	good := readFile(t, "../../webui/testdata/short-call.toml")
	writeFile(t, filepath.Join(dir, "good.toml"), good)
	writeFile(t, filepath.Join(dir, "broken.toml"), []byte("id = \"broken\"\ntitle = 3\n"))
	loop := readFile(t, "testdata/lint/loop.toml") // loads, but no ending can be reached from its loop
	writeFile(t, filepath.Join(dir, "loop.toml"), loop)

	base, logs, stop := serveFolder(t, dir)
	logs.waitLog(t, offeredLine)
	logs.waitLog(t, `msg="scenario not offered to trainees: parley lint `)
	if log := logs.String(); !strings.Contains(log, "no-exit") || !strings.Contains(log, "scenario skipped") {
		t.Errorf("the loop's no-exit and the broken file were not both reported; serve logged:\n%s", log)
	}
	got := slices.Sorted(maps.Keys(offeredTitles(t, base)))
	if offered := strings.Join(got, " "); !strings.Contains(offered, "short-call") || strings.Contains(offered, "broken") || strings.Contains(offered, "loop") {
		t.Errorf("scenarios on offer %v: want short-call, not broken or loop", got)
	}
	if err := client.New(base, nil).Health(context.Background()); err != nil {
		t.Errorf("healthz: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after its context ended, want nil", err)
	}
	out := logs.String()
	brokenAt := regexp.MustCompile(regexp.QuoteMeta(filepath.Join(dir, "broken.toml")) + `:\d+:\d+: error: `)
	if !strings.Contains(out, "scenario skipped") || !brokenAt.MatchString(out) || !strings.Contains(out, "parley stopped") {
		t.Errorf("logs do not name the broken file's problems as file:line:col and the skip:\n%s", out)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// child is the serve command running in another process.
type child struct {
	cmd    *exec.Cmd
	logs   *lineWatcher
	url    string
	exited chan struct{}   // closed when the process has exited
	err    error           // how it exited, once exited is closed
	admin  *client.Session // signed in through the setup link, on a new database
}

// wait waits for the process to exit and says how.
func (c *child) wait() error {
	<-c.exited
	return c.err
}

// startChild re-executes this test binary as `parley serve` on dbPath.
func startChild(t *testing.T, dbPath string) *child {
	t.Helper()
	logs := newLineWatcher()
	cmd := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--db", dbPath, "--scenarios", "../../webui/testdata")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = logs, logs // stdout: the first run's setup link
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: logs, exited: make(chan struct{})}
	go func() { c.err = cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = c.wait()
	})
	c.url = logs.waitURL(t)
	logs.waitLog(t, offeredLine) // short-call, a trainer's scenario, is offered once analysed
	if m := setupLink.FindStringSubmatch(logs.String()); m != nil {
		admin, err := crashClient(c).Redeem(context.Background(), m[1], testAdminPassword)
		if err != nil {
			t.Fatalf("sign in through the setup link: %v", err)
		}
		c.admin = admin
	}
	return c
}

// setupLink finds the token of the setup link serve prints on a new database.
var setupLink = regexp.MustCompile(`#/link/([A-Za-z0-9_-]+)`)

// crashPlayer is one browser playing one attempt, counting what was acknowledged.
type crashPlayer struct {
	session *client.Session
	attempt string
	acked   atomic.Int64 // highest seq acknowledged
}

// crashClient speaks to the server c as any client would.
func crashClient(c *child) *client.Client {
	return client.New(c.url, &http.Client{Timeout: 10 * time.Second})
}

// newCrashPlayer is a trainee the admin of c invited, signed in through
// the invitation.
func newCrashPlayer(t *testing.T, c *child, name string) *crashPlayer {
	t.Helper()
	ctx := context.Background()
	made, err := c.admin.CreateUser(ctx, strings.ReplaceAll(name, " ", "-"), name, "trainee")
	if err != nil {
		t.Fatalf("invite %s: %v", name, err)
	}
	s, err := crashClient(c).Redeem(ctx, client.LinkToken(made.Link.URL), testAdminPassword)
	if err != nil {
		t.Fatalf("sign in %s: %v", name, err)
	}
	return &crashPlayer{session: s}
}

// dial opens a websocket to c with the player's identity.
func (p *crashPlayer) dial(c *child) (*client.Conn, error) {
	conn, err := p.session.On(crashClient(c)).Dial(context.Background(), nil, time.Time{})
	if err != nil {
		return nil, err
	}
	conn.Timeout = 10 * time.Second
	return conn, nil
}

// play chooses "ask" until the connection dies or it is no longer offered,
// recording every ack.
func (p *crashPlayer) play(g *client.Play) error {
	for {
		if _, err := g.Choose("ask"); err != nil {
			return err
		}
		p.acked.Store(g.LastSeq)
	}
}

// TestCrashLosesNoAcknowledgedReply kills the server with SIGKILL while
// several browsers are choosing replies, restarts it on the same database,
// and checks that every acknowledged reply is there and every attempt
// resumes; then it stops the server with SIGTERM and expects exit 0.
func TestCrashLosesNoAcknowledgedReply(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server in child processes")
	}
	dbPath := filepath.Join(t.TempDir(), "parley.db")
	first := startChild(t, dbPath)
	players := make([]*crashPlayer, 6)
	var wg sync.WaitGroup
	for i := range players {
		p := newCrashPlayer(t, first, fmt.Sprintf("trainee %d", i))
		conn, err := p.dial(first)
		if err != nil {
			t.Fatal(err)
		}
		g, err := conn.Start(1, "short-call")
		if err != nil {
			t.Fatal(err)
		}
		p.attempt, players[i] = g.ID, p
		wg.Go(func() { _ = p.play(g) })
	}
	waitUntil(t, func() bool {
		for _, p := range players {
			if p.acked.Load() < 3 {
				return false
			}
		}
		return true
	})
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.wait()
	wg.Wait()

	second := startChild(t, dbPath)
	for i, p := range players {
		checkResumes(t, second, p, i)
	}
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0; logs:\n%s", err, second.logs)
	}
}

// checkResumes resumes p's attempt on the restarted server: every
// acknowledged reply must be in the transcript, and the next reply must
// apply.
func checkResumes(t *testing.T, c *child, p *crashPlayer, i int) {
	t.Helper()
	conn, err := p.dial(c)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	g, err := conn.Resume(1, p.attempt)
	if err != nil {
		t.Fatalf("crashPlayer %d: %v", i, err)
	}
	head, snap := g.Snapshot.Attempt, g.Snapshot
	acked := p.acked.Load()
	if head.LastSeq < acked || int64(head.Turn) < acked || len(snap.Transcript) != head.Turn {
		t.Fatalf("crashPlayer %d: %d replies acknowledged, but the attempt resumed at turn %d, last_seq %d, %d in transcript",
			i, acked, head.Turn, head.LastSeq, len(snap.Transcript))
	}
	for n, tn := range snap.Transcript {
		if tn.Turn != n+1 || tn.Reply.ID != "ask" {
			t.Fatalf("crashPlayer %d: transcript entry %d is turn %d reply %q", i, n, tn.Turn, tn.Reply.ID)
		}
	}
	t.Logf("player %d: %d replies acknowledged before the kill, %d committed", i, acked, head.Turn)
	p.acked.Store(head.LastSeq)
	if tn, err := g.Choose("own"); err != nil || tn.Turn != head.Turn+1 {
		t.Fatalf("crashPlayer %d: continuing after the restart gave %+v, %v", i, tn, err)
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
