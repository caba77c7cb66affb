package engine

import (
	"strings"
	"testing"
)

func TestCompileProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"dangling goto", func(s *Spec) { s.Nodes[0].Replies[0].Next[0] = Branch{Goto: "cots", Pos: Pos{9, 3}} },
			`9:3: error: unknown-target: reply "own" of node "open" goes to "cots", which is no node or ending; check the spelling (did you mean "cost"?)`},
		{"duplicate id", func(s *Spec) { s.Endings[1].ID = "cost"; s.Endings[1].Pos = Pos{40, 1} },
			`40:1: error: duplicate-id: id "cost" is used twice; nodes and endings share one set of ids, so rename one`},
		{"syntax error inside expression", func(s *Spec) { s.Rules[1].When = Expr{Src: "frustration >= ", Pos: Pos{12, 9}} },
			`12:23: error: expr-syntax: the condition of rule "gone": unexpected token EOF`},
		{"condition not bool", func(s *Spec) { s.Rules[1].When = Expr{Src: "frustration + 1", Pos: Pos{5, 9}} },
			`5:9: error: expr-type: the condition of rule "gone": frustration + 1 is a number, not true/false: write frustration + 1 > 0`},
		{"undeclared variable", func(s *Spec) { s.Rules[1].When = Expr{Src: "patience < 3", Pos: Pos{5, 9}} },
			`5:9: error: expr-type: the condition of rule "gone": unknown name patience; declare it under [mood] or [state], or use turn, visits, node or reply`},
		{"effect on undeclared", func(s *Spec) {
			s.Nodes[0].Replies[0].Effects[0] = Effect{Var: "anger", Expr: Expr{Src: "1"}, Pos: Pos{7, 5}}
		},
			`7:5: error: unknown-variable: reply "own" of node "open" sets "anger", which is not declared; declare it under [mood.anger] or [state]`},
		{"closure refused", func(s *Spec) { s.Rules[1].When = Expr{Src: "all([1,2], # > 0)", Pos: Pos{5, 9}} },
			`5:20: error: expr-cost: the condition of rule "gone" uses a closure, which scenarios may not; use plain comparisons, arithmetic and the functions abs, min, max, floor, ceil, round, len, lower, upper`},
		{"range refused", func(s *Spec) { s.Rules[1].When = Expr{Src: "len(1..100000000) > 0", Pos: Pos{5, 9}} },
			`5:14: error: expr-cost: the condition of rule "gone" uses a range (..), which scenarios may not; use plain comparisons, arithmetic and the functions abs, min, max, floor, ceil, round, len, lower, upper`},
		{"unknown competency", func(s *Spec) { s.Nodes[0].Replies[0].Points[0] = Points{"empathie", 1, Pos{8, 14}} },
			`8:14: error: unknown-competency: reply "own" of node "open" scores "empathie", which is not a competency (did you mean "empathy"?)`},
		{"unknown competency far from any", func(s *Spec) { s.Nodes[0].Replies[0].Points[0] = Points{"commerce", 1, Pos{8, 14}} },
			`8:14: error: unknown-competency: reply "own" of node "open" scores "commerce", which is not a competency; use one of listening, empathy, boundaries, ownership, or declare [competencies.commerce]`},
		{"misspelt block points at the item", func(s *Spec) {
			r := &s.Nodes[1].Replies[1]
			r.Pos, r.Blocks, r.BlocksPos = Pos{30, 3}, []string{"empathy", "boundries"}, []Pos{{34, 13}, {34, 24}}
		},
			`34:24: error: unknown-competency: reply "promise" of node "cost" blocks "boundries", which is not a competency (did you mean "boundaries"?)`},
		{"block without a position points at the reply", func(s *Spec) {
			r := &s.Nodes[1].Replies[1]
			r.Pos, r.Blocks = Pos{30, 3}, []string{"boundries"}
		},
			`30:3: error: unknown-competency: reply "promise" of node "cost" blocks "boundries"`},
		{"single = in a condition", func(s *Spec) { s.Rules[1].When = Expr{Src: "asked = 0", Pos: Pos{5, 9}} },
			`error: expr-syntax: the condition of rule "gone": unexpected token Operator("="); to compare, write == (a single = is not allowed in expressions)`},
		{"duplicate rule id", func(s *Spec) { s.Rules[1].ID = "not-listening"; s.Rules[1].Pos = Pos{50, 1} },
			`50:1: error: duplicate-id: two rules have id "not-listening"; rule ids must be unique, since attempts record which once rules fired by id`},
		{"mood start out of range", func(s *Spec) { s.Mood[1].Start = 120; s.Mood[1].Pos = Pos{20, 1} },
			`20:1: error: mood-bounds: mood "trust" starts at 120, outside its range 0..100; move start or widen the range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := miniSpec()
			tt.change(spec)
			sc, problems := Compile(spec)
			if sc != nil {
				t.Fatal("compiled despite the problem")
			}
			if got := problems.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func FuzzCompileExpr(f *testing.F) {
	for _, s := range []string{"frustration > 3", "trust + 1", "asked == 0 && turn >= 2", `visits["cost"] > 1`,
		"min(frustration, 10) * 2", "promised ? 1 : 2", `node == "open" || reply in ["a", "b"]`, "lower(reply) contains 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		spec := miniSpec()
		spec.Rules[1].When = Expr{Src: src, Pos: Pos{1, 1}}
		sc, problems := Compile(spec)
		if sc == nil {
			if !problems.HasErrors() {
				t.Fatal("no scenario and no error")
			}
			return
		}
		s := sc.Start(1)
		s.Choose("own") // must not panic or hang, whatever the rule says
	})
}
