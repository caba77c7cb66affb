package engine

import "math"

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

// bounds is the best and worst total competency c can reach from the start.
func (x *explorer) bounds(c int) (best, worst int) {
	const invalid = math.MinInt
	hi := make([]int, len(x.a.states))
	lo := make([]int, len(x.a.states))
	for _, i := range x.order {
		s := &x.a.states[i]
		switch s.kind {
		case stateEnding, stateCut:
			continue // 0, 0
		case stateDead:
			hi[i], lo[i] = invalid, invalid
			continue
		}
		hi[i], lo[i] = invalid, invalid
		for _, e := range s.edges {
			if hi[e.to] == invalid {
				continue
			}
			p := x.sc.nodes[s.at].replies[e.reply].points[c]
			if hi[i] == invalid || p+hi[e.to] > hi[i] {
				hi[i] = p + hi[e.to]
			}
			if lo[i] == invalid || p+lo[e.to] < lo[i] {
				lo[i] = p + lo[e.to]
			}
		}
	}
	if len(hi) == 0 || hi[0] == invalid {
		return 0, 0
	}
	return hi[0], lo[0]
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
				count[i] += count[e.to]
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
	for _, i := range x.order {
		s := &x.a.states[i]
		switch s.kind {
		case stateEnding, stateCut:
			s.value = 0
			continue
		case stateDead:
			s.value = math.Inf(-1)
			continue
		}
		s.value = math.Inf(-1)
		for k, e := range s.edges {
			v := x.gain(&x.sc.nodes[s.at].replies[e.reply]) + x.a.states[e.to].value
			if v > s.value {
				s.value, s.best = v, int32(k)
			}
		}
	}
}

// ideal follows the best reply from the start to an ending.
func (x *explorer) ideal() {
	a := x.a
	a.IdealScore = make([]int, len(x.sc.Competencies))
	for i := int32(0); len(a.states) > 0 && a.states[i].best >= 0; {
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
