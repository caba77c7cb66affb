package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"
)

// Hard caps: the load tool never opens more than this.
const (
	maxTrainees     = 5000
	maxIdleSessions = 5000
	maxDuration     = time.Hour
)

// loadOptions is what the loadtest flags say.
type loadOptions struct {
	url        string
	trainees   int
	think      time.Duration
	duration   time.Duration
	ramp       time.Duration
	idle       int
	floorN     int
	seed       uint64
	cpuProfile string
	memProfile string
}

// loadtestCmd drives simulated trainees over real websockets against a
// server (by default the real one, started in-process on loopback with a
// temporary database) and reports round trips, throughput, errors, group
// commit, memory per idle session and durability against a measured floor.
func loadtestCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if spec := os.Getenv(idleChildEnv); spec != "" {
		return runIdleChild(ctx, spec, stdin, stdout)
	}
	o, err := parseLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	rep, err := runLoadtest(ctx, o, log)
	if rep != nil {
		rep.print(stdout)
	}
	if err != nil {
		return err
	}
	return rep.verdict()
}

func parseLoadFlags(args []string, stderr io.Writer) (loadOptions, error) {
	var o loadOptions
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "drive an already running server at this base URL (such as http://127.0.0.1:8080) instead of starting one in-process; memory is then not measured")
	fs.IntVar(&o.trainees, "trainees", 50, fmt.Sprintf("simulated trainees, each on its own websocket (at most %d)", maxTrainees))
	fs.DurationVar(&o.think, "think", time.Second, "mean think time before each reply, jittered ±50%; 0 replies as fast as the server answers")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long the trainees play; every loop stops by itself then")
	fs.DurationVar(&o.ramp, "ramp", 0, "spread the trainees' connection starts evenly over this long")
	fs.IntVar(&o.idle, "idle", 1000, fmt.Sprintf("idle connected sessions, each with an attempt started, to measure server memory per session (in-process only; 0 skips; at most %d)", maxIdleSessions))
	fs.IntVar(&o.floorN, "floor", 500, "iterations of the floor measurements (websocket echo, SQLite commit with fsync), half before the load and half after; 0 skips them")
	fs.Uint64Var(&o.seed, "seed", 0, "seed for the trainees' choices; 0 picks one")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phase (server and trainees) to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile taken while the idle sessions are connected to this file")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	if err := checkLoadOptions(o, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return o, errUsage
	}
	return o, nil
}

func checkLoadOptions(o loadOptions, rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("takes flags only, got %q", rest)
	case o.trainees < 1 || o.trainees > maxTrainees:
		return fmt.Errorf("--trainees must be 1 to %d", maxTrainees)
	case o.idle < 0 || o.idle > maxIdleSessions:
		return fmt.Errorf("--idle must be 0 to %d", maxIdleSessions)
	case o.duration <= 0 || o.duration > maxDuration:
		return fmt.Errorf("--duration must be positive and at most %v", maxDuration)
	case o.think < 0 || o.ramp < 0 || o.ramp >= o.duration:
		return errors.New("--think must not be negative, and --ramp must be shorter than --duration")
	case o.floorN < 0 || o.floorN > 100000:
		return errors.New("--floor must be 0 to 100000")
	}
	return nil
}

// runLoadtest runs every phase and returns what it measured. The report is
// returned even when a phase fails, with what was measured so far.
func runLoadtest(ctx context.Context, o loadOptions, log *slog.Logger) (*loadReport, error) {
	rep := &loadReport{opts: o, started: time.Now(), loadBefore: loadAverage()}
	rep.openFiles = raiseOpenFiles(openFilesNeeded(o), log)
	tg, err := openTarget(ctx, o.url, log)
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
func openFilesNeeded(o loadOptions) uint64 {
	if o.url != "" {
		return uint64(o.trainees + 256)
	}
	return uint64(2*o.trainees + o.idle + 256)
}

// exercise runs the measuring phases against a running target: the floor,
// idle memory, then the trainees.
func exercise(ctx context.Context, tg *target, o loadOptions, rep *loadReport, log *slog.Logger) error {
	scenarioIDs, err := fetchScenarioIDs(ctx, tg.client())
	if err != nil {
		return err
	}
	before, err := floorHalf(ctx, tg, o.floorN-o.floorN/2, log)
	if err != nil {
		return err
	}
	if o.idle > 0 && tg.st != nil {
		log.Info("measuring memory per idle session", "sessions", o.idle)
		if rep.memory, err = measureIdle(ctx, tg.base, o.idle, o.memProfile); err != nil {
			return err
		}
	}
	if err := loadPhase(ctx, tg, o, scenarioIDs, rep, log); err != nil {
		return err
	}
	after, err := floorHalf(ctx, tg, o.floorN/2, log)
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
func loadPhase(ctx context.Context, tg *target, o loadOptions, scenarioIDs []string, rep *loadReport, log *slog.Logger) error {
	stopProfile, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	before, cpu := tg.stats(), processCPU()
	log.Info("trainees playing", "trainees", o.trainees, "think", o.think, "duration", o.duration, "ramp", o.ramp)
	rep.load = runTrainees(ctx, newLoadEnv(tg, o, scenarioIDs))
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
