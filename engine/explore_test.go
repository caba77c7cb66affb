package engine

import (
	"reflect"
	"testing"
)

func TestExploreMini(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	a := sc.Explore(Limits{})
	if !a.Complete {
		t.Fatal("exploration incomplete")
	}
	// Competencies: listening, empathy, boundaries, ownership.
	if want := []int{2, 2, 3, 2}; !reflect.DeepEqual(a.Best, want) {
		t.Errorf("best = %v, want %v", a.Best, want)
	}
	if want := []int{0, -2, 0, -2}; !reflect.DeepEqual(a.Worst, want) {
		t.Errorf("worst = %v, want %v", a.Worst, want)
	}
	wantIdeal := []Step{{"open", "own"}, {"cost", "ask"}, {"cost", "plan"}}
	if !reflect.DeepEqual(a.Ideal, wantIdeal) {
		t.Errorf("ideal = %v", a.Ideal)
	}
	if !reflect.DeepEqual(a.Endings, []string{"fixed", "lost"}) || len(a.DeadEnds) != 0 || len(a.Errors) != 0 {
		t.Errorf("endings %v dead ends %v errors %v", a.Endings, a.DeadEnds, a.Errors)
	}
	// own→ask→plan, own→ask→promise, own→promise(rule), excuse→lost.
	if a.Paths != 4 {
		t.Errorf("paths = %v, want 4", a.Paths)
	}
}

func TestExploreFindsDeadEnd(t *testing.T) {
	spec := miniSpec()
	spec.Nodes[1].Replies[1].When = Expr{Src: "asked > 5"} // promise never offered
	spec.Nodes[1].Replies[0].Once = true
	spec.Nodes[1].Replies[2].When = Expr{Src: "asked > 5"} // plan never offered: after ask, nothing
	a := mustCompile(t, spec).Explore(Limits{})
	if len(a.DeadEnds) != 1 || a.DeadEnds[0].Node != "cost" {
		t.Fatalf("dead ends = %+v", a.DeadEnds)
	}
	if want := []Step{{"open", "own"}, {"cost", "ask"}}; !reflect.DeepEqual(a.DeadEnds[0].Path, want) {
		t.Errorf("path to dead end = %v", a.DeadEnds[0].Path)
	}
}

func TestExploreIsBoundedOnEndlessLoops(t *testing.T) {
	spec := miniSpec()
	spec.Nodes[1].Replies[0].Once = false // "ask" loops back to cost forever
	a := mustCompile(t, spec).Explore(Limits{MaxDepth: 30})
	if a.Complete {
		t.Error("an endless loop was reported as fully explored")
	}
}

func TestDebriefFindsWhereTraineeLeftIdeal(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	s := sc.Start(9)
	for _, r := range []string{"own", "promise"} {
		if _, err := s.Choose(r); err != nil {
			t.Fatal(err)
		}
	}
	d, err := sc.Debrief(s.State())
	if err != nil {
		t.Fatal(err)
	}
	if d.LeftAt != 2 || d.Turns[1].Ideal == nil || d.Turns[1].Ideal.ID != "ask" || !d.Turns[0].OnIdeal {
		t.Errorf("debrief = left at %d, turns %+v", d.LeftAt, d.Turns)
	}
	if d.Ending.ID != "fixed" || !reflect.DeepEqual(d.Scores, s.Scores()) {
		t.Errorf("debrief ending %v scores %+v", d.Ending, d.Scores)
	}
}

// TestExploreKeepsStatesThatDifferOnlyInTheLastReply: a condition may read
// reply, so two arrivals at a node by different replies are different
// states, whichever is explored first.
func TestExploreKeepsStatesThatDifferOnlyInTheLastReply(t *testing.T) {
	e := func(s string) Expr { return Expr{Src: s} }
	spec := &Spec{ID: "reply-key", Version: "v1",
		Nodes: []NodeSpec{
			{ID: "open", Lines: []LineSpec{{Variants: []string{"Hi."}}}, Replies: []ReplySpec{
				{ID: "bad", Text: "Bad.", Next: []Branch{{Goto: "m"}}},
				{ID: "good", Text: "Good.", Next: []Branch{{Goto: "m"}}},
			}},
			{ID: "m", Lines: []LineSpec{{Variants: []string{"So?"}}}, Replies: []ReplySpec{
				{ID: "plain", Text: "Plain.", Points: []Points{{"empathy", 1, Pos{}}}, Next: []Branch{{Goto: "end"}}},
				{ID: "reward", Text: "Reward.", When: e("reply == 'good'"), Points: []Points{{"empathy", 5, Pos{}}}, Next: []Branch{{Goto: "end"}}},
			}},
		},
		Endings: []EndingSpec{{ID: "end", Title: "End", Outcome: "resolved", Text: "."}},
	}
	a := mustCompile(t, spec).Explore(Limits{})
	if a.Best[1] != 5 {
		t.Errorf("best empathy = %d, want 5 (good → reward)", a.Best[1])
	}
	if want := []Step{{"open", "good"}, {"m", "reward"}}; !reflect.DeepEqual(a.Ideal, want) {
		t.Errorf("ideal = %v, want %v", a.Ideal, want)
	}
}
