package engine

import (
	"math"
	"slices"
)

// blockPenalty is how much the ideal path avoids a reply that blocks a
// competency: more than any amount of points can make up.
const blockPenalty = 1000

// finish computes score bounds, path counts and the ideal path over the
// explored states, children before parents.
func (x *explorer) finish() {
	a, sc := x.a, x.sc
	a.States = len(a.states)
	a.Best = make([]int, len(sc.Competencies))
	a.Worst = make([]int, len(sc.Competencies))
	for c := range sc.Competencies {
		a.Best[c], a.Worst[c] = x.bounds(c)
	}
	a.Paths = x.paths()
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

// On a state graph with cycles, "best" counts every state at most once on
// a path: going round a loop gains nothing. A reply that leads back to a
// state on the path that reached it (a back edge of the depth-first
// exploration) is left out of the first pass, which is then a pass over a
// directed acyclic graph, children before parents. States whose only ways
// out are such loops get their values in further passes, from neighbours
// that already have one, so every state from which an ending can be
// reached has finite bounds and an ideal reply, and following ideal replies
// never comes back to a state.

// bounds is the best and worst total competency c can reach from the start.
func (x *explorer) bounds(c int) (best, worst int) {
	const invalid = math.MinInt
	hi := make([]int, len(x.a.states))
	lo := make([]int, len(x.a.states))
	relax := func(i int32, loops bool) bool {
		s := &x.a.states[i]
		changed := false
		for _, e := range s.edges {
			if hi[e.to] == invalid || e.back && !loops {
				continue
			}
			p := x.sc.nodes[s.at].replies[e.reply].points[c]
			if hi[i] == invalid || p+hi[e.to] > hi[i] {
				hi[i], changed = p+hi[e.to], true
			}
			if lo[i] == invalid || p+lo[e.to] < lo[i] {
				lo[i], changed = p+lo[e.to], true
			}
		}
		return changed
	}
	for _, i := range x.order {
		switch x.a.states[i].kind {
		case stateEnding, stateCut:
			continue // 0, 0
		}
		hi[i], lo[i] = invalid, invalid
		if x.a.states[i].kind == stateOpen {
			relax(i, false)
		}
	}
	x.fillIn(func(i int32) bool { return hi[i] == invalid }, func(i int32) bool { return relax(i, true) })
	if len(hi) == 0 || hi[0] == invalid {
		return 0, 0
	}
	return hi[0], lo[0]
}

// fillIn gives values to the open states that lack one (missing) through
// their loops: it calls relax on each until no state changes. A state is
// relaxed only while it has no value, so values never grow round a loop.
func (x *explorer) fillIn(missing func(int32) bool, relax func(int32) bool) {
	if !x.a.Loops {
		return
	}
	for changed := true; changed; {
		changed = false
		for _, i := range x.order {
			if x.a.states[i].kind == stateOpen && missing(i) && relax(i) {
				changed = true
			}
		}
	}
}

func (x *explorer) paths() float64 {
	count := make([]float64, len(x.a.states))
	for _, i := range x.order {
		s := &x.a.states[i]
		switch s.kind {
		case stateEnding, stateCut:
			count[i] = 1
		case stateOpen:
			for _, e := range s.edges {
				if !e.back {
					count[i] += count[e.to]
				}
			}
		}
	}
	if len(count) == 0 {
		return 0
	}
	return count[0]
}

// gain is how much choosing r adds to the overall value: each competency's
// points as a share of its best, minus a penalty for every block.
func (x *explorer) gain(r *reply) float64 { return x.a.gain(r) }

func (a *Analysis) gain(r *reply) float64 {
	g := 0.0
	for c, p := range r.points {
		if b := a.Best[c]; b > 0 {
			g += float64(p) / float64(b)
		}
	}
	return g - blockPenalty*float64(len(r.blocks))
}

func (x *explorer) values() {
	relax := func(i int32, loops bool) bool {
		s := &x.a.states[i]
		changed := false
		for k, e := range s.edges {
			if e.back && !loops {
				continue
			}
			v := x.gain(&x.sc.nodes[s.at].replies[e.reply]) + x.a.states[e.to].value
			if v > s.value {
				s.value, s.best, changed = v, int32(k), true
			}
		}
		return changed
	}
	for _, i := range x.order {
		s := &x.a.states[i]
		switch s.kind {
		case stateEnding, stateCut:
			s.value = 0
			continue
		}
		s.value = math.Inf(-1)
		if s.kind == stateOpen {
			relax(i, false)
		}
	}
	x.fillIn(func(i int32) bool { return math.IsInf(x.a.states[i].value, -1) }, func(i int32) bool { return relax(i, true) })
}

// ideal follows the best reply from the start to an ending.
func (x *explorer) ideal() {
	a := x.a
	a.IdealScore = make([]int, len(x.sc.Competencies))
	// Ideal replies never lead back to a state (see bounds); the step limit
	// is a guard, not a rule.
	for i, steps := int32(0), 0; len(a.states) > 0 && a.states[i].best >= 0 && steps < len(a.states); steps++ {
		s := &a.states[i]
		e := s.edges[s.best]
		r := &x.sc.nodes[s.at].replies[e.reply]
		a.Ideal = append(a.Ideal, Step{Node: x.sc.nodes[s.at].id, Reply: r.id})
		for c, p := range r.points {
			a.IdealScore[c] += p
		}
		i = e.to
		a.IdealTo = append(a.IdealTo, x.sc.targetID(a.states[i].at))
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
func (x *explorer) noExit() {
	a := x.a
	exits := make([]bool, len(a.states))
	for _, i := range x.order {
		s := &a.states[i]
		exits[i] = s.kind != stateOpen || len(s.edges) == 0
	}
	for changed := true; changed; {
		changed = false
		for _, i := range x.order {
			if exits[i] {
				continue
			}
			for _, e := range a.states[i].edges {
				if exits[e.to] {
					exits[i], changed = true, true
					break
				}
			}
		}
	}
	for i := range a.states {
		s := &a.states[i]
		if s.kind != stateOpen || exits[i] || x.seen["noexit:"+x.sc.nodes[s.at].id] {
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
