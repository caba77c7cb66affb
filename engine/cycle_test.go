package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// loopSpec: "open" leads to the ending or into a and b, which lead only to
// each other; nothing changes on the way round. A rule can jump to "gone",
// but its condition never holds in the loop.
func loopSpec() *Spec {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	say := []LineSpec{{Variants: []string{"Well?"}}}
	to := func(id string) []Branch { return []Branch{{Goto: id}} }
	return &Spec{ID: "loop", Title: "Loop", Version: "v1",
		Mood: []MoodSpec{{Name: "anger", Start: 10, Min: 0, Max: 100}},
		Nodes: []NodeSpec{
			{ID: "open", Lines: say, Replies: []ReplySpec{
				{ID: "finish", Text: "Done.", Points: []Points{{"listening", 1, Pos{}}}, Note: "n", Next: to("done")},
				{ID: "detour", Text: "Let me check.", Points: []Points{{"listening", 2, Pos{}}}, Note: "n", Next: to("a")},
			}},
			{ID: "a", Lines: say, Replies: []ReplySpec{{ID: "on", Text: "On.", Note: "n", Next: to("b")}}},
			{ID: "b", Lines: say, Replies: []ReplySpec{{ID: "back", Text: "Back.", Note: "n", Next: to("a")}}},
		},
		Rules:   []RuleSpec{{ID: "gone", When: e("anger >= 100"), Goto: "gone"}},
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}, {ID: "gone", Title: "Gone", Outcome: "lost", Text: "."}},
	}
}

// TestAnalysisTerminatesOnALoop: the loop used to make the ideal path grow
// without bound. Now exploration finishes, the ideal path avoids the loop,
// and both nodes of the loop are reported as having no exit, although a
// rule could jump to an ending (its condition never holds there).
func TestAnalysisTerminatesOnALoop(t *testing.T) {
	a := mustCompile(t, loopSpec()).Explore(Limits{})
	if !a.Complete || !a.Loops {
		t.Errorf("complete %v, loops %v; want both", a.Complete, a.Loops)
	}
	if want := []Step{{"open", "finish"}}; !slices.Equal(a.Ideal, want) {
		t.Errorf("ideal = %v, want %v", a.Ideal, want)
	}
	var nodes []string
	for _, tr := range a.NoExit {
		nodes = append(nodes, tr.Node)
	}
	if !slices.Equal(nodes, []string{"a", "b"}) {
		t.Errorf("no exit from %v (%+v), want a and b", nodes, a.NoExit)
	}
	if want := []Step{{"open", "detour"}}; !slices.Equal(a.NoExit[0].Path, want) {
		t.Errorf("path to a = %v, want %v", a.NoExit[0].Path, want)
	}
	if a.Best[0] != 1 { // listening: "detour" scores 2 but never finishes
		t.Errorf("best listening = %d, want 1 (a detour into a loop with no exit cannot finish)", a.Best[0])
	}
}

// TestLoopWithAWayOut: a loop that can be left is not a dead loop; the
// state inside it gets an ideal reply (leave), and best counts the loop once.
func TestLoopWithAWayOut(t *testing.T) {
	spec := loopSpec()
	spec.Nodes[2].Replies = append(spec.Nodes[2].Replies,
		ReplySpec{ID: "leave", Text: "Leave.", Points: []Points{{"empathy", 1, Pos{}}}, Note: "n", Next: []Branch{{Goto: "done"}}})
	sc := mustCompile(t, spec)
	a := sc.Explore(Limits{})
	if len(a.NoExit) != 0 {
		t.Errorf("no exit = %+v, want none", a.NoExit)
	}
	if a.Best[0] != 2 || a.Best[1] != 1 {
		t.Errorf("best = %v, want listening 2, empathy 1", a.Best)
	}
	s := sc.Start(1)
	for _, id := range []string{"detour", "on", "back", "on"} {
		if _, err := s.Choose(id); err != nil {
			t.Fatal(err)
		}
	}
	if ideal, ok := a.IdealReply(s); !ok || ideal.ID != "leave" {
		t.Errorf("ideal at b after going round = %+v %v, want leave", ideal, ok)
	}
}

// TestTurnIsPartOfTheState: a condition on turn must be explored with the
// turn it would really see: "done" is reached on the second "wait".
func TestTurnIsPartOfTheState(t *testing.T) {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	spec := &Spec{ID: "turns", Title: "Turns", Version: "v1",
		Nodes: []NodeSpec{{ID: "open", Lines: []LineSpec{{Variants: []string{"Hm."}}}, Replies: []ReplySpec{
			{ID: "wait", Text: "Wait.", Note: "n", Points: []Points{{"listening", 1, Pos{}}},
				Next: []Branch{{When: e("turn >= 2"), Goto: "done"}, {Goto: "open"}}},
		}}},
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}},
	}
	a := mustCompile(t, spec).Explore(Limits{})
	if !slices.Contains(a.Endings, "done") || len(a.NoExit) != 0 || !a.Complete {
		t.Errorf("endings %v, no exit %+v, complete %v: turn was not explored", a.Endings, a.NoExit, a.Complete)
	}
	if want := []Step{{"open", "wait"}, {"open", "wait"}}; !slices.Equal(a.Ideal, want) {
		t.Errorf("ideal = %v, want %v", a.Ideal, want)
	}
}

func TestExplorationBudgets(t *testing.T) {
	spec := benchSpec() // a loop through a counter: never complete
	sc := mustCompile(t, spec)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		limits Limits
		want   string
	}{
		{"cancelled", ctx, Limits{}, CutCancelled},
		{"memory", context.Background(), Limits{MaxBytes: 64 << 10}, CutMemory},
		{"states", context.Background(), Limits{MaxStates: 500}, CutStates},
		{"depth", context.Background(), Limits{MaxDepth: 5}, CutDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sc.ExploreContext(tt.ctx, tt.limits)
			if a.Complete || a.Cut != tt.want {
				t.Errorf("complete %v, cut %q; want cut %q", a.Complete, a.Cut, tt.want)
			}
			if a.States > 2000 && tt.want != CutMemory {
				t.Errorf("%d states explored after the limit", a.States)
			}
		})
	}
}

// TestBestOnALoopDoesNotDependOnFileOrder: s leads to v and u, which lead
// to each other. The best path that never repeats a state is s→u→v→fin
// (150 points), whichever of s's replies the file lists first; an analysis
// that dropped the replies leading back round by search order found 100
// (s→v→fin) for one order. From review.
func TestBestOnALoopDoesNotDependOnFileOrder(t *testing.T) {
	say := []LineSpec{{Variants: []string{"Well?"}}}
	to := func(id string) []Branch { return []Branch{{Goto: id}} }
	pts := func(n int) []Points { return []Points{{"listening", n, Pos{}}} }
	for _, flip := range []bool{false, true} {
		first := []ReplySpec{
			{ID: "to-v", Text: "V.", Note: "n", Next: to("v")},
			{ID: "to-u", Text: "U.", Note: "n", Next: to("u")},
		}
		if flip {
			first[0], first[1] = first[1], first[0]
		}
		spec := &Spec{ID: "order", Title: "Order", Version: "v1",
			Nodes: []NodeSpec{
				{ID: "s", Lines: say, Replies: first},
				{ID: "v", Lines: say, Replies: []ReplySpec{
					{ID: "v-to-u", Text: "To u.", Note: "n", Next: to("u")},
					{ID: "fin", Text: "Finish.", Note: "n", Points: pts(100), Next: to("done")},
				}},
				{ID: "u", Lines: say, Replies: []ReplySpec{
					{ID: "u-to-v", Text: "To v.", Note: "n", Points: pts(50), Next: to("v")},
					{ID: "end", Text: "End.", Note: "n", Next: to("done")},
				}},
			},
			Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}},
		}
		a := mustCompile(t, spec).Explore(Limits{})
		want := []Step{{"s", "to-u"}, {"u", "u-to-v"}, {"v", "fin"}}
		if a.Best[0] != 150 || !slices.Equal(a.Ideal, want) || a.Approximate || !a.Loops {
			t.Errorf("flip %v: best %d, ideal %v, approximate %v, loops %v; want 150 by %v, exact", flip, a.Best[0], a.Ideal, a.Approximate, a.Loops, want)
		}
		// s→v→u→end and s→u→end are 0; s→v→fin 100; s→u→v→fin 150.
		if a.Worst[0] != 0 || a.Paths != 4 {
			t.Errorf("flip %v: worst %d, paths %v; want 0 and 4", flip, a.Worst[0], a.Paths)
		}
	}
}

// TestLargeLoopIsApproximated: twelve nodes that each lead to every other
// have more paths that never repeat a state than any budget; the analysis
// still finishes promptly, says it approximated, and its ideal path reaches
// the ending without repeating a state.
func TestLargeLoopIsApproximated(t *testing.T) {
	say := []LineSpec{{Variants: []string{"Well?"}}}
	var nodes []NodeSpec
	for i := range 12 {
		n := NodeSpec{ID: fmt.Sprintf("n%d", i), Lines: say}
		for j := range 12 {
			if j != i {
				n.Replies = append(n.Replies, ReplySpec{ID: fmt.Sprintf("to-%d", j), Text: ".", Note: "n",
					Points: []Points{{"listening", j, Pos{}}}, Next: []Branch{{Goto: fmt.Sprintf("n%d", j)}}})
			}
		}
		n.Replies = append(n.Replies, ReplySpec{ID: "end", Text: ".", Note: "n", Next: []Branch{{Goto: "done"}}})
		nodes = append(nodes, n)
	}
	spec := &Spec{ID: "big", Title: "Big", Version: "v1", Nodes: nodes,
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}}}
	start := time.Now()
	a := mustCompile(t, spec).Explore(Limits{})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("analysis took %v", d)
	}
	if !a.Approximate || !a.Complete || a.Best[0] <= 0 {
		t.Errorf("approximate %v, complete %v, best %v", a.Approximate, a.Complete, a.Best)
	}
	seen := map[string]bool{}
	for _, s := range a.Ideal {
		if seen[s.Node] {
			t.Fatalf("the ideal path %v comes back to %s", a.Ideal, s.Node)
		}
		seen[s.Node] = true
	}
	if len(a.IdealTo) == 0 || a.IdealTo[len(a.IdealTo)-1] != "done" {
		t.Errorf("ideal path %v ends at %v, want done", a.Ideal, a.IdealTo)
	}
}
