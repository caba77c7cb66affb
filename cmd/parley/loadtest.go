package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"parley/webui"
	"parley/webui/app"
	"parley/webui/loadtest"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// loadtestCmd drives simulated trainees over real websockets against a
// server (by default the real one, started in-process on loopback with a
// temporary database) and reports round trips, throughput, errors, group
// commit, memory per idle session and durability against a measured floor.
// The tool is webui/loadtest; this keeps its flags and wires the App in.
func loadtestCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if spec := os.Getenv(loadtest.IdleChildEnv); spec != "" {
		return loadtest.RunIdleChild(ctx, spec, stdin, stdout)
	}
	if os.Getenv(loadtest.DriverEnv) != "" {
		return loadtest.RunDriver(ctx, stdin, stdout, log)
	}
	o, err := parseLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	wireLoadtest(&o)
	err = loadtest.Run(ctx, o, stdout, log)
	if errors.Is(err, loadtest.ErrProblems) {
		return errProblems
	}
	return err
}

// wireLoadtest gives the tool the parts of this binary it starts: the
// server in-process, serve, the idle-session child and the drivers.
func wireLoadtest(o *loadtest.Options) {
	o.Start, o.IdleChild, o.Serve, o.Driver = startInProcess, idleChildCommand, serveCommand, driverCommand
	o.AnalysedMessage, o.ReadTurns = webui.AnalysedMessage, readStoredTurns
}

func parseLoadFlags(args []string, stderr io.Writer) (loadtest.Options, error) {
	var o loadtest.Options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Func("url", "drive servers already running at these base URLs (comma-separated or repeated, such as http://127.0.0.1:8080) instead of starting one; trainees are spread across them, and one whose connection breaks reconnects to the next", func(v string) error {
		o.URLs = append(o.URLs, splitList(v)...)
		return nil
	})
	fs.Func("server-pid", "with --url: the server's process id (comma-separated or repeated for several), whose CPU time and memory over the load are read from /proc", func(v string) error {
		for _, item := range splitList(v) {
			pid, err := strconv.Atoi(item)
			if err != nil || pid < 1 {
				return fmt.Errorf("%q is not a process id", item)
			}
			o.ServerPIDs = append(o.ServerPIDs, pid)
		}
		return nil
	})
	fs.IntVar(&o.DBPID, "db-pid", 0, "PostgreSQL's postmaster process id: report the CPU time of it and its backends over the load, per reply (from /proc)")
	server := fs.String("server", "in-process", "where the server runs when there is no --url: in-process (this process, the default), or child (parley serve in its own process, whose CPU and memory are then reported alone)")
	fs.IntVar(&o.Instances, "instances", 1, fmt.Sprintf("with --server child: how many serve processes, sharing --db (more than one needs PostgreSQL; at most %d)", loadtest.MaxInstances))
	fs.StringVar(&o.DB, "db", "", "with --server child: serve's --db, such as postgres://user:password@host:5432/dbname (default: a new SQLite file in a temporary folder)")
	fs.IntVar(&o.Drivers, "drivers", 1, fmt.Sprintf("processes that run the trainees, each with its share (at most %d); more than one when one process's CPU or open files are not enough", loadtest.MaxDrivers))
	fs.IntVar(&o.Trainees, "trainees", 50, fmt.Sprintf("simulated trainees, each on its own websocket (at most %d; with --find-max, the first step)", loadtest.MaxTrainees))
	fs.DurationVar(&o.Think, "think", time.Second, "mean think time before each reply, jittered ±50%; 0 replies as fast as the server answers")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "how long the trainees play (with --find-max, each step); every loop stops by itself then")
	fs.DurationVar(&o.Ramp, "ramp", 0, "spread the trainees' connection starts evenly over this long")
	fs.BoolVar(&o.FindMax, "find-max", false, "search for the most trainees with a round-trip p99 under --p99 and no errors: double from --trainees while steps pass, then bisect; one line of figures a step")
	fs.IntVar(&o.FindMaxLimit, "find-max-limit", 10000, "with --find-max: the most trainees to try")
	fs.DurationVar(&o.MaxP99, "p99", 100*time.Millisecond, "with --find-max: a step passes when its round-trip p99 is under this and it saw no errors")
	fs.IntVar(&o.Idle, "idle", 1000, fmt.Sprintf("idle connected sessions, each with an attempt started, to measure server memory per session (in-process only; 0 skips; at most %d)", loadtest.MaxIdleSessions))
	fs.IntVar(&o.Floor, "floor", 500, "iterations of the floor measurements (websocket echo, SQLite commit with fsync), half before the load and half after; 0 skips them")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed for the trainees' choices; 0 picks one")
	fs.StringVar(&o.SessionsFile, "sessions", "", "with --url, or --server child with --db: keep the trainees' session tokens in this file and use them again in the next run on that database, instead of signing every trainee in anew (minutes for 10,000)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the load phase to this file: of the server with --server child (fetched from its --debug-addr; a second instance's to FILE.2), else of this process")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write a heap profile taken while the idle sessions are connected to this file")
	fs.StringVar(&o.Admin, "admin", "", "with --url, or --server child on a database whose admin has a password: an admin's username, to create the trainees' accounts (its password in PARLEY_LOADTEST_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	o.AdminPassword = os.Getenv("PARLEY_LOADTEST_PASSWORD")
	o.Child = *server == "child"
	if len(o.URLs) > 0 && (o.Admin == "" || o.AdminPassword == "") {
		fmt.Fprintln(stderr, "loadtest: with --url, pass --admin USERNAME and the password in PARLEY_LOADTEST_PASSWORD: the trainees are real accounts, made by an admin")
		return o, errUsage
	}
	if err := checkLoadOptions(o, *server, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return o, errUsage
	}
	if len(o.URLs) > 0 || o.Child {
		o.Idle = 0 // measured in-process only
	}
	return o, nil
}

func checkLoadOptions(o loadtest.Options, server string, rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("takes flags only, got %q", rest)
	case o.Trainees < 1 || o.Trainees > loadtest.MaxTrainees:
		return fmt.Errorf("--trainees must be 1 to %d", loadtest.MaxTrainees)
	case o.Idle < 0 || o.Idle > loadtest.MaxIdleSessions:
		return fmt.Errorf("--idle must be 0 to %d", loadtest.MaxIdleSessions)
	case o.Duration <= 0 || o.Duration > loadtest.MaxDuration:
		return fmt.Errorf("--duration must be positive and at most %v", loadtest.MaxDuration)
	case o.Think < 0 || o.Ramp < 0 || o.Ramp >= o.Duration:
		return errors.New("--think must not be negative, and --ramp must be shorter than --duration")
	case o.Floor < 0 || o.Floor > 100000:
		return errors.New("--floor must be 0 to 100000")
	case o.Drivers < 1 || o.Drivers > loadtest.MaxDrivers:
		return fmt.Errorf("--drivers must be 1 to %d", loadtest.MaxDrivers)
	}
	return checkServerOptions(o, server)
}

// checkServerOptions checks the flags that say where the server is.
func checkServerOptions(o loadtest.Options, server string) error {
	switch {
	case server != "in-process" && server != "child":
		return fmt.Errorf("--server is in-process or child, not %q", server)
	case o.Child && len(o.URLs) > 0:
		return errors.New("--server child starts a server; --url drives one already running: pass one of them")
	case len(o.ServerPIDs) > 0 && len(o.URLs) == 0:
		return errors.New("--server-pid names the process of a server given with --url")
	case o.DB != "" && !o.Child:
		return errors.New("--db is the database of a --server child")
	case o.Instances < 1 || o.Instances > loadtest.MaxInstances:
		return fmt.Errorf("--instances must be 1 to %d", loadtest.MaxInstances)
	case o.Instances > 1 && (!o.Child || !app.IsPostgres(o.DB)):
		return errors.New("--instances above 1 needs --server child and a shared PostgreSQL database: --db postgres://…")
	case o.FindMax && (o.FindMaxLimit < o.Trainees || o.FindMaxLimit > loadtest.MaxTrainees || o.MaxP99 <= 0):
		return fmt.Errorf("--find-max-limit must be --trainees to %d, and --p99 positive", loadtest.MaxTrainees)
	case o.SessionsFile != "" && len(o.URLs) == 0 && o.DB == "":
		return errors.New("--sessions keeps sessions for the next run on the same database: give it --url or --db")
	case o.FindMax && o.CPUProfile != "":
		return errors.New("--cpuprofile profiles one load phase; --find-max runs several: profile a run of the count it found")
	}
	return nil
}

// idleChildCommand is how the idle-session child is started: this binary's
// loadtest again, which sees loadtest.IdleChildEnv; tests re-execute the
// test binary instead.
var idleChildCommand = func(ctx context.Context) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, exe, "loadtest"), nil
}

// serveCommand starts this binary's serve with args, for --server child;
// tests re-execute the test binary instead.
var serveCommand = func(ctx context.Context, args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, exe, append([]string{"serve"}, args...)...), nil
}

// driverCommand starts a driver process: this binary's loadtest again,
// which sees loadtest.DriverEnv.
var driverCommand = idleChildCommand

// readStoredTurns opens a stopped server's database (SQLite or
// PostgreSQL) afresh, for the durable check of --server child.
func readStoredTurns(ctx context.Context, db string) (loadtest.TurnReader, func() error, error) {
	st, err := app.OpenStore(ctx, db)
	if err != nil {
		return nil, nil, fmt.Errorf("durability check: reopen the database: %w", err)
	}
	return storeTurnReader(st), st.Close, nil
}

// startInProcess starts the server as serve does (an App) on 127.0.0.1:0
// with a database file in dir, and waits until it listens and has analysed
// its scenarios: loadtest.Options.Start.
func startInProcess(ctx context.Context, dir string, log *slog.Logger) (*loadtest.Server, error) {
	dbPath := filepath.Join(dir, "parley.db")
	o := app.Options{Addr: "127.0.0.1:0", DB: dbPath, AbandonAfter: webui.DefaultAbandonAfter,
		StartBurst: -1} // simulated trainees may start attempts faster than a person can
	a := app.New(o, slog.New(warningsOnly{log.Handler()}))
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	stop := func() error { // the App drains and closes its store
		cancel()
		return <-done
	}
	select {
	case <-a.Ready():
	case <-time.After(30 * time.Second):
		return nil, errors.Join(errors.New("loadtest: the server did not start listening within 30s"), stop())
	}
	if a.URL() == "" {
		err := <-done
		done <- err
		return nil, errors.Join(fmt.Errorf("loadtest: the server stopped before listening: %w", err), stop())
	}
	st, ok := a.Store().(*sqlite.Store) // its commit counts are SQLite's
	if !ok {
		return nil, errors.Join(fmt.Errorf("loadtest: the in-process server's database is %T, not SQLite", a.Store()), stop())
	}
	srv := &loadtest.Server{URL: a.URL(), Database: dbPath, Stop: stop, SetupLink: a.SetupLink(),
		Stats: func() loadtest.CommitStats {
			s := st.Stats()
			return loadtest.CommitStats{Commits: s.Commits, Writes: s.Writes}
		},
		Turns: func(ctx context.Context) (loadtest.TurnReader, func() error, error) {
			st, err := sqlite.Open(ctx, dbPath)
			if err != nil {
				return nil, nil, fmt.Errorf("durability check: reopen %s: %w", dbPath, err)
			}
			return storeTurnReader(st), st.Close, nil
		}}
	// Measure the server at rest: its scenarios' analyses, made in the
	// background after it listens, are not a cost of the sessions.
	select {
	case <-a.Analysed():
		return srv, nil
	case <-time.After(2 * time.Minute):
		return nil, errors.Join(errors.New("loadtest: the server did not finish analysing its scenarios within 2 minutes"), stop())
	}
}

// storeTurnReader reads the stored turns from the database itself.
func storeTurnReader(st interface {
	Turns(ctx context.Context, attempt string) ([]training.Turn, error)
}) loadtest.TurnReader {
	return func(ctx context.Context, attempt string) (map[int]loadtest.StoredTurn, error) {
		turns, err := st.Turns(ctx, attempt)
		if err != nil {
			return nil, fmt.Errorf("durability check: attempt %s: %w", attempt, err)
		}
		out := make(map[int]loadtest.StoredTurn, len(turns))
		for _, t := range turns {
			out[t.Number] = loadtest.StoredTurn{Reply: t.ReplyID, Seq: t.Seq}
		}
		return out, nil
	}
}

// warningsOnly passes on the server's log records at warning and above:
// the load tool's own output stays readable.
type warningsOnly struct{ slog.Handler }

func (h warningsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
