package engine_test

import (
	"encoding/json"
	"fmt"

	"parley/engine"
)

func Example() {
	spec := &engine.Spec{
		ID: "hello", Version: "v1",
		Mood: []engine.MoodSpec{{Name: "frustration", Start: 60, Min: 0, Max: 100,
			Bands: []engine.Band{{From: 50, Label: "annoyed"}, {From: 0, Label: "calm"}}}},
		Nodes: []engine.NodeSpec{{ID: "open",
			Lines: []engine.LineSpec{{Variants: []string{"My order is late."}}},
			Replies: []engine.ReplySpec{
				{ID: "own", Text: "I'm sorry, that's on us.",
					Effects: []engine.Effect{{Var: "frustration", Expr: engine.Expr{Src: "frustration - 20"}}},
					Points:  []engine.Points{{Competency: "empathy", Value: 2}},
					Next:    []engine.Branch{{Goto: "done"}}},
				{ID: "deflect", Text: "The carrier was late.", Next: []engine.Branch{{Goto: "done"}}},
			}}},
		Endings: []engine.EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "Well handled.",
			Lines: []engine.LineSpec{{Variants: []string{"Thanks for being straight with me."}}}}},
	}
	sc, problems := engine.Compile(spec)
	if sc == nil {
		fmt.Println(problems)
		return
	}
	s := sc.Start(42)
	fmt.Println(s.Lines())
	choices, _ := s.Replies()
	fmt.Println(len(choices), "replies on offer")

	saved, _ := json.Marshal(s) // the whole state
	s, _ = sc.Resume(saved)     // comes back exactly

	o, _ := s.Choose("own")
	fmt.Println(o.Lines, o.Mood[0].BandFrom, "→", o.Mood[0].BandTo)
	fmt.Println(o.Ending.Outcome, s.Scores()[1].Competency, s.Scores()[1].Score)
	// Output:
	// [My order is late.]
	// 2 replies on offer
	// [Thanks for being straight with me.] annoyed → calm
	// resolved empathy 100
}
