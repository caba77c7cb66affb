package engine

// Graph is the scenario's static shape, ignoring conditions: what lint and
// `parley graph` draw and check.
type Graph struct {
	Start   string
	Nodes   []GraphNode
	Endings []GraphEnding
	Rules   []GraphRule
}

// GraphNode is one node and its replies.
type GraphNode struct {
	ID       string
	Pos      Pos
	Line     string // for labels: the first variant of its first line without a when (of its first line if all have one)
	Replies  []GraphReply
	Fixed    bool // order = "fixed": replies are offered in file order
	OrderPos Pos  // where order's value stands (Pos when unset)
}

// GraphReply is one reply and everywhere it can lead.
type GraphReply struct {
	ID          string
	Text        string
	Note        string
	Pos         Pos
	Conditional bool // has a when or once
	Next        []GraphBranch
	Points      map[string]int
	Blocks      []string
}

// GraphBranch is one possible destination of a reply.
type GraphBranch struct {
	When string // the condition's source; empty when unconditional
	To   string
}

// GraphEnding is one ending.
type GraphEnding struct {
	EndingInfo
	Pos Pos
}

// GraphRule is a rule that can jump after any reply.
type GraphRule struct {
	ID   string
	Goto string // empty when the rule does not jump
}

// Graph returns the scenario's static shape.
func (sc *Scenario) Graph() Graph {
	g := Graph{Start: sc.targetID(sc.start)}
	for _, n := range sc.nodes {
		gn := GraphNode{ID: n.id, Pos: n.pos, Fixed: n.fixed, OrderPos: n.orderPos}
		gn.Line = labelLine(n.lines)
		for i := range n.replies {
			gn.Replies = append(gn.Replies, sc.graphReply(&n.replies[i]))
		}
		g.Nodes = append(g.Nodes, gn)
	}
	for i, e := range sc.endings {
		g.Endings = append(g.Endings, GraphEnding{EndingInfo: *sc.endingInfo(target(len(sc.nodes) + i)), Pos: e.pos})
	}
	for _, r := range sc.rules {
		gr := GraphRule{ID: r.id}
		if r.to != noTarget {
			gr.Goto = sc.targetID(r.to)
		}
		g.Rules = append(g.Rules, gr)
	}
	return g
}

// labelLine is the first variant of the first unconditional line, or of
// the first line when every line has a condition.
func labelLine(lines []line) string {
	for _, l := range lines {
		if l.when == nil && len(l.variants) > 0 {
			return l.variants[0]
		}
	}
	if len(lines) > 0 && len(lines[0].variants) > 0 {
		return lines[0].variants[0]
	}
	return ""
}

func (sc *Scenario) graphReply(r *reply) GraphReply {
	gr := GraphReply{ID: r.id, Text: r.text, Note: r.note, Pos: r.pos, Conditional: r.when != nil || r.once >= 0,
		Points: r.info.Points, Blocks: r.info.Blocks}
	for _, b := range r.next {
		gr.Next = append(gr.Next, GraphBranch{When: b.whenSrc, To: sc.targetID(b.to)})
	}
	return gr
}

// Reachable lists which ids can be reached from the start in the static
// graph (conditions ignored; rule jumps possible after any reply).
func (g Graph) Reachable() map[string]bool {
	return search(g.edges(), g.Start)
}

// CanFinish lists the nodes from which some ending is reachable in the
// static graph (and the endings themselves).
func (g Graph) CanFinish() map[string]bool {
	from := map[string][]string{} // the edges, reversed
	for id, tos := range g.edges() {
		for _, to := range tos {
			from[to] = append(from[to], id)
		}
	}
	endings := make([]string, len(g.Endings))
	for i, e := range g.Endings {
		endings[i] = e.ID
	}
	return search(from, endings...)
}

// search returns every id reachable from starts along edges, starts
// included: a breadth-first search.
func search(edges map[string][]string, starts ...string) map[string]bool {
	seen := map[string]bool{}
	for _, id := range starts {
		seen[id] = true
	}
	queue := append([]string(nil), starts...) // never append into the caller's slice
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range edges[id] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}

func (g Graph) edges() map[string][]string {
	edges := map[string][]string{}
	for _, n := range g.Nodes {
		for _, r := range n.Replies {
			for _, b := range r.Next {
				edges[n.ID] = append(edges[n.ID], b.To)
			}
			for _, rule := range g.Rules {
				if rule.Goto != "" {
					edges[n.ID] = append(edges[n.ID], rule.Goto)
				}
			}
		}
	}
	return edges
}
