package engine

// keyedOnces lists the once flags exploration must tell states apart by. A reply's flag is read only at its own node, and is still unset on the
// first visit; so when no path leads back to that node, the flag can never
// change what happens, and two states that differ only in it are the same
// state. Rule flags are read after every reply and are always kept.
func (sc *Scenario) keyedOnces() []int {
	keyed := make([]bool, sc.onces)
	revisit := sc.revisitable()
	for t, n := range sc.nodes {
		for _, r := range n.replies {
			if r.once >= 0 {
				keyed[r.once] = revisit[t]
			}
		}
	}
	for _, r := range sc.rules {
		if r.once >= 0 {
			keyed[r.once] = true
		}
	}
	var flags []int
	for i, k := range keyed {
		if k {
			flags = append(flags, i)
		}
	}
	return flags
}

// Loops lists, in file order, the nodes a playthrough can come back to: those
// on a cycle of the static graph (conditions ignored, any rule's jump
// possible after any reply).
func (sc *Scenario) Loops() []string {
	var ids []string
	for t, again := range sc.revisitable() {
		if again {
			ids = append(ids, sc.nodes[t].id)
		}
	}
	return ids
}

// revisitable reports, per node, whether some path of the static graph
// (conditions ignored, any rule's jump possible after any reply) leads from
// the node back to itself: Tarjan's strongly connected components, where a
// node is revisitable when its component has more than one node or it has
// an edge to itself.
func (sc *Scenario) revisitable() []bool {
	n := len(sc.nodes)
	var jumps []target
	for _, r := range sc.rules {
		if r.to != noTarget && !sc.isEnding(r.to) {
			jumps = append(jumps, r.to)
		}
	}
	succ := func(v int, yield func(int)) {
		for _, r := range sc.nodes[v].replies {
			for _, b := range r.next {
				if !sc.isEnding(b.to) {
					yield(int(b.to))
				}
			}
		}
		if len(sc.nodes[v].replies) > 0 {
			for _, t := range jumps {
				yield(int(t))
			}
		}
	}
	revisit := make([]bool, n)
	index, low := make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	var stack []int
	next := 1
	var connect func(v int)
	connect = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		succ(v, func(w int) {
			if w == v {
				revisit[v] = true
			}
			if index[w] == 0 {
				connect(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		})
		if low[v] != index[v] {
			return
		}
		top := len(stack) - 1
		for stack[top] != v {
			top--
		}
		component := stack[top:]
		for _, w := range component {
			onStack[w] = false
			revisit[w] = revisit[w] || len(component) > 1
		}
		stack = stack[:top]
	}
	for v := range n {
		if index[v] == 0 {
			connect(v)
		}
	}
	return revisit
}
