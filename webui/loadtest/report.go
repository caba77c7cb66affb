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

// loadResult merges what every trainee saw.
type loadResult struct {
	rtt      latencySummary
	steady   latencySummary // round trips of chooses sent after the ramp
	acked    []ackedTurn
	errors   map[string]int
	started  int
	finished int
	elapsed  time.Duration
	cpu      time.Duration // this process's CPU time during the load
}

func mergeResults(results []traineeResult, elapsed time.Duration) loadResult {
	out := loadResult{errors: map[string]int{}, elapsed: elapsed}
	var rtts, steady []time.Duration
	for _, r := range results {
		rtts = append(rtts, r.rtts...)
		steady = append(steady, r.steady...)
		out.acked = append(out.acked, r.acked...)
		for k, n := range r.errors {
			out.errors[k] += n
		}
		out.started += r.started
		out.finished += r.finished
	}
	out.rtt, out.steady = summarize(rtts), summarize(steady)
	return out
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
	load       loadResult
	commits    commitStats
	durable    durableResult
}

// Verdict is ErrProblems when the run saw errors, nothing was acknowledged,
// or an acknowledged turn is missing from the database.
func (r *Report) Verdict() error {
	if r.load.errorCount() > 0 || len(r.load.acked) == 0 || r.durable.found != r.durable.acked {
		return ErrProblems
	}
	return nil
}

func (r *Report) Print(w io.Writer) {
	o := r.opts
	fmt.Fprintf(w, "parley loadtest  %s  %s, GOMAXPROCS %d\n", r.started.UTC().Format(time.RFC3339), runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "target:        %s\n", r.target)
	fmt.Fprintf(w, "load:          %d trainees, think %v (±50%%), duration %v, ramp %v\n", o.Trainees, o.Think, o.Duration, o.Ramp)
	fmt.Fprintf(w, "open files:    %s\n", r.openFiles)
	fmt.Fprintf(w, "load average:  %s (before) → %s (after)\n", r.loadBefore, loadAverage())
	r.printFloor(w)
	r.printSignIn(w)
	r.printLoad(w)
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

func (r *Report) printSignIn(w io.Writer) {
	s := r.signIn
	if s.accounts == 0 {
		return
	}
	who := "server and trainees"
	if r.target != "" && !r.commits.known && r.opts.URL != "" {
		who = "trainees only"
	}
	fmt.Fprintf(w, "sign-in:       %d accounts created and signed in through their invitations in %v; cpu %s per sign-in (argon2id; this process: %s)\n",
		s.accounts, s.wall.Round(time.Millisecond), fmtDur(s.cpu/time.Duration(s.accounts)), who)
}

func (r *Report) printLoad(w io.Writer) {
	l := r.load
	fmt.Fprintf(w, "round trip:    %s  (choose sent → ack received)\n", l.rtt)
	if r.opts.Ramp > 0 {
		fmt.Fprintf(w, "  after ramp:  %s  (chooses sent once every trainee had connected)\n", l.steady)
	}
	if r.floor.total() > 0 && l.rtt.n > 0 {
		fmt.Fprintf(w, "p50 / floor:   %.2f×\n", float64(l.rtt.p50)/float64(r.floor.total()))
	}
	rate := float64(len(l.acked)) / l.elapsed.Seconds()
	fmt.Fprintf(w, "replies:       %d acked, %.1f/s over %v; attempts started %d, finished %d\n",
		len(l.acked), rate, l.elapsed.Round(time.Millisecond), l.started, l.finished)
	if l.cpu > 0 && len(l.acked) > 0 {
		who := "server and trainees"
		if !r.commits.known {
			who = "trainees only"
		}
		fmt.Fprintf(w, "cpu:           %s per reply, %.2f cores (this process: %s)\n",
			fmtDur(l.cpu/time.Duration(len(l.acked))), l.cpu.Seconds()/l.elapsed.Seconds(), who)
	}
	fmt.Fprintf(w, "errors:        %d\n", l.errorCount())
	for _, k := range slices.Sorted(maps.Keys(l.errors)) {
		fmt.Fprintf(w, "  %6d  %s\n", l.errors[k], k)
	}
	if c := r.commits; c.known && c.writes > 0 {
		fmt.Fprintf(w, "group commit:  %d commits for %d writes: %.3f commits/write (%.1f writes per fsync)\n",
			c.commits, c.writes, float64(c.commits)/float64(c.writes), float64(c.writes)/float64(max(c.commits, 1)))
	}
}

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
	Missing           []string      // the first few not found
	FloorEcho         int           // floor iterations: websocket echoes
	FloorCommit       int           // and commits
	Floor             time.Duration // echo p50 + commit p50
	IdleSessions      int           // 0 when memory was not measured
	CommitsKnown      bool          // the group-commit counters were read (in-process)
	Commits, Writes   int64         // during the load
}

// Summary is r's counts.
func (r *Report) Summary() Summary {
	s := Summary{Acked: len(r.load.acked), RoundTrips: r.load.rtt.n, Errors: r.load.errors,
		DurableChecked: r.durable.checked, DurableFound: r.durable.found, DurableAcked: r.durable.acked, Missing: r.durable.missing,
		FloorEcho: r.floor.echo.n, FloorCommit: r.floor.commit.n, Floor: r.floor.total(),
		CommitsKnown: r.commits.known, Commits: r.commits.commits, Writes: r.commits.writes}
	if r.memory != nil {
		s.IdleSessions = r.memory.sessions
	}
	return s
}
