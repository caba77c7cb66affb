package engine

// ReplyRef names a reply whose when never held: its node, its id, its when
// and where that when stands.
type ReplyRef struct {
	Node  string `json:"node"`
	Reply string `json:"reply"`
	When  string `json:"when"`
	Pos   Pos    `json:"pos"`
}

// offer records that reply i of node at was on offer in some state.
func (x *explorer) offer(at target, i, replies int) {
	if x.offered == nil {
		x.offered = make([][]bool, len(x.sc.nodes))
	}
	if x.offered[at] == nil {
		x.offered[at] = make([]bool, replies)
	}
	x.offered[at][i] = true
}

// neverOffered lists, once exploration is complete, the replies with a when
// that were on offer in no state at a node that was reached. A reply whose
// when failed to run is left out: it is reported as a runtime error.
func (x *explorer) neverOffered() {
	if !x.a.Complete {
		return
	}
	for t := range x.sc.nodes {
		n := &x.sc.nodes[t]
		if !x.reached[t] {
			continue // never-reached says so
		}
		for i := range n.replies {
			r := &n.replies[i]
			if r.when == nil || x.offered != nil && x.offered[t] != nil && x.offered[t][i] || x.seen["err:"+n.id+"/"+r.id] {
				continue
			}
			x.a.NeverOffered = append(x.a.NeverOffered, ReplyRef{Node: n.id, Reply: r.id, When: r.whenSrc, Pos: orPos(r.whenPos, r.pos)})
		}
	}
}
