package engine

import (
	"fmt"
	"testing"
)

// benchSpec is a two-node loop with 20 rules that are checked (and mostly
// do not fire) after every reply: the shape of a busy real scenario.
func benchSpec() *Spec {
	spec := miniSpec()
	spec.Rules = nil
	for i := 0; i < 20; i++ {
		spec.Rules = append(spec.Rules, RuleSpec{ID: fmt.Sprintf("r%d", i),
			When: Expr{Src: fmt.Sprintf("frustration > %d && trust < 200 && asked >= 0", 200+i)}})
	}
	spec.Nodes[1].Replies[0].Once = false
	spec.Nodes[1].Replies[0].Next = []Branch{{Goto: "open"}}
	spec.Nodes[0].Replies[0].Effects[0].Expr.Src = "frustration > 50 ? frustration - 5 : frustration + 5"
	return spec
}

// BenchmarkChoose measures one reply step: effects, drift, 20 rules, the
// next node's lines.
func BenchmarkChoose(b *testing.B) {
	sc := mustCompile(b, benchSpec())
	s := sc.Start(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := "own"
		if s.Node() == "cost" {
			id = "ask"
		}
		if _, err := s.Choose(id); err != nil {
			b.Fatal(err)
		}
		if len(s.history) == 64 { // a long attempt; keep the endless loop's history bounded
			s.history = s.history[:0]
		}
	}
}

// BenchmarkRule measures one compiled condition, the unit cost of a rule.
func BenchmarkRule(b *testing.B) {
	sc := mustCompile(b, benchSpec())
	s := sc.Start(1)
	r := &sc.rules[0]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.ev.holds(r.when); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplies measures offering a node's five replies: shuffled by the
// seed (the default) against file order (order = "fixed"), in one run.
func BenchmarkReplies(b *testing.B) {
	for _, fixed := range []bool{false, true} {
		name := map[bool]string{false: "shuffled", true: "fixed"}[fixed]
		b.Run(name, func(b *testing.B) {
			s := mustCompile(b, orderSpec(fixed)).Start(1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Replies(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDebriefLongAttempt debriefs attempts of 2,000 and 20,000
// replies round a loop whose better reply an early choice closed: the cost
// should grow with the length, not its square (it took 43 s at 20,000
// when every turn looked back to the start).
func BenchmarkDebriefLongAttempt(b *testing.B) {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	spec := &Spec{ID: "long", Title: "Long", Version: "v1",
		State: []VarSpec{{Name: "closed", Default: false}},
		Nodes: []NodeSpec{{ID: "loop", Lines: []LineSpec{{Variants: []string{"And?"}}}, Replies: []ReplySpec{
			{ID: "close", Text: "Close.", Note: "n", Effects: []Effect{{Var: "closed", Expr: e("true")}}, Next: []Branch{{Goto: "loop"}}},
			{ID: "good", Text: "Good.", Note: "n", When: e("!closed"), Points: []Points{{"listening", 5, Pos{}}}, Next: []Branch{{Goto: "done"}}},
			{ID: "round", Text: "Round.", Note: "n", Next: []Branch{{Goto: "loop"}}},
		}}},
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "."}}}
	sc := mustCompile(b, spec)
	for _, turns := range []int{2_000, 20_000} {
		b.Run(fmt.Sprint(turns), func(b *testing.B) {
			s := sc.Start(1)
			for i := range turns {
				id := "round"
				if i == 0 {
					id = "close"
				}
				if _, err := s.Choose(id); err != nil {
					b.Fatal(err)
				}
			}
			st := s.State()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sc.Debrief(st); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
