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
	"math/rand/v2"
	"os/exec"
	"time"
)

// Hard caps: the load tool never opens more than this.
const (
	MaxTrainees     = 50000
	MaxIdleSessions = 5000
	MaxDuration     = time.Hour
	MaxDrivers      = 64
	MaxInstances    = 16
)

// ErrProblems is Run's answer when the run saw errors, nothing was
// acknowledged, or an acknowledged turn is missing from the database.
var ErrProblems = errors.New("problems found")

// Options is one run. The fields are cmd/parley's loadtest flags, checked
// there against the caps above.
type Options struct {
	URLs       []string      // drive the servers already running here, trainees spread across them; empty: start one
	ServerPIDs []int         // with URLs: the servers' processes, whose CPU and memory over the load are read from /proc
	DBPID      int           // PostgreSQL's postmaster, whose CPU and its backends' over the load is read from /proc; 0: not read
	Child      bool          // start the server as parley serve in its own process (Serve), not in this one
	Instances  int           // with Child: how many serve processes, all on one database (PostgreSQL for more than one)
	DB         string        // with Child: serve's --db; empty: a new SQLite file in a temporary folder
	Drivers    int           // processes that run the trainees (Driver); 0 or 1: this one
	Trainees   int           // simulated trainees, each on its own websocket (FindMax: the first step's)
	Think      time.Duration // mean think time before each reply, jittered ±50%
	Duration   time.Duration // how long the trainees play (FindMax: each step)
	Ramp       time.Duration // spread the trainees' connection starts over this long
	Idle       int           // idle sessions for the memory per session (in-process only; 0 skips)
	Floor      int           // iterations of the floor, half before the load and half after; 0 skips
	Seed       uint64        // the trainees' choices; 0 picks one
	// FindMax searches for the largest number of trainees whose round
	// trips have a p99 under MaxP99 with no errors: it doubles from
	// Trainees until a step fails (or FindMaxLimit is reached), then
	// halves the gap until it is within a tenth. The server runs on
	// between steps.
	FindMax      bool
	FindMaxLimit int
	MaxP99       time.Duration
	// Admin and AdminPassword sign in to a running server (URL) as an
	// admin, to create the trainees' accounts. An in-process server is
	// set up through its first-run link instead.
	Admin, AdminPassword string
	// SessionsFile keeps the trainees' session tokens between runs on one
	// database (--url, or Child with DB): read at the start, and written
	// with any trainee signed in; signing 10,000 in takes minutes.
	SessionsFile string
	CPUProfile   string // a CPU profile of the load phase (of the server, when it runs in its own process), when set
	MemProfile   string // a heap profile with the idle sessions connected, when set

	// Start starts a server in this process when URL is empty, with its
	// database in dir (a temporary folder the run removes afterwards), and
	// returns once it listens and has analysed its scenarios.
	Start func(ctx context.Context, dir string, log *slog.Logger) (*Server, error)

	// IdleChild is the command of the idle-session child: a process that
	// calls RunIdleChild when IdleChildEnv is set (the run sets it), so that
	// the client side of the idle sessions does not count in the server's
	// memory. Needed when Idle > 0 and the server is in-process.
	IdleChild func(ctx context.Context) (*exec.Cmd, error)

	// Serve is the command of parley serve with args, for Child. Its
	// stderr must be serve's log (slog's text format) and its stdout the
	// console: the run learns from them where it listens (and its setup
	// link, and its --debug-addr), and waits for AnalysedMessage.
	Serve           func(ctx context.Context, args []string) (*exec.Cmd, error)
	AnalysedMessage string
	// ReadTurns opens the database db afresh, after the Child servers have
	// stopped, to check that every acknowledged turn is stored; done
	// closes it. Nil: the turns are read back over HTTP before they stop.
	ReadTurns func(ctx context.Context, db string) (read TurnReader, done func() error, err error)

	// Driver is the command of a driver process: one that calls
	// RunDriver when DriverEnv is set (the run sets it). Needed when
	// Drivers > 1.
	Driver func(ctx context.Context) (*exec.Cmd, error)
}

// maxTrainees is the most trainees the run may connect at once.
func (o Options) maxTrainees() int {
	if o.FindMax {
		return max(o.FindMaxLimit, o.Trainees)
	}
	return o.Trainees
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
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	rep := &Report{opts: o, started: time.Now(), loadBefore: loadAverage()}
	var err error
	if rep.openFiles, err = ensureOpenFiles(o, log); err != nil {
		return nil, err
	}
	tg, err := openTarget(ctx, o, log)
	if err != nil {
		return nil, err
	}
	defer tg.cleanup(log)
	rep.target, rep.inProc = tg.describe(), tg.srv != nil
	err = exercise(ctx, tg, o, rep, log)
	acked := rep.allAcked()
	if err == nil && tg.readTurns == nil { // over HTTP, while the servers run
		log.Info("reading every acknowledged turn back over HTTP", "acked", len(acked))
		rep.durable, err = verifyDurable(ctx, acked, nil, tg.client(), tg.tokens)
	}
	err = errors.Join(err, tg.stop())
	if err == nil && tg.readTurns != nil {
		log.Info("checking that every acknowledged turn is in the database", "acked", len(acked))
		rep.durable, err = readBack(ctx, tg, acked)
	}
	return rep, err
}

// readBack opens the stopped server's database afresh and looks for every
// acknowledged turn in it.
func readBack(ctx context.Context, tg *target, acked []ackedTurn) (durableResult, error) {
	read, done, err := tg.readTurns(ctx)
	if err != nil {
		return durableResult{}, err
	}
	res, err := verifyDurable(ctx, acked, read, nil, nil)
	return res, errors.Join(err, done())
}

// ensureOpenFiles raises this process's open-files limit for the run and
// refuses a run that cannot have the descriptors it needs.
func ensureOpenFiles(o Options, log *slog.Logger) (string, error) {
	need := openFilesNeeded(o)
	desc, hard := raiseOpenFiles(need, log)
	if hard > 0 && hard < need {
		return desc, fmt.Errorf("loadtest: this run needs about %d open files in one process and the hard limit is %d: raise it (ulimit -Hn), or put the server in its own process (--server child) and the trainees in several (--drivers N)", need, hard)
	}
	return desc, nil
}

// openFilesNeeded is the most descriptors one process of the run needs:
// this one, a driver, or a server of ours. A websocket costs one on each
// side: in-process both are here.
func openFilesNeeded(o Options) uint64 {
	n, drivers := uint64(o.maxTrainees()), uint64(max(o.Drivers, 1))
	here := uint64(256) // HTTP while signing in, the floor
	if drivers == 1 {
		here += n // the trainees' ends
	}
	if len(o.URLs) == 0 && !o.Child {
		here += n + uint64(o.Idle) // the server's ends
	}
	need := max(here, (n+drivers-1)/drivers+256) // a driver's share
	if o.Child {
		need = max(need, n+256) // the server's process
	}
	return need
}

// exercise runs the measuring phases against a running target: the floor,
// idle memory, then the trainees.
func exercise(ctx context.Context, tg *target, o Options, rep *Report, log *slog.Logger) error {
	if o.SessionsFile != "" {
		if err := tg.loadSessions(ctx, o.SessionsFile); err != nil {
			return err
		}
		log.Info("trainees' sessions kept by an earlier run", "file", o.SessionsFile, "sessions", len(tg.tokens))
	}
	if err := tg.signInTrainees(ctx, o, o.Trainees, &rep.signIn, log); err != nil {
		return err
	}
	scenarioIDs, err := fetchScenarioIDs(ctx, tg.client().WithToken(tg.tokens[0]))
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
		if rep.memory, err = measureIdle(ctx, o.IdleChild, tg.bases[0], idle, o.MemProfile); err != nil {
			return err
		}
	}
	if o.FindMax {
		err = findMax(ctx, tg, o, scenarioIDs, rep, log)
	} else {
		rep.load, err = loadPhase(ctx, tg, o, scenarioIDs, log)
	}
	if err != nil {
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

// loadPhase runs o.Trainees trainees (the first of tg.tokens), with the
// server processes' CPU and an optional CPU profile around them.
func loadPhase(ctx context.Context, tg *target, o Options, scenarioIDs []string, log *slog.Logger) (loadResult, error) {
	stopProfile, err := startCPUProfile(ctx, tg, o)
	if err != nil {
		return loadResult{}, err
	}
	if err := tg.procs.start(); err != nil {
		return loadResult{}, errors.Join(err, stopProfile())
	}
	cpu, loadAvg, commits := processCPU(), loadAverage(), tg.stats()
	log.Info("trainees playing", "trainees", o.Trainees, "think", o.Think, "duration", o.Duration, "ramp", o.Ramp, "drivers", max(o.Drivers, 1))
	tokens := tg.tokens[:o.Trainees]
	var l loadResult
	var atRamp rampSample
	started := func() { atRamp = sampleAtRamp(tg, o.Ramp) }
	if o.Drivers > 1 {
		l, err = runDrivers(ctx, tg, o, tokens, scenarioIDs, started, log)
	} else {
		started()
		l = runTrainees(ctx, newLoadEnv(tg.bases, tg.http, o, scenarioIDs), tokens, 0)
	}
	l.cpu, l.trainees, l.loadAvg = processCPU()-cpu, o.Trainees, [2]string{loadAvg, loadAverage()}
	l.commits = tg.stats().minus(commits)
	if len(tg.procs.pids) > 0 || tg.procs.db != 0 {
		use, perr := tg.procs.finish()
		l.server, err = &use, errors.Join(err, perr)
		if cpu, ok := atRamp.get(); ok {
			l.serverSteady = tg.procs.cpuNow() - cpu
		}
	}
	return l, errors.Join(err, stopProfile())
}

// rampSample is the server processes' CPU time when the ramp ended.
type rampSample chan time.Duration

// sampleAtRamp reads the server processes' CPU time once the ramp is over
// (nil when there is no ramp or no server process to read).
func sampleAtRamp(tg *target, ramp time.Duration) rampSample {
	if ramp <= 0 || len(tg.procs.pids) == 0 {
		return nil
	}
	ch := make(rampSample, 1)
	time.AfterFunc(ramp, func() { ch <- tg.procs.cpuNow() })
	return ch
}

// get is the sample, once taken.
func (r rampSample) get() (time.Duration, bool) {
	select {
	case cpu := <-r:
		return cpu, true
	default:
		return 0, false
	}
}
