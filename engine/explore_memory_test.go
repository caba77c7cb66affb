package engine

import (
	"fmt"
	"runtime"
	"testing"
)

// wideSpec is a node with replies replies that each raise one of two
// counters and come back: tens of thousands of states, each with every
// reply on offer.
func wideSpec(replies int) *Spec {
	n := NodeSpec{ID: "n", Lines: []LineSpec{{Variants: []string{"Go on."}}}}
	for i := range replies {
		v := []string{"a", "b"}[i%2]
		n.Replies = append(n.Replies, ReplySpec{ID: fmt.Sprintf("r%d", i), Text: "t", Note: "n",
			Effects: []Effect{{Var: v, Expr: Expr{Src: fmt.Sprintf("min(%s + %d, 200)", v, 1+i%3)}}},
			Points:  []Points{{"listening", i % 5, Pos{}}}, Next: []Branch{{Goto: "n"}}})
	}
	n.Replies = append(n.Replies, ReplySpec{ID: "done", Text: "t", Note: "n", Next: []Branch{{Goto: "end"}}})
	return &Spec{ID: "wide", Title: "Wide", Version: "v1",
		State: []VarSpec{{Name: "a", Default: float64(0)}, {Name: "b", Default: float64(0)}},
		Nodes: []NodeSpec{n}, Endings: []EndingSpec{{ID: "end", Title: "End", Outcome: "resolved", Text: "Done."}}}
}

// TestExploreMemoryLimitCountsEdges: a scenario whose nodes offer many
// replies is held to Limits.MaxBytes too; its states' edges, not the
// states themselves, are most of what it takes.
func TestExploreMemoryLimitCountsEdges(t *testing.T) {
	const budget = 4 << 20
	for _, replies := range []int{3, 500} {
		t.Run(fmt.Sprint(replies, " replies"), func(t *testing.T) {
			sc := mustCompile(t, wideSpec(replies))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			a := sc.Explore(Limits{MaxBytes: budget})
			runtime.GC()
			runtime.ReadMemStats(&after)
			kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			t.Logf("%d states, cut by %q, %d KiB kept", a.States, a.Cut, kept>>10)
			if a.Cut != CutMemory {
				t.Errorf("cut by %q, want %q", a.Cut, CutMemory)
			}
			if kept > 3*budget/2 {
				t.Errorf("the analysis keeps %d KiB, over its %d KiB budget", kept>>10, budget>>10)
			}
			runtime.KeepAlive(a)
		})
	}
}
