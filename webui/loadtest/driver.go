package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"parley/webui/client"
)

// DriverEnv makes a process a driver (RunDriver): one of several processes
// that run the trainees, so that a run is not bound by one process's share
// of the CPU or of the open files. The run sets it to "1".
//
// The protocol, on the driver's stdin and stdout: the run writes a
// driverSpec as one line of JSON; the driver signs nothing in (the run has
// done that), prepares, and answers "ready"; the run writes "go" to every
// driver at once; each runs its trainees for the duration and writes a
// driverResult as JSON, then exits.
const DriverEnv = "PARLEY_LOADTEST_DRIVER"

// driverReadyLimit bounds how long a driver may take to read its spec.
const driverReadyLimit = time.Minute

// maxDriverOutput bounds what the run reads of a driver's result: about
// 100 bytes an acknowledged turn.
const maxDriverOutput = 1 << 30

// driverSpec is one driver's share of the run.
type driverSpec struct {
	Bases     []string      `json:"bases"`     // the server instances
	Tokens    []string      `json:"tokens"`    // its trainees' session tokens
	First     int           `json:"first"`     // the run-wide number of its first trainee
	Total     int           `json:"total"`     // trainees in the whole run (for the ramp)
	Scenarios []string      `json:"scenarios"` // scenario ids to start
	Think     time.Duration `json:"think"`
	Duration  time.Duration `json:"duration"`
	Ramp      time.Duration `json:"ramp"`
	Seed      uint64        `json:"seed"`
}

// driverResult is what a driver's trainees saw: a loadResult on the wire.
type driverResult struct {
	RTT      *histogram     `json:"rtt"`
	Steady   *histogram     `json:"steady"`
	Acked    []ackedTurn    `json:"acked"`
	Errors   map[string]int `json:"errors"`
	Started  int            `json:"started"`
	Finished int            `json:"finished"`
	Elapsed  time.Duration  `json:"elapsed"`
	CPU      time.Duration  `json:"cpu"` // the driver's CPU time while its trainees ran
}

func (r driverResult) load() loadResult {
	l := loadResult{rtt: r.RTT, steady: r.Steady, acked: r.Acked, errors: r.Errors, started: r.Started,
		finished: r.Finished, elapsed: r.Elapsed}
	if l.rtt == nil {
		l.rtt = newHistogram()
	}
	if l.steady == nil {
		l.steady = newHistogram()
	}
	if l.errors == nil {
		l.errors = map[string]int{}
	}
	return l
}

// splitTokens divides tokens into n contiguous shares whose sizes differ
// by one at most, and says where each starts.
func splitTokens(tokens []string, n int) (shares [][]string, firsts []int) {
	for k := range n {
		lo, hi := k*len(tokens)/n, (k+1)*len(tokens)/n
		shares, firsts = append(shares, tokens[lo:hi]), append(firsts, lo)
	}
	return shares, firsts
}

// runDrivers runs the trainees in o.Drivers driver processes, starts them
// all at once (calling started then) and merges what they saw.
func runDrivers(ctx context.Context, tg *target, o Options, tokens, scenarioIDs []string, started func(), log *slog.Logger) (loadResult, error) {
	if o.Driver == nil {
		return loadResult{}, errors.New("loadtest: no command to start a driver process with (Options.Driver)")
	}
	shares, firsts := splitTokens(tokens, min(o.Drivers, len(tokens)))
	drivers := make([]*driverProc, 0, len(shares))
	defer func() {
		for _, d := range drivers {
			d.kill()
		}
	}()
	for k, share := range shares {
		spec := driverSpec{Bases: tg.bases, Tokens: share, First: firsts[k], Total: len(tokens), Scenarios: scenarioIDs,
			Think: o.Think, Duration: o.Duration, Ramp: o.Ramp, Seed: o.Seed}
		d, err := startDriver(ctx, o.Driver, spec)
		if d != nil {
			drivers = append(drivers, d)
		}
		if err != nil {
			return loadResult{}, fmt.Errorf("loadtest: driver %d of %d: %w", k+1, len(shares), err)
		}
	}
	for _, d := range drivers {
		if err := d.goAhead(); err != nil {
			return loadResult{}, err
		}
	}
	started()
	log.Info("driver processes running", "drivers", len(drivers))
	return collectDrivers(drivers, o.Duration+stopGrace+time.Minute)
}

// collectDrivers waits for every driver's result and merges them.
func collectDrivers(drivers []*driverProc, limit time.Duration) (loadResult, error) {
	results := make([]driverResult, len(drivers))
	errs := make([]error, len(drivers))
	var wg sync.WaitGroup
	for k, d := range drivers {
		wg.Go(func() { results[k], errs[k] = d.result(limit) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return loadResult{}, err
	}
	return mergeDrivers(results), nil
}

// mergeDrivers is the run's result from its drivers' results.
func mergeDrivers(results []driverResult) loadResult {
	out := loadResult{rtt: newHistogram(), steady: newHistogram(), errors: map[string]int{}, drivers: len(results)}
	for _, r := range results {
		out.merge(r.load())
		out.toolCPU += r.CPU
	}
	return out
}

// driverProc is a running driver process.
type driverProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startDriver(ctx context.Context, command func(context.Context) (*exec.Cmd, error), spec driverSpec) (*driverProc, error) {
	cmd, err := command(ctx)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), DriverEnv+"=1")
	cmd.Stderr = os.Stderr
	cmd.WaitDelay = 5 * time.Second
	d := &driverProc{cmd: cmd}
	if d.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	d.out = bufio.NewReader(io.LimitReader(stdout, maxDriverOutput))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	line, err := json.Marshal(spec)
	if err == nil {
		_, err = d.stdin.Write(append(line, '\n'))
	}
	if err == nil {
		err = d.awaitLine("ready", driverReadyLimit)
	}
	return d, err
}

// awaitLine reads the driver's next line, which must be want.
func (d *driverProc) awaitLine(want string, limit time.Duration) error {
	got := make(chan error, 1)
	go func() {
		line, err := d.out.ReadString('\n')
		if err == nil && strings.TrimSpace(line) != want {
			err = fmt.Errorf("said %q, want %q", strings.TrimSpace(line), want)
		}
		got <- err
	}()
	select {
	case err := <-got:
		return err
	case <-time.After(limit):
		return fmt.Errorf("did not say %q within %v", want, limit)
	}
}

// goAhead starts the driver's trainees.
func (d *driverProc) goAhead() error {
	_, err := io.WriteString(d.stdin, "go\n")
	return err
}

// result reads the driver's result and waits for it to exit.
func (d *driverProc) result(limit time.Duration) (driverResult, error) {
	type answer struct {
		r   driverResult
		err error
	}
	got := make(chan answer, 1)
	go func() {
		var a answer
		a.err = json.NewDecoder(d.out).Decode(&a.r)
		got <- a
	}()
	select {
	case a := <-got:
		_ = d.stdin.Close()
		err := d.cmd.Wait()
		d.cmd = nil
		if a.err != nil {
			return a.r, fmt.Errorf("loadtest: a driver's result: %w (exit: %v)", a.err, err)
		}
		return a.r, err
	case <-time.After(limit):
		return driverResult{}, fmt.Errorf("loadtest: a driver gave no result within %v", limit)
	}
}

// kill stops a driver that is still running (after a failure).
func (d *driverProc) kill() {
	if d.cmd == nil || d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Kill()
	_ = d.cmd.Wait()
}

// RunDriver is a driver process's side (see DriverEnv): read the spec from
// stdin, say ready, wait for go, run the trainees and write the result to
// stdout.
func RunDriver(ctx context.Context, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	in := bufio.NewReader(io.LimitReader(stdin, 256<<20))
	line, err := in.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("loadtest driver: read the spec: %w", err)
	}
	var spec driverSpec
	if err := json.Unmarshal(line, &spec); err != nil {
		return fmt.Errorf("loadtest driver: the spec: %w", err)
	}
	if len(spec.Bases) == 0 || len(spec.Tokens) == 0 || len(spec.Scenarios) == 0 || spec.Duration <= 0 || spec.Duration > MaxDuration {
		return errors.New("loadtest driver: the spec names no server, no trainees, no scenarios or no duration")
	}
	raiseOpenFiles(uint64(len(spec.Tokens)+256), log)
	hc := client.NewHTTPClient()
	defer hc.CloseIdleConnections()
	env := newLoadEnv(spec.Bases, hc, Options{Trainees: spec.Total, Think: spec.Think, Ramp: spec.Ramp, Seed: spec.Seed, Duration: spec.Duration}, spec.Scenarios)
	fmt.Fprintln(stdout, "ready")
	if line, err := in.ReadString('\n'); err != nil || strings.TrimSpace(line) != "go" {
		return fmt.Errorf("loadtest driver: wanted go, got %q (%v)", line, err)
	}
	cpu := processCPU()
	l := runTrainees(ctx, env, spec.Tokens, spec.First)
	res := driverResult{RTT: l.rtt, Steady: l.steady, Acked: l.acked, Errors: l.errors, Started: l.started,
		Finished: l.finished, Elapsed: l.elapsed, CPU: processCPU() - cpu}
	return json.NewEncoder(stdout).Encode(res)
}
