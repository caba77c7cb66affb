// Package loadtest is Parley's load tool: simulated trainees on real
// websockets against a server, reporting round trips against a measured
// floor (a websocket echo and a SQLite commit with fsync), throughput,
// errors, CPU per reply, group commit, server memory per idle session and
// durability (every acknowledged turn is read back).
//
// It speaks to the server only through parley/webui/client, as any client
// would. What needs the server's insides is given to it: Options.Start
// starts a server in this process (cmd/parley wires its App there) and
// returns a Server with its group-commit counters and a reader of its stored
// turns; without it, Options.URL names a server already running, whose
// turns are read back over HTTP.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"parley/webui/client"
	"runtime/pprof"
	"time"
)

// Hard caps: the load tool never opens more than this.
const (
	MaxTrainees     = 5000
	MaxIdleSessions = 5000
	MaxDuration     = time.Hour
)

// ErrProblems is Run's answer when the run saw errors, nothing was
// acknowledged, or an acknowledged turn is missing from the database.
var ErrProblems = errors.New("problems found")

// Options is one run. The fields are cmd/parley's loadtest flags, checked
// there against the caps above.
type Options struct {
	URL      string        // drive the server already running here; empty: Start one
	Trainees int           // simulated trainees, each on its own websocket
	Think    time.Duration // mean think time before each reply, jittered ±50%
	Duration time.Duration // how long the trainees play
	Ramp     time.Duration // spread the trainees' connection starts over this long
	Idle     int           // idle sessions for the memory per session (in-process only; 0 skips)
	Floor    int           // iterations of the floor, half before the load and half after; 0 skips
	Seed     uint64        // the trainees' choices; 0 picks one
	// Admin and AdminPassword sign in to a running server (URL) as an
	// admin, to create the trainees' accounts. An in-process server is
	// set up through its first-run link instead.
	Admin, AdminPassword string
	CPUProfile           string // a CPU profile of the load phase, when set
	MemProfile           string // a heap profile with the idle sessions connected, when set

	// Start starts a server in this process when URL is empty, with its
	// database in dir (a temporary folder the run removes afterwards), and
	// returns once it listens and has analysed its scenarios.
	Start func(ctx context.Context, dir string, log *slog.Logger) (*Server, error)

	// IdleChild is the command of the idle-session child: a process that
	// calls RunIdleChild when IdleChildEnv is set (the run sets it), so that
	// the client side of the idle sessions does not count in the server's
	// memory. Needed when Idle > 0 and the server is in-process.
	IdleChild func(ctx context.Context) (*exec.Cmd, error)
}

// Run runs every phase, prints the report to stdout (with what was measured
// so far when a phase fails) and logs its progress to log. It returns
// ErrProblems when the report shows problems.
func Run(ctx context.Context, o Options, stdout io.Writer, log *slog.Logger) error {
	rep, err := Measure(ctx, o, log)
	if rep != nil {
		rep.Print(stdout)
	}
	if err != nil {
		return err
	}
	return rep.Verdict()
}

// Measure runs every phase and returns what it measured. The report is
// returned even when a phase fails, with what was measured so far.
func Measure(ctx context.Context, o Options, log *slog.Logger) (*Report, error) {
	rep := &Report{opts: o, started: time.Now(), loadBefore: loadAverage()}
	rep.openFiles = raiseOpenFiles(openFilesNeeded(o), log)
	tg, err := openTarget(ctx, o, log)
	if err != nil {
		return nil, err
	}
	defer tg.cleanup(log)
	rep.target = tg.describe()
	err = exercise(ctx, tg, o, rep, log)
	err = errors.Join(err, tg.stop())
	if err == nil {
		log.Info("checking that every acknowledged turn is in the database", "acked", len(rep.load.acked))
		rep.durable, err = verifyDurable(ctx, tg, rep.load.acked)
	}
	return rep, err
}

// openFilesNeeded estimates this process's descriptors: a websocket per
// trainee, and in-process the server's end of it and of each idle session
// too, plus some for HTTP, the database and the floor.
func openFilesNeeded(o Options) uint64 {
	if o.URL != "" {
		return uint64(o.Trainees + 256)
	}
	return uint64(2*o.Trainees + o.Idle + 256)
}

// exercise runs the measuring phases against a running target: the floor,
// idle memory, then the trainees.
func exercise(ctx context.Context, tg *target, o Options, rep *Report, log *slog.Logger) error {
	trainees, signedIn, err := signIn(ctx, tg, o, "trainee", o.Trainees, log)
	rep.signIn = signedIn
	if err != nil {
		return err
	}
	scenarioIDs, err := fetchScenarioIDs(ctx, trainees[0])
	if err != nil {
		return err
	}
	before, err := floorHalf(ctx, tg, o.Floor-o.Floor/2, log)
	if err != nil {
		return err
	}
	if o.Idle > 0 && tg.srv != nil {
		log.Info("measuring memory per idle session", "sessions", o.Idle)
		idle, _, err := signIn(ctx, tg, o, "idle", o.Idle, log)
		if err != nil {
			return err
		}
		if rep.memory, err = measureIdle(ctx, o.IdleChild, tg.base, idle, o.MemProfile); err != nil {
			return err
		}
	}
	if err := loadPhase(ctx, tg, o, trainees, scenarioIDs, rep, log); err != nil {
		return err
	}
	after, err := floorHalf(ctx, tg, o.Floor/2, log)
	rep.floor = before.pool(after)
	return err
}

// floorHalf measures n iterations of the floor (none when n is 0).
func floorHalf(ctx context.Context, tg *target, n int, log *slog.Logger) (floorSamples, error) {
	if n == 0 {
		return floorSamples{}, nil
	}
	log.Info("measuring the floor", "iterations", n, "db_dir", tg.dir)
	return measureFloor(ctx, tg.dir, n)
}

// loadPhase runs the trainees, with the group-commit counters and an
// optional CPU profile around them.
func loadPhase(ctx context.Context, tg *target, o Options, trainees []*client.Session, scenarioIDs []string, rep *Report, log *slog.Logger) error {
	stopProfile, err := startCPUProfile(o.CPUProfile)
	if err != nil {
		return err
	}
	before, cpu := tg.stats(), processCPU()
	log.Info("trainees playing", "trainees", o.Trainees, "think", o.Think, "duration", o.Duration, "ramp", o.Ramp)
	rep.load = runTrainees(ctx, newLoadEnv(tg, o, scenarioIDs), trainees)
	rep.commits = tg.stats().minus(before)
	rep.load.cpu = processCPU() - cpu
	return stopProfile()
}

func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("--cpuprofile: %w", err), f.Close())
	}
	return func() error { pprof.StopCPUProfile(); return f.Close() }, nil
}
