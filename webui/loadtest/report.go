package loadtest

import (
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// loadResult merges what every trainee saw, in this process or in driver
// processes (driverResult carries it between them).
type loadResult struct {
	rtt      *histogram // choose sent → ack received
	steady   *histogram // the same, for chooses sent after the ramp
	acked    []ackedTurn
	errors   map[string]int
	started  int
	finished int
	elapsed  time.Duration
	cpu      time.Duration // this process's CPU time during the load
	drivers  int           // driver processes that ran the trainees; 0: this one
	toolCPU  time.Duration // the driver processes' CPU time, with drivers
	server   *procUse      // the server processes' CPU and memory, when known
	// serverSteady is their CPU time after the ramp (connections and first
	// starts are over), for the replies sent after it (steady); 0: unknown.
	serverSteady time.Duration
	trainees     int
	loadAvg      [2]string   // at the start and the end of the load phase
	commits      commitStats // the in-process store's group commit
}

func mergeResults(results []traineeResult, elapsed time.Duration) loadResult {
	out := loadResult{errors: map[string]int{}, elapsed: elapsed, rtt: newHistogram(), steady: newHistogram()}
	for _, r := range results {
		for _, d := range r.rtts {
			out.rtt.add(d)
		}
		for _, d := range r.steady {
			out.steady.add(d)
		}
		out.acked = append(out.acked, r.acked...)
		for k, n := range r.errors {
			out.errors[k] += n
		}
		out.started += r.started
		out.finished += r.finished
	}
	return out
}

// merge adds what another process's trainees saw.
func (r *loadResult) merge(o loadResult) {
	r.rtt.merge(o.rtt)
	r.steady.merge(o.steady)
	r.acked = append(r.acked, o.acked...)
	for k, n := range o.errors {
		r.errors[k] += n
	}
	r.started += o.started
	r.finished += o.finished
	r.elapsed = max(r.elapsed, o.elapsed)
}

func (r loadResult) errorCount() int {
	n := 0
	for _, c := range r.errors {
		n += c
	}
	return n
}

// latencySummary is a latency distribution's order statistics.
type latencySummary struct {
	n                  int
	p50, p90, p99, max time.Duration
	mean               time.Duration
}

// summarize sorts ds (in place) and reads its percentiles by nearest rank.
func summarize(ds []time.Duration) latencySummary {
	if len(ds) == 0 {
		return latencySummary{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return latencySummary{n: len(ds), p50: percentile(ds, 0.50), p90: percentile(ds, 0.90), p99: percentile(ds, 0.99),
		max: ds[len(ds)-1], mean: sum / time.Duration(len(ds))}
}

// percentile is the nearest-rank p-quantile of sorted ds.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func (l latencySummary) String() string {
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s  (n=%d)", fmtDur(l.p50), fmtDur(l.p90), fmtDur(l.p99), fmtDur(l.max), l.n)
}

// fmtDur rounds d to three or so significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d < 10*time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	case d < 10*time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// durableResult is how many acknowledged turns were found in the database.
type durableResult struct {
	checked bool
	found   int
	acked   int
	missing []string // the first few not found, for the report
}

// Report is everything one run measured: Print shows it.
type Report struct {
	opts       Options
	started    time.Time
	target     string
	openFiles  string
	loadBefore string // /proc/loadavg when the run began: other work on the machine skews every number
	floor      floorResult
	memory     *memoryResult
	signIn     signInResult
	load       loadResult   // the load phase; with FindMax, the largest step that passed
	steps      []loadResult // FindMax: every step, in order
	inProc     bool         // the server ran in this process
	durable    durableResult
}

// Verdict is ErrProblems when the run saw errors, nothing was acknowledged,
// or an acknowledged turn is missing from the database. With FindMax a
// step's errors are its finding, not a problem of the run; the durable
// check still counts.
func (r *Report) Verdict() error {
	if r.opts.FindMax {
		if len(r.allAcked()) == 0 || r.durable.found != r.durable.acked {
			return ErrProblems
		}
		return nil
	}
	if r.load.errorCount() > 0 || len(r.load.acked) == 0 || r.durable.found != r.durable.acked {
		return ErrProblems
	}
	return nil
}

// allAcked is every acknowledged turn of the run, over every step.
func (r *Report) allAcked() []ackedTurn {
	if !r.opts.FindMax {
		return r.load.acked
	}
	var all []ackedTurn
	for _, st := range r.steps {
		all = append(all, st.acked...)
	}
	return all
}

func (r *Report) Print(w io.Writer) {
	o := r.opts
	fmt.Fprintf(w, "parley loadtest  %s  %s, GOMAXPROCS %d\n", r.started.UTC().Format(time.RFC3339), runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "target:        %s\n", r.target)
	if o.FindMax {
		fmt.Fprintf(w, "load:          find-max from %d trainees up to %d, think %v (±50%%), %v a step, ramp %v; passes: p99 < %v and no errors\n",
			o.Trainees, o.FindMaxLimit, o.Think, o.Duration, o.Ramp, o.MaxP99)
	} else {
		fmt.Fprintf(w, "load:          %d trainees, think %v (±50%%), duration %v, ramp %v\n", o.Trainees, o.Think, o.Duration, o.Ramp)
	}
	if o.Drivers > 1 {
		fmt.Fprintf(w, "drivers:       %d processes run the trainees\n", o.Drivers)
	}
	fmt.Fprintf(w, "open files:    %s\n", r.openFiles)
	fmt.Fprintf(w, "load average:  %s (before) → %s (after)\n", r.loadBefore, loadAverage())
	r.printFloor(w)
	r.printSignIn(w)
	if o.FindMax {
		r.printSteps(w)
	} else if r.load.rtt != nil {
		r.printLoad(w, r.load)
	}
	r.printMemory(w)
	r.printDurable(w)
}

func (r *Report) printFloor(w io.Writer) {
	f := r.floor
	if f.echo.n == 0 {
		return
	}
	fmt.Fprintf(w, "floor echo:    %s  (gorilla echo on loopback, %d-byte frame)\n", f.echo, f.frameSize)
	fmt.Fprintf(w, "floor commit:  %s  (SQLite WAL, synchronous=FULL, 1 row per transaction)\n", f.commit)
	fmt.Fprintf(w, "floor:         %s  (echo p50 + commit p50; before the load %s, after %s)\n",
		fmtDur(f.total()), fmtDur(f.before), fmtDur(f.after))
}

// inProcess reports whether the server ran in this process.
func (r *Report) inProcess() bool { return r.inProc }

func (r *Report) printSignIn(w io.Writer) {
	s := r.signIn
	if s.accounts == 0 {
		return
	}
	who := "this process: trainees only"
	if r.inProcess() {
		who = "this process: server and trainees"
	}
	if s.server > 0 {
		who, s.cpu = "the server's processes", s.server
	}
	fmt.Fprintf(w, "sign-in:       %d accounts created and signed in through their invitations in %v; cpu %s per sign-in (argon2id; %s)\n",
		s.accounts, s.wall.Round(time.Millisecond), fmtDur(s.cpu/time.Duration(s.accounts)), who)
}

func (r *Report) printLoad(w io.Writer, l loadResult) {
	fmt.Fprintf(w, "load phase:    load average %s at the start, %s at the end\n", l.loadAvg[0], l.loadAvg[1])
	fmt.Fprintf(w, "round trip:    %s  (choose sent → ack received)\n", l.rtt.summary())
	if r.opts.Ramp > 0 {
		fmt.Fprintf(w, "  after ramp:  %s  (chooses sent once every trainee had connected)\n", l.steady.summary())
	}
	if r.floor.total() > 0 && l.rtt.N > 0 {
		fmt.Fprintf(w, "p50 / floor:   %.2f×\n", float64(l.rtt.summary().p50)/float64(r.floor.total()))
	}
	fmt.Fprintf(w, "replies:       %d acked, %.1f/s over %v; attempts started %d, finished %d\n",
		len(l.acked), l.rate(), l.elapsed.Round(time.Millisecond), l.started, l.finished)
	r.printCPU(w, l)
	fmt.Fprintf(w, "errors:        %d\n", l.errorCount())
	for _, k := range slices.Sorted(maps.Keys(l.errors)) {
		fmt.Fprintf(w, "  %6d  %s\n", l.errors[k], k)
	}
	if c := l.commits; c.known && c.writes > 0 {
		fmt.Fprintf(w, "group commit:  %d commits for %d writes: %.3f commits/write (%.1f writes per fsync)\n",
			c.commits, c.writes, float64(c.commits)/float64(c.writes), float64(c.writes)/float64(max(c.commits, 1)))
	}
}

// printCPU says what the load cost in CPU: the server's own processes when
// they are known, and the load tool's.
func (r *Report) printCPU(w io.Writer, l loadResult) {
	n := time.Duration(len(l.acked))
	if n == 0 {
		return
	}
	if u := l.server; u != nil {
		if len(u.pids) > 0 {
			fmt.Fprintf(w, "server cpu:    %s per reply, %.2f cores (user+sys of pid %s, from /proc)\n",
				fmtDur(u.cpu/n), u.cpu.Seconds()/l.elapsed.Seconds(), joinInts(u.pids))
		}
		if steady := l.steady.N; l.serverSteady > 0 && steady > 0 && l.elapsed > r.opts.Ramp {
			fmt.Fprintf(w, "  after ramp:  %s per reply, %.2f cores (replies sent once every trainee had connected)\n",
				fmtDur(l.serverSteady/time.Duration(steady)), l.serverSteady.Seconds()/(l.elapsed-r.opts.Ramp).Seconds())
		}
		for k, pid := range u.pids {
			if u.gone[k] {
				fmt.Fprintf(w, "server pid %d: exited during the load; its CPU is not counted\n", pid)
				continue
			}
			fmt.Fprintf(w, "server pid %d: cpu %.2f cores; resident %s at the end of the load, peak %s\n",
				pid, u.each[k].Seconds()/l.elapsed.Seconds(), fmtMiB(u.rss[k]), fmtMiB(u.hwm[k]))
		}
		if u.db != 0 {
			fmt.Fprintf(w, "database cpu:  %s per reply, %.2f cores (pid %d and its children, from /proc)\n",
				fmtDur(u.dbCPU/n), u.dbCPU.Seconds()/l.elapsed.Seconds(), u.db)
		}
	}
	if l.cpu > 0 || l.toolCPU > 0 {
		who := "load tool only"
		switch {
		case r.inProcess() && l.drivers == 0:
			who = "this process: server and trainees"
		case r.inProcess():
			who = fmt.Sprintf("this process (the server) and %d driver processes", l.drivers)
		case l.drivers > 0:
			who = fmt.Sprintf("load tool: this process and %d driver processes", l.drivers)
		}
		cpu := l.cpu + l.toolCPU
		fmt.Fprintf(w, "cpu:           %s per reply, %.2f cores (%s)\n", fmtDur(cpu/n), cpu.Seconds()/l.elapsed.Seconds(), who)
	}
}

// printSteps is find-max's table: one line a step, then the verdict.
func (r *Report) printSteps(w io.Writer) {
	fmt.Fprintf(w, "find-max:      %8s %9s %9s %9s %9s %7s %12s  %s\n", "trainees", "replies/s", "p50", "p99", "max", "errors", "server/reply", "load average start → end")
	best := -1
	for k, st := range r.steps {
		sum, verdict := st.rtt.summary(), "fail"
		if r.stepPasses(st) {
			verdict = "pass"
			if best < 0 || st.trainees > r.steps[best].trainees {
				best = k
			}
		}
		server := "—"
		if st.server != nil && len(st.acked) > 0 {
			server = fmtDur(st.server.cpu / time.Duration(len(st.acked)))
		}
		fmt.Fprintf(w, "  step %-6d %8d %9.1f %9s %9s %9s %7d %12s  %s → %s  %s\n", k+1, st.trainees, st.rate(),
			fmtDur(sum.p50), fmtDur(sum.p99), fmtDur(sum.max), st.errorCount(), server, st.loadAvg[0], st.loadAvg[1], verdict)
	}
	if best < 0 {
		fmt.Fprintf(w, "largest:       none passed (p99 < %v, no errors); try fewer --trainees\n", r.opts.MaxP99)
		return
	}
	fmt.Fprintf(w, "largest:       %d trainees replying about every %v with p99 < %v and no errors; its step in full:\n",
		r.steps[best].trainees, r.opts.Think, r.opts.MaxP99)
	r.printLoad(w, r.steps[best])
}

// stepPasses is find-max's criterion: some replies, none of them late at
// the 99th percentile, and no errors.
func (r *Report) stepPasses(l loadResult) bool {
	return len(l.acked) > 0 && l.errorCount() == 0 && l.rtt.summary().p99 < r.opts.MaxP99
}

// rate is acknowledged replies per second.
func (l loadResult) rate() float64 {
	if l.elapsed <= 0 {
		return 0
	}
	return float64(len(l.acked)) / l.elapsed.Seconds()
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for k, n := range ns {
		s[k] = fmt.Sprint(n)
	}
	return strings.Join(s, "+")
}

func fmtMiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (r *Report) printMemory(w io.Writer) {
	m := r.memory
	if m == nil {
		return
	}
	fmt.Fprintf(w, "memory/idle session: %s  (heap in use %s + stacks %s; %d sessions, %.2f goroutines each)\n",
		fmtBytes(m.perSession()), fmtBytes(m.heapPer()), fmtBytes(m.stackPer()), m.sessions, m.goroutinesPer())
}

func (r *Report) printDurable(w io.Writer) {
	d := r.durable
	if !d.checked {
		return
	}
	fmt.Fprintf(w, "durable:       %d/%d acked turns found\n", d.found, d.acked)
	for _, m := range d.missing {
		fmt.Fprintf(w, "  missing: %s\n", m)
	}
}

// loadAverage is the 1, 5 and 15 minute load averages, where the system says.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func fmtBytes(b float64) string {
	return fmt.Sprintf("%.1f KiB", b/1024)
}

// Summary is the counts a run is checked by (the tests' view of a Report).
type Summary struct {
	Acked, RoundTrips int            // acknowledged turns; round trips timed
	Errors            map[string]int // by kind
	DurableChecked    bool
	DurableFound      int // acknowledged turns found stored, of DurableAcked
	DurableAcked      int
	Missing           []string        // the first few not found
	FloorEcho         int             // floor iterations: websocket echoes
	FloorCommit       int             // and commits
	Floor             time.Duration   // echo p50 + commit p50
	IdleSessions      int             // 0 when memory was not measured
	CommitsKnown      bool            // the group-commit counters were read (in-process)
	Commits, Writes   int64           // during the load
	ServerPIDs        []int           // the server processes read from /proc, when known
	ServerCPU         time.Duration   // their CPU time over the load
	ServerCPUEach     []time.Duration // each one's
	ServerCPUSteady   time.Duration   // their CPU time after the ramp
	SignedIn          int             // trainees signed in by this run (not kept from an earlier one)
	Steps             int             // FindMax: how many steps ran
	StepTrainees      []int           // FindMax: each step's trainees
	StepPassed        []bool          // FindMax: whether each step passed
}

// Summary is r's counts.
func (r *Report) Summary() Summary {
	s := Summary{Acked: len(r.allAcked()), Errors: r.load.errors, Steps: len(r.steps),
		DurableChecked: r.durable.checked, DurableFound: r.durable.found, DurableAcked: r.durable.acked, Missing: r.durable.missing,
		FloorEcho: r.floor.echo.n, FloorCommit: r.floor.commit.n, Floor: r.floor.total(),
		CommitsKnown: r.load.commits.known, Commits: r.load.commits.commits, Writes: r.load.commits.writes}
	s.SignedIn = r.signIn.accounts
	if r.load.rtt != nil {
		s.RoundTrips = int(r.load.rtt.N)
	}
	if r.memory != nil {
		s.IdleSessions = r.memory.sessions
	}
	if u := r.load.server; u != nil {
		s.ServerPIDs, s.ServerCPU, s.ServerCPUEach, s.ServerCPUSteady = u.pids, u.cpu, u.each, r.load.serverSteady
	}
	for _, st := range r.steps {
		s.StepTrainees = append(s.StepTrainees, st.trainees)
		s.StepPassed = append(s.StepPassed, r.stepPasses(st))
	}
	return s
}
