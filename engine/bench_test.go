package engine

import (
	"encoding/json"
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

// twelveSpec is a call of twelve nodes in a ring, four replies each (points,
// effects on three moods and three state variables of every kind, a once
// reply, a block), ten rules checked after every reply and conditional line
// variants: twelve replies lead back to the first node, so a benchmark can
// play for ever while the state stays the size of a 12-turn attempt.
func twelveSpec() *Spec {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	spec := &Spec{ID: "twelve", Title: "Twelve", Version: "v1",
		Competencies: []CompetencySpec{{ID: "listening", Pass: 50}, {ID: "empathy", Pass: 50}, {ID: "boundaries", Pass: 50}},
		Mood: []MoodSpec{
			{Name: "frustration", Start: 60, Min: 0, Max: 100, Drift: 2, Baseline: 50, HasBaseline: true,
				Bands: []Band{{From: 80, Label: "furious"}, {From: 50, Label: "annoyed"}, {From: 0, Label: "calm"}}},
			{Name: "trust", Start: 30, Min: 0, Max: 100, Good: "high"},
			{Name: "patience", Start: 50, Min: 0, Max: 100, Good: "high"},
		},
		State:   []VarSpec{{Name: "asked", Default: float64(0)}, {Name: "promised", Default: false}, {Name: "tone", Default: "neutral"}},
		Endings: []EndingSpec{{ID: "gone", Title: "Gone", Outcome: "lost", Text: "Lost."}},
	}
	for i := range 12 {
		id, next := fmt.Sprintf("n%d", i+1), fmt.Sprintf("n%d", (i+1)%12+1)
		spec.Nodes = append(spec.Nodes, NodeSpec{ID: id, Lines: []LineSpec{
			{When: e("frustration > 70"), Variants: []string{"This is taking too long.", "Get on with it."}},
			{Variants: []string{"Go on. (" + id + ")", "And then? (" + id + ")", "Well? (" + id + ")"}},
		}, Replies: []ReplySpec{
			{ID: "listen", Text: "Tell me more.", Note: "Listens.", Points: []Points{{"listening", 2, Pos{}}},
				Effects: []Effect{{Var: "trust", Expr: e("trust + 4")}, {Var: "asked", Expr: e("asked + 1")}}, Next: []Branch{{Goto: next}}},
			{ID: "sorry", Text: "I'm sorry.", Note: "Empathises.", Points: []Points{{"empathy", 1, Pos{}}},
				Effects: []Effect{{Var: "frustration", Expr: e("frustration - 3")}, {Var: "tone", Expr: e(`"warm"`)}}, Next: []Branch{{Goto: next}}},
			{ID: "promise", Text: "It'll be fine, guaranteed.", Note: "Over-promises.", Blocks: []string{"boundaries"}, When: e("!promised"),
				Effects: []Effect{{Var: "promised", Expr: e("true")}, {Var: "patience", Expr: e("patience - 5")}}, Next: []Branch{{Goto: next}}},
			{ID: "ask", Text: "What would help?", Note: "Asks.", Once: true, Points: []Points{{"listening", 1, Pos{}}},
				Effects: []Effect{{Var: "frustration", Expr: e("frustration + 1")}}, Next: []Branch{{When: e("patience < 1"), Goto: "gone"}, {Goto: next}}},
		}})
	}
	for i := range 10 {
		spec.Rules = append(spec.Rules, RuleSpec{ID: fmt.Sprintf("r%d", i),
			When: Expr{Src: fmt.Sprintf("frustration > %d && trust < 200 && asked >= 0", 90+i)}})
	}
	return spec
}

// twelvePlay is the reply chosen at each turn of a twelve-turn attempt:
// each kind of reply, the once reply and the block among them.
func twelvePlay(turn int) string {
	return [...]string{"listen", "sorry", "ask", "listen", "promise", "sorry", "listen", "ask", "sorry", "listen", "ask", "sorry"}[turn%12]
}

// playTwelve is a session of twelveSpec after its twelve turns.
func playTwelve(tb testing.TB) *Session {
	tb.Helper()
	s := mustCompile(tb, twelveSpec()).Start(3)
	for turn := range 12 {
		if _, err := s.Choose(twelvePlay(turn)); err != nil {
			tb.Fatalf("turn %d: %v", turn+1, err)
		}
	}
	return s
}

// keepTwelve drops the oldest step once the history is longer than twelve,
// so that the state stays the size of a 12-turn attempt.
func keepTwelve(s *Session) {
	if n := len(s.history); n > 12 {
		s.history = s.history[:copy(s.history, s.history[n-12:])]
	}
}

// BenchmarkReplySave measures one reply and saving the session after it,
// on a 12-turn attempt: the reply alone, then with the state saved as the
// engine's JSON (State and json.Marshal, as before the binary state), then
// in the binary format into a buffer used again (as a caller that keeps
// one would) and into a new one each time (as webui/training does).
func BenchmarkReplySave(b *testing.B) {
	run := func(b *testing.B, save func(s *Session)) {
		s := playTwelve(b)
		b.ReportAllocs()
		turn := 0
		for b.Loop() {
			// After the first lap the once reply and the block are spent.
			if _, err := s.Choose([2]string{"listen", "sorry"}[turn%2]); err != nil {
				b.Fatal(err)
			}
			keepTwelve(s)
			save(s)
			turn++
		}
	}
	b.Run("reply-only", func(b *testing.B) { run(b, func(*Session) {}) })
	b.Run("json", func(b *testing.B) {
		run(b, func(s *Session) {
			if _, err := json.Marshal(s.State()); err != nil {
				b.Fatal(err)
			}
		})
	})
	var buf []byte
	b.Run("binary", func(b *testing.B) { run(b, func(s *Session) { buf = s.AppendState(buf[:0]) }) })
	b.Run("binary-new-buffer", func(b *testing.B) { run(b, func(s *Session) { buf = s.AppendState(make([]byte, 0, 256)) }) })
}

// BenchmarkResume measures bringing back the session of a 12-turn attempt
// from its saved state: from the engine's JSON, as before the binary state,
// and from the binary state.
func BenchmarkResume(b *testing.B) {
	s := playTwelve(b)
	sc := s.Scenario()
	b.Run("json", func(b *testing.B) {
		data, err := json.Marshal(s.State())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sc.Resume(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary", func(b *testing.B) {
		data := s.AppendState(nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sc.ResumeBinary(data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(data)), "state-bytes")
	})
}
