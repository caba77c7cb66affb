package engine

import "testing"

// miniSpec is a small scenario that exercises every feature: conditional
// lines, variants, once replies, effects, drift, rules with interjections and
// jumps, branching next, blocks, and an extra competency.
func miniSpec() *Spec {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	return &Spec{
		ID: "mini", Title: "Mini", Version: "v1",
		Competencies: []CompetencySpec{{ID: "ownership", Pass: 50}},
		Mood: []MoodSpec{
			{Name: "frustration", Start: 70, Min: 0, Max: 100, Drift: 5, Baseline: 50, HasBaseline: true,
				Bands: []Band{{From: 80, Label: "furious"}, {From: 50, Label: "annoyed"}, {From: 0, Label: "calm"}}},
			{Name: "trust", Start: 20, Min: 0, Max: 100, Good: "high"},
		},
		State: []VarSpec{{Name: "asked", Default: float64(0)}, {Name: "promised", Default: false}},
		Nodes: []NodeSpec{
			{ID: "open", Lines: []LineSpec{
				{When: e("frustration > 60"), Variants: []string{"Four days late!", "Four whole days late!"}},
				{Variants: []string{"Where is my order?"}},
			}, Replies: []ReplySpec{
				{ID: "own", Text: "I'm sorry, that's on us.", Points: []Points{{"empathy", 2, Pos{}}, {"ownership", 2, Pos{}}},
					Effects: []Effect{{Var: "frustration", Expr: e("frustration - 30")}, {Var: "trust", Expr: e("trust + 20")}},
					Note:    "Owns it.", Next: []Branch{{Goto: "cost"}}},
				{ID: "excuse", Text: "The carrier was late.", Points: []Points{{"empathy", -2, Pos{}}, {"ownership", -2, Pos{}}},
					Effects: []Effect{{Var: "frustration", Expr: e("frustration + 40")}},
					Note:    "Blames others.", Next: []Branch{{When: e("frustration >= 100"), Goto: "lost"}, {Goto: "cost"}}},
			}},
			{ID: "cost", Lines: []LineSpec{{When: e("trust >= 40"), Variants: []string{"Thanks for owning it."}}, {Variants: []string{"It cost us a shift."}}},
				Replies: []ReplySpec{
					{ID: "ask", Text: "What did it cost you?", Once: true, Points: []Points{{"listening", 2, Pos{}}},
						Effects: []Effect{{Var: "asked", Expr: e("asked + 1")}}, Note: "Asks.", Next: []Branch{{Goto: "cost"}}},
					{ID: "promise", Text: "It'll be there Friday, guaranteed.", Blocks: []string{"boundaries"},
						Effects: []Effect{{Var: "promised", Expr: e("true")}}, Note: "Over-promises.", Next: []Branch{{Goto: "fixed"}}},
					{ID: "plan", Text: "Here is what I can do by Thursday.", When: e("asked > 0"), Points: []Points{{"boundaries", 3, Pos{}}},
						Note: "Sets expectations.", Next: []Branch{{Goto: "fixed"}}},
				}},
		},
		Rules: []RuleSpec{
			{ID: "not-listening", When: e("asked == 0 && turn >= 2"), Say: []string{"Are you even listening?"}, Once: true,
				Effects: []Effect{{Var: "frustration", Expr: e("frustration + 10")}}},
			{ID: "gone", When: e("frustration >= 100"), Goto: "lost"},
		},
		Endings: []EndingSpec{
			{ID: "fixed", Title: "Fixed", Outcome: "resolved", Text: "Good.", Lines: []LineSpec{{Variants: []string{"Fine."}}}},
			{ID: "lost", Title: "Lost", Outcome: "lost", Text: "Bad."},
		},
	}
}

func mustCompile(t testing.TB, spec *Spec) *Scenario {
	t.Helper()
	sc, problems := Compile(spec)
	if sc == nil {
		t.Fatalf("compile: %v", problems)
	}
	return sc
}
