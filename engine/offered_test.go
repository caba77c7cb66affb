package engine

import (
	"reflect"
	"testing"
)

func TestNeverOffered(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Spec)
		limits Limits
		want   []ReplyRef
	}{
		{"every reply on offer somewhere", func(*Spec) {}, Limits{}, nil},
		{"a when that never holds", func(s *Spec) { s.Nodes[1].Replies[2].When = Expr{Src: "asked > 5", Pos: Pos{33, 10}} }, Limits{},
			[]ReplyRef{{Node: "cost", Reply: "plan", When: "asked > 5", Pos: Pos{33, 10}}}},
		{"a node never reached is not reported", func(s *Spec) {
			s.Nodes[1].Replies[2].When = Expr{Src: "asked > 5", Pos: Pos{33, 10}}
			s.Nodes[0].Replies[0].Next[0].Goto, s.Nodes[0].Replies[1].Next[1].Goto = "lost", "lost"
		}, Limits{}, nil},
		{"nothing when exploration is cut", func(s *Spec) { s.Nodes[1].Replies[2].When = Expr{Src: "asked > 5", Pos: Pos{33, 10}} },
			Limits{MaxStates: 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := miniSpec()
			tt.change(spec)
			a := mustCompile(t, spec).Explore(tt.limits)
			if !reflect.DeepEqual(a.NeverOffered, tt.want) {
				t.Errorf("NeverOffered = %+v, want %+v", a.NeverOffered, tt.want)
			}
		})
	}
}
