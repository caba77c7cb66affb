package engine

import (
	"math"
	"slices"
)

// blockPenalty is how much the ideal path avoids a reply that blocks a
// competency: more than any amount of points can make up.
const blockPenalty = 1000

// finish computes score bounds, path counts, values and the ideal path over
// the explored states.
func (x *explorer) finish() {
	a, sc := x.a, x.sc
	a.States = len(a.states)
	x.components()
	x.bounds()
	x.values()
	x.ideal()
	x.noExit()
	x.neverOffered()
	for t, ok := range x.reached {
		if !ok {
			continue
		}
		a.Reached = append(a.Reached, sc.targetID(target(t)))
		if sc.isEnding(target(t)) {
			a.Endings = append(a.Endings, sc.targetID(target(t)))
		}
	}
}

// On a state graph with cycles, every total is over the paths that never
// come back to a state they have been in: going round a loop gains
// nothing, and a trainee's best is the best such path. The states are
// grouped into strongly connected components (states that lead round to
// each other), solved one component at a time, children first. A state
// outside any loop is solved from its replies, as on a tree. From a state
// in a loop, every path that stays inside its component without repeating a
// state, and then leaves it, is searched: exactly, within a step budget.
// A component too large for the budget is solved approximately (each of
// its states gets its value once, from neighbours that already have one,
// outward from its exits), and Analysis.Approximate says so.

// Budgets of the exact search of loops, in steps of the search.
const (
	loopBudget      = 1_000_000  // for one component
	loopBudgetTotal = 20_000_000 // for the whole analysis
)

// components finds the strongly connected components of the state graph
// (Tarjan's algorithm, without recursion) in the order they are completed:
// every component comes after the components it leads to.
func (x *explorer) components() {
	n := len(x.a.states)
	x.comp = make([]int32, n)
	index := make([]int32, n) // 0: not yet visited; else visit order + 1
	low := make([]int32, n)
	onStack := make([]bool, n)
	var stack []int32
	type frame struct {
		state int32
		edge  int
	}
	next := int32(1)
	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		calls := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			edges := x.a.states[f.state].edges
			if f.edge < len(edges) {
				to := edges[f.edge].to
				f.edge++
				switch {
				case index[to] == 0:
					index[to], low[to] = next, next
					next++
					stack = append(stack, to)
					onStack[to] = true
					calls = append(calls, frame{to, 0})
				case onStack[to]:
					low[f.state] = min(low[f.state], index[to])
				}
				continue
			}
			s := f.state
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				parent := calls[len(calls)-1].state
				low[parent] = min(low[parent], low[s])
			}
			if low[s] != index[s] {
				continue
			}
			id := int32(len(x.comps))
			var members []int32
			for {
				t := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[t] = false
				x.comp[t] = id
				members = append(members, t)
				if t == s {
					break
				}
			}
			x.comps = append(x.comps, members)
			x.a.Loops = x.a.Loops || len(members) > 1 || x.selfLoop(s)
		}
	}
}

func (x *explorer) selfLoop(s int32) bool {
	for _, e := range x.a.states[s].edges {
		if e.to == s {
			return true
		}
	}
	return false
}

// loopy reports whether component id is a loop (more than a lone state
// without a reply back to itself).
func (x *explorer) loopy(id int32) bool {
	return len(x.comps[id]) > 1 || x.selfLoop(x.comps[id][0])
}

// pathStep is one reply taken inside a component: state, and edge index.
type pathStep struct{ state, edge int32 }

// simplePaths calls leave for every path that starts at s, stays inside
// s's component without repeating a state, and then leaves it by the edge
// last (path holds the steps before last; it is reused between calls). It
// returns false, having called leave for only some paths, when the step
// budget runs out.
func (x *explorer) simplePaths(s int32, budget *int, leave func(path []pathStep, last pathStep)) bool {
	id := x.comp[s]
	stack := append(x.frames[:0], pathStep{s, 0}) // state, and the next edge to try
	defer func() { x.frames = stack[:0] }()
	x.onPath[s] = true
	path := x.steps[:0]
	defer func() { x.steps = path[:0] }()
	ok := true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		edges := x.a.states[f.state].edges
		if int(f.edge) == len(edges) || !ok {
			x.onPath[f.state] = false
			stack = stack[:len(stack)-1]
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			continue
		}
		if *budget--; *budget < 0 {
			ok = false
			continue
		}
		k := f.edge
		f.edge++
		to := edges[k].to
		switch {
		case x.comp[to] != id:
			leave(path, pathStep{f.state, k})
		case !x.onPath[to]:
			path = append(path, pathStep{f.state, k})
			x.onPath[to] = true
			stack = append(stack, pathStep{to, 0})
		}
	}
	return ok
}

// solve gives every state its result, components children first. start
// resets state s and says whether it has replies to search from; take
// considers one path from s (the steps inside its component, then the edge
// that leaves it) and reports whether it improved s's result; has says
// whether s has a result. Loops are searched exactly within the budgets; a
// loop past them is solved outward from its exits and marked approximate.
func (x *explorer) solve(start func(int32) bool, take func(s int32, path []pathStep, last pathStep) bool, has func(int32) bool) {
	if x.approx == nil {
		x.approx = make([]bool, len(x.comps))
	}
	total := loopBudgetTotal
	for id, members := range x.comps {
		budget := min(loopBudget, total)
		done := true
		for _, s := range members {
			if !start(s) {
				continue
			}
			if done = x.simplePaths(s, &budget, func(path []pathStep, last pathStep) { take(s, path, last) }); !done {
				break
			}
		}
		if x.loopy(int32(id)) {
			total -= min(loopBudget, total) - max(budget, 0)
		}
		if done {
			continue
		}
		x.a.Approximate, x.approx[id] = true, true
		for _, s := range members {
			start(s)
		}
		outward(members, has, func(s int32) bool {
			changed := false
			for k := range x.a.states[s].edges {
				changed = take(s, nil, pathStep{s, int32(k)}) || changed
			}
			return changed
		})
	}
}

// outward calls relax on members that have no value yet (has reports it)
// until none changes: each gets its value once, from neighbours that have
// one, so values never grow round a loop.
func outward(members []int32, has func(int32) bool, relax func(int32) bool) {
	for changed := true; changed; {
		changed = false
		for _, s := range members {
			if !has(s) && relax(s) {
				changed = true
			}
		}
	}
}

// bounds fills Best, Worst and Paths: per competency, the best and worst
// total from each state to an ending, and the number of paths.
func (x *explorer) bounds() {
	const invalid = math.MinInt
	a, nc := x.a, len(x.sc.Competencies)
	hi := make([]int, len(a.states)*nc)
	lo := make([]int, len(a.states)*nc)
	count := make([]float64, len(a.states))
	x.onPath = make([]bool, len(a.states))
	acc := make([]int, nc)
	points := func(st pathStep) []int {
		s := &a.states[st.state]
		return x.sc.nodes[s.at].replies[s.edges[st.edge].reply].points
	}
	// take considers the path through steps then last, for state s.
	take := func(s int32, path []pathStep, last pathStep) bool {
		to := a.states[last.state].edges[last.edge].to
		if hi[int(to)*nc] == invalid {
			return false
		}
		clear(acc)
		for _, st := range append(path, last) {
			for c, p := range points(st) {
				acc[c] += p
			}
		}
		for c := range nc {
			h, l := acc[c]+hi[int(to)*nc+c], acc[c]+lo[int(to)*nc+c]
			if hi[int(s)*nc+c] == invalid || h > hi[int(s)*nc+c] {
				hi[int(s)*nc+c] = h
			}
			if lo[int(s)*nc+c] == invalid || l < lo[int(s)*nc+c] {
				lo[int(s)*nc+c] = l
			}
		}
		count[s] += count[to]
		return true
	}
	start := func(s int32) bool {
		switch a.states[s].kind {
		case stateEnding, stateCut:
			count[s] = 1 // bounds 0
			return false
		}
		for c := range nc {
			hi[int(s)*nc+c], lo[int(s)*nc+c] = invalid, invalid
		}
		return a.states[s].kind == stateOpen
	}
	x.solve(start, take, func(s int32) bool { return hi[int(s)*nc] != invalid })
	a.Best, a.Worst = make([]int, nc), make([]int, nc)
	if len(a.states) > 0 && (nc == 0 || hi[0] != invalid) {
		copy(a.Best, hi[:nc])
		copy(a.Worst, lo[:nc])
		a.Paths = count[0]
	}
}

// gain is how much choosing r adds to the overall value: each competency's
// points as a share of its best, minus a penalty for every block.
func (a *Analysis) gain(r *reply) float64 {
	g := 0.0
	for c, p := range r.points {
		if b := a.Best[c]; b > 0 {
			g += float64(p) / float64(b)
		}
	}
	return g - blockPenalty*float64(len(r.blocks))
}

// values gives every state its best overall value from there and the
// first reply of the path that earns it (best).
func (x *explorer) values() {
	a := x.a
	gainOf := func(st pathStep) float64 {
		s := &a.states[st.state]
		return a.gain(&x.sc.nodes[s.at].replies[s.edges[st.edge].reply])
	}
	take := func(s int32, path []pathStep, last pathStep) bool {
		v := a.states[a.states[last.state].edges[last.edge].to].value
		for _, st := range path {
			v += gainOf(st)
		}
		v += gainOf(last)
		first := last.edge
		if len(path) > 0 {
			first = path[0].edge
		}
		if v > a.states[s].value {
			a.states[s].value, a.states[s].best = v, first
			return true
		}
		return false
	}
	start := func(s int32) bool {
		st := &a.states[s]
		st.best = -1
		if st.kind == stateEnding || st.kind == stateCut {
			st.value = 0
			return false
		}
		st.value = math.Inf(-1)
		return st.kind == stateOpen
	}
	x.solve(start, take, func(s int32) bool { return !math.IsInf(a.states[s].value, -1) })
}

// ideal follows the best path from the start to an ending. Inside a loop it
// takes the whole best path from where it entered, found again, so it never
// comes back to a state.
func (x *explorer) ideal() {
	a := x.a
	a.IdealScore = make([]int, len(x.sc.Competencies))
	add := func(st pathStep) int32 {
		s := &a.states[st.state]
		e := s.edges[st.edge]
		r := &x.sc.nodes[s.at].replies[e.reply]
		a.Ideal = append(a.Ideal, Step{Node: x.sc.nodes[s.at].id, Reply: r.id})
		for c, p := range r.points {
			a.IdealScore[c] += p
		}
		a.IdealTo = append(a.IdealTo, x.sc.targetID(a.states[e.to].at))
		return e.to
	}
	for i, steps := int32(0), 0; len(a.states) > 0 && a.states[i].best >= 0 && steps < len(a.states); steps++ {
		if id := x.comp[i]; !x.loopy(id) || x.approx[id] {
			i = add(pathStep{i, a.states[i].best})
			continue
		}
		var best []pathStep
		bestValue := math.Inf(-1)
		budget := math.MaxInt
		x.simplePaths(i, &budget, func(path []pathStep, last pathStep) {
			v := a.states[a.states[last.state].edges[last.edge].to].value
			for _, st := range append(path, last) {
				s := &a.states[st.state]
				v += a.gain(&x.sc.nodes[s.at].replies[s.edges[st.edge].reply])
			}
			if v > bestValue {
				bestValue, best = v, append(append(best[:0], path...), last)
			}
		})
		for _, st := range best {
			i = add(st)
		}
	}
}

// IdealReply is the reply that leads to the best overall result from where
// the session is now. ok is false when the session is in a state the
// exploration did not reach (started elsewhere, or exploration was cut).
func (a *Analysis) IdealReply(s *Session) (Choice, bool) {
	r, ok := a.idealReply(s)
	if !ok {
		return Choice{}, false
	}
	return Choice{ID: r.id, Text: r.text}, true
}

func (a *Analysis) idealReply(s *Session) (*reply, bool) {
	key := encodeMachine(nil, &s.m, a.sc)
	i, found := a.index[string(key)]
	if !found || a.states[i].best < 0 {
		return nil, false
	}
	st := &a.states[i]
	return &a.sc.nodes[st.at].replies[st.edges[st.best].reply], true
}

// noExit finds the open states from which no ending can be reached, loops
// included, and records a path to the first such state at each node. A
// state cut by a limit counts as one that may reach an ending; so do dead
// ends and states whose every reply fails, which are reported as such.
// Components come children first, so one pass decides each.
func (x *explorer) noExit() {
	a := x.a
	exits := make([]bool, len(x.comps)) // by component
	for id, members := range x.comps {
		for _, s := range members {
			st := &a.states[s]
			if st.kind != stateOpen || len(st.edges) == 0 {
				exits[id] = true
			}
			for _, e := range st.edges {
				if x.comp[e.to] != int32(id) && exits[x.comp[e.to]] {
					exits[id] = true
				}
			}
		}
	}
	for i := range a.states {
		s := &a.states[i]
		if s.kind != stateOpen || exits[x.comp[i]] || x.seen["noexit:"+x.sc.nodes[s.at].id] {
			continue
		}
		x.seen["noexit:"+x.sc.nodes[s.at].id] = true
		a.NoExit = append(a.NoExit, Trace{Node: x.sc.nodes[s.at].id, Path: a.pathTo(int32(i))})
	}
}

// pathTo is the path by which exploration first reached state i.
func (a *Analysis) pathTo(i int32) []Step {
	var path []Step
	for s := &a.states[i]; s.parent >= 0; s = &a.states[s.parent] {
		p := &a.states[s.parent]
		path = append(path, Step{Node: a.sc.nodes[p.at].id, Reply: a.sc.nodes[p.at].replies[s.via].id})
	}
	slices.Reverse(path)
	return path
}
