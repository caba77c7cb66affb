package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
)

// Limits bound an exploration so that any scenario is analysed in bounded
// memory. Time is bounded by the context given to ExploreContext.
type Limits struct {
	MaxStates int // distinct states; default 300,000
	MaxDepth  int // replies on one path; default 150
	MaxBytes  int // about how much memory the explored states may take; default 256 MiB
}

// Default limits.
const (
	DefaultMaxStates = 300_000
	DefaultMaxDepth  = 150
	DefaultMaxBytes  = 256 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxStates <= 0 {
		l.MaxStates = DefaultMaxStates
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Why an exploration stopped before it was complete (Analysis.Cut).
const (
	CutStates    = "states"    // Limits.MaxStates distinct states
	CutDepth     = "depth"     // some path was Limits.MaxDepth replies long (and no other limit stopped it)
	CutMemory    = "memory"    // the states took about Limits.MaxBytes
	CutTime      = "time"      // the context's deadline passed
	CutCancelled = "cancelled" // the context was cancelled
)

// Analysis is what exploring every way through a scenario found. Paths
// honour every condition; two paths that reach the same state share it.
type Analysis struct {
	Complete bool   // false when a limit cut exploration short
	Limits   Limits // the limits it ran with, defaults filled in
	DepthCut bool   // some path was cut at Limits.MaxDepth replies
	Cut      string // why exploration stopped early (CutStates, ...), or "" when Complete
	Loops    bool   // the conversation can come back to a state it was in: the state graph has cycles
	// Approximate is set when a loop was too large to search exactly: the
	// bounds and the ideal path there are estimates (see analysis.go).
	Approximate bool
	States      int     // distinct states explored
	Paths       float64 // distinct paths from the start to an ending
	Best        []int   // per competency (Scenario.Competencies order): the best total reachable
	Worst       []int   // the worst total reachable
	Reached     []string
	Endings     []string // endings some path reaches, in file order
	DeadEnds    []Trace  // a path to each node where nothing is on offer
	NoExit      []Trace  // a path to each node reached in a state from which no ending can be reached
	// NeverOffered lists the replies with a when that is on offer in no
	// explored state, at nodes exploration reached; only when Complete.
	NeverOffered []ReplyRef
	Errors       []Trace  // a path to each run-time expression error
	Silent       []string // nodes where, on some path, the client says nothing
	Ideal        []Step   // the best path overall from the start
	IdealTo      []string // where each step of Ideal led: the next node, or the ending
	IdealScore   []int    // per competency, the totals the ideal path earns

	sc     *Scenario
	index  map[string]int32
	states []xstate
}

// Trace is a path to a problem found while exploring.
type Trace struct {
	Node    string `json:"node"`
	Path    []Step `json:"path"`
	Message string `json:"message,omitempty"`
}

type xstate struct {
	at     target
	edges  []xedge
	kind   uint8
	value  float64 // best overall value from here
	best   int32   // index into edges of the ideal reply, or -1
	parent int32   // the state it was first reached from, or -1 for the start
	via    int32   // the reply (index in its node) that reached it from parent
}

const (
	stateOpen uint8 = iota
	stateEnding
	stateDead
	stateCut
)

type xedge struct {
	reply int32
	to    int32
}

// Analysis is the scenario's analysis: the one Analyse made, or, when
// nothing has analysed it yet, an exploration with default limits now.
// Safe for concurrent use; callers wait for an analysis under way.
func (sc *Scenario) Analysis() *Analysis { return sc.Analyse(context.Background(), Limits{}) }

// Analyse explores the scenario within limits until ctx is done, once, and
// keeps the result for Analysis (and scoring) to use. A later call returns
// the first result whatever its limits.
func (sc *Scenario) Analyse(ctx context.Context, limits Limits) *Analysis {
	sc.analysisOnce.Do(func() { sc.analysis = sc.ExploreContext(ctx, limits) })
	return sc.analysis
}

// Explore walks every way through the scenario within limits.
func (sc *Scenario) Explore(limits Limits) *Analysis {
	return sc.ExploreContext(context.Background(), limits)
}

// ExploreContext is Explore that also stops, with what it found so far, when
// ctx is done: give it a deadline to bound the time, and cancel it to stop.
func (sc *Scenario) ExploreContext(ctx context.Context, limits Limits) *Analysis {
	limits = limits.withDefaults()
	x := &explorer{sc: sc, lim: limits, ev: newEvaluator(sc), ctx: ctx,
		a:       &Analysis{sc: sc, Complete: true, Limits: limits, index: map[string]int32{}},
		reached: make([]bool, len(sc.nodes)+len(sc.endings)), seen: map[string]bool{}}
	m := sc.newMachine()
	x.visit(&m, 0, -1, -1)
	x.finish()
	return x.a
}

// stateBytes is about what one explored state costs besides its key and
// its edges: the map entry, the state, and the analysis's per-state arrays.
// Measured: about 410 MB for a million states of a three-counter scenario.
const stateBytes = 400

// edgeBytes is what one edge (a reply on offer in a state) costs: a state
// with 3,000 replies on offer costs 24 KB, far more than stateBytes.
const edgeBytes = 8 // unsafe.Sizeof(xedge{})

type explorer struct {
	ctx     context.Context
	bytes   int // about how much memory the states take
	sc      *Scenario
	lim     Limits
	ev      *evaluator
	a       *Analysis
	path    []Step
	pool    []*machine
	comp    []int32    // each state's strongly connected component
	comps   [][]int32  // the components' states, children first
	approx  []bool     // by component: solved approximately (over budget)
	onPath  []bool     // scratch for simplePaths
	frames  []pathStep // scratch for simplePaths: its stack
	steps   []pathStep // scratch for simplePaths: the path so far
	key     []byte
	reached []bool
	seen    map[string]bool // problems already reported, by node
	avail   [][]int32
	offered [][]bool // by node, by reply: ever on offer (see offered.go)
}

// visit explores from m, reached from state parent by reply via, and
// returns its state index.
func (x *explorer) visit(m *machine, depth int, parent, via int32) int32 {
	x.key = encodeMachine(x.key[:0], m, x.sc)
	if i, ok := x.a.index[string(x.key)]; ok {
		return i
	}
	idx := int32(len(x.a.states))
	x.a.index[string(x.key)] = idx
	x.a.states = append(x.a.states, xstate{at: m.at, best: -1, parent: parent, via: via})
	x.bytes += len(x.key) + stateBytes
	x.reached[m.at] = true
	switch {
	case x.sc.isEnding(m.at):
		x.a.states[idx].kind = stateEnding
	case x.cut(depth):
		x.a.states[idx].kind = stateCut
	default:
		x.expand(m, idx, depth)
	}
	return idx
}

// cut reports whether a limit stops exploration at this state, and records
// which: the first limit reached is the reason given.
func (x *explorer) cut(depth int) bool {
	reason := ""
	switch {
	case x.a.Cut != "" && x.a.Cut != CutDepth:
		return true // stopped for good: nothing more is explored
	case len(x.a.states) >= x.lim.MaxStates:
		reason = CutStates
	case x.bytes >= x.lim.MaxBytes:
		reason = CutMemory
	case len(x.a.states)%256 == 0 && x.ctx.Err() != nil:
		reason = CutCancelled
		if errors.Is(x.ctx.Err(), context.DeadlineExceeded) {
			reason = CutTime
		}
	case depth >= x.lim.MaxDepth:
		x.a.Complete, x.a.DepthCut = false, true
		if x.a.Cut == "" {
			x.a.Cut = CutDepth
		}
		return true
	default:
		return false
	}
	x.a.Complete, x.a.Cut = false, reason
	return true
}

func (x *explorer) expand(m *machine, idx int32, depth int) {
	n := &x.sc.nodes[m.at]
	x.ev.load(m)
	x.checkSilent(m, n)
	avail := x.available(m, n, depth)
	if len(avail) == 0 {
		x.a.states[idx].kind = stateDead
		x.report(&x.a.DeadEnds, "dead:"+n.id, n.id, "")
		return
	}
	// Exactly the room the edges need, counted before the children are
	// explored, so that the memory limit holds however wide a node is.
	edges := make([]xedge, 0, len(avail))
	x.bytes += cap(edges) * edgeBytes
	child := x.machine(depth)
	for _, ri := range avail {
		r := &n.replies[ri]
		child.copyFrom(m)
		x.ev.load(child)
		if _, err := x.ev.step(child, r, nil); err != nil {
			x.report(&x.a.Errors, "err:"+n.id+"/"+r.id, n.id, err.Error())
			continue
		}
		x.path = append(x.path, Step{Node: n.id, Reply: r.id})
		to := x.visit(child, depth+1, idx, ri)
		x.path = x.path[:len(x.path)-1]
		edges = append(edges, xedge{reply: ri, to: to})
	}
	x.a.states[idx].edges = edges
}

// available lists the replies on offer at m; the slice is reused per depth.
func (x *explorer) available(m *machine, n *node, depth int) []int32 {
	for len(x.avail) <= depth {
		x.avail = append(x.avail, nil)
	}
	out := x.avail[depth][:0]
	for i := range n.replies {
		ok, err := x.ev.available(m, &n.replies[i])
		if err != nil {
			x.report(&x.a.Errors, "err:"+n.id+"/"+n.replies[i].id, n.id, err.Error())
		}
		if ok {
			out = append(out, int32(i))
			x.offer(m.at, i, len(n.replies))
		}
	}
	x.avail[depth] = out
	return out
}

func (x *explorer) checkSilent(m *machine, n *node) {
	for _, l := range n.lines {
		if ok, _ := x.ev.holds(l.when); ok {
			return
		}
	}
	if !x.seen["silent:"+n.id] {
		x.seen["silent:"+n.id] = true
		x.a.Silent = append(x.a.Silent, n.id)
	}
}

func (x *explorer) report(list *[]Trace, key, node, msg string) {
	if x.seen[key] {
		return
	}
	x.seen[key] = true
	*list = append(*list, Trace{Node: node, Path: append([]Step(nil), x.path...), Message: msg})
}

// machine returns a scratch machine for this depth.
func (x *explorer) machine(depth int) *machine {
	for len(x.pool) <= depth {
		m := x.sc.newMachine()
		x.pool = append(x.pool, &m)
	}
	return x.pool[depth]
}

// encode writes the parts of m that decide the future as a map key.
// Only what can change the future is written: see Scenario.keyReply,
// keyVisits and keyOnce.
func encodeMachine(b []byte, m *machine, sc *Scenario) []byte {
	b = binary.AppendUvarint(b, uint64(m.at))
	if sc.keyReply {
		b = appendValue(b, m.reply)
	}
	if sc.keyTurn {
		b = binary.AppendUvarint(b, uint64(m.turn))
	}
	for _, f := range m.mood {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	for _, v := range m.vars {
		b = appendValue(b, v)
	}
	if sc.keyVisits {
		for _, n := range m.visits {
			b = binary.AppendUvarint(b, uint64(n))
		}
	}
	for _, i := range sc.keyOnce {
		if m.used[i] {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case bool:
		if v {
			return append(b, 't')
		}
		return append(b, 'f')
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, 'n'), math.Float64bits(v))
	case string:
		b = binary.AppendUvarint(append(b, 's'), uint64(len(v)))
		return append(b, v...)
	}
	return append(b, '?')
}
