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
	"time"

	"parley/webui"
	"parley/webui/app"
	"parley/webui/loadtest"
	"parley/webui/sqlite"
)

// loadtestCmd drives simulated trainees over real websockets against a
// server (by default the real one, started in-process on loopback with a
// temporary database) and reports round trips, throughput, errors, group
// commit, memory per idle session and durability against a measured floor.
// The tool is webui/loadtest; this keeps its flags and wires the App in.
func loadtestCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if spec := os.Getenv(loadtest.IdleChildEnv); spec != "" {
		return loadtest.RunIdleChild(ctx, spec, stdin, stdout)
	}
	o, err := parseLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	o.Start, o.IdleChild = startInProcess, idleChildCommand
	err = loadtest.Run(ctx, o, stdout, slog.New(slog.NewTextHandler(stderr, nil)))
	if errors.Is(err, loadtest.ErrProblems) {
		return errProblems
	}
	return err
}

func parseLoadFlags(args []string, stderr io.Writer) (loadtest.Options, error) {
	var o loadtest.Options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.URL, "url", "", "drive an already running server at this base URL (such as http://127.0.0.1:8080) instead of starting one in-process; memory is then not measured")
	fs.IntVar(&o.Trainees, "trainees", 50, fmt.Sprintf("simulated trainees, each on its own websocket (at most %d)", loadtest.MaxTrainees))
	fs.DurationVar(&o.Think, "think", time.Second, "mean think time before each reply, jittered ±50%; 0 replies as fast as the server answers")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "how long the trainees play; every loop stops by itself then")
	fs.DurationVar(&o.Ramp, "ramp", 0, "spread the trainees' connection starts evenly over this long")
	fs.IntVar(&o.Idle, "idle", 1000, fmt.Sprintf("idle connected sessions, each with an attempt started, to measure server memory per session (in-process only; 0 skips; at most %d)", loadtest.MaxIdleSessions))
	fs.IntVar(&o.Floor, "floor", 500, "iterations of the floor measurements (websocket echo, SQLite commit with fsync), half before the load and half after; 0 skips them")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed for the trainees' choices; 0 picks one")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the load phase (server and trainees) to this file")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write a heap profile taken while the idle sessions are connected to this file")
	fs.StringVar(&o.Admin, "admin", "", "with --url: an admin's username, to create the trainees' accounts (its password in PARLEY_LOADTEST_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	o.AdminPassword = os.Getenv("PARLEY_LOADTEST_PASSWORD")
	if o.URL != "" && (o.Admin == "" || o.AdminPassword == "") {
		fmt.Fprintln(stderr, "loadtest: with --url, pass --admin USERNAME and the password in PARLEY_LOADTEST_PASSWORD: the trainees are real accounts, made by an admin")
		return o, errUsage
	}
	if err := checkLoadOptions(o, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return o, errUsage
	}
	return o, nil
}

func checkLoadOptions(o loadtest.Options, rest []string) error {
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

// startInProcess starts the server as serve does (an App) on 127.0.0.1:0
// with a database file in dir, and waits until it listens and has analysed
// its scenarios: loadtest.Options.Start.
func startInProcess(ctx context.Context, dir string, log *slog.Logger) (*loadtest.Server, error) {
	dbPath := filepath.Join(dir, "parley.db")
	o := app.Options{Addr: "127.0.0.1:0", DB: dbPath, AbandonAfter: webui.DefaultAbandonAfter}
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
func storeTurnReader(st *sqlite.Store) loadtest.TurnReader {
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
