package engine

import (
	"slices"
	"testing"
)

// nextSpec: a hang-up rule that leaves alone replies already ending the
// call, through next_ending, and replies that carry the client's reaction.
func nextSpec() *Spec {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	say := []LineSpec{{Variants: []string{"Well?"}}}
	return &Spec{ID: "next", Title: "Next", Version: "v1",
		Mood: []MoodSpec{{Name: "anger", Start: 50, Min: 0, Max: 100}},
		Nodes: []NodeSpec{
			{ID: "open", Lines: say, Replies: []ReplySpec{
				{ID: "shrug", Text: "Not my problem.", Note: "n", Effects: []Effect{{Var: "anger", Expr: e("100")}},
					Reaction: []LineSpec{{When: e("anger >= 100"), Variants: []string{"Excuse me?"}}, {Variants: []string{"Unbelievable."}}},
					Next:     []Branch{{Goto: "open"}}},
				{ID: "bye", Text: "Goodbye, then.", Note: "n", Effects: []Effect{{Var: "anger", Expr: e("100")}},
					Next: []Branch{{Goto: "done"}}},
				{ID: "calm", Text: "I hear you.", Note: "n", Points: []Points{{"empathy", 1, Pos{}}},
					Reaction: []LineSpec{{When: e("anger >= 100"), Variants: []string{"Excuse me?"}}},
					Next:     []Branch{{Goto: "done"}}},
			}},
		},
		Rules: []RuleSpec{{ID: "hangs-up", When: e("anger >= 100 && !next_ending && next != 'hangs-up'"),
			Say: []string{"I'm done."}, Goto: "hangs-up"}},
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}, {ID: "hangs-up", Title: "Gone", Outcome: "lost", Text: "."}},
	}
}

func TestRulesSeeWhereTheReplyWasGoing(t *testing.T) {
	sc := mustCompile(t, nextSpec())
	tests := []struct {
		reply, ending string
		said          []string
	}{
		{"shrug", "hangs-up", []string{"Excuse me?", "Unbelievable.", "I'm done."}}, // reaction first, then the rule
		{"bye", "done", nil},  // already ending the call: the rule leaves it alone
		{"calm", "done", nil}, // its reaction's condition does not hold
	}
	for _, tt := range tests {
		s := sc.Start(1)
		o, err := s.Choose(tt.reply)
		if err != nil {
			t.Fatal(err)
		}
		if o.Ending == nil || o.Ending.ID != tt.ending || !slices.Equal(o.Interjections, tt.said) {
			t.Errorf("%s: ending %v, said %q; want %s, %q", tt.reply, o.Ending, o.Interjections, tt.ending, tt.said)
		}
	}
	if a := sc.Explore(Limits{}); !slices.Contains(a.Endings, "done") || !slices.Contains(a.Endings, "hangs-up") {
		t.Errorf("exploration reached %v", a.Endings)
	}
}
