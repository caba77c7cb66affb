package engine

import (
	"reflect"
	"testing"
)

func TestRevisitable(t *testing.T) {
	to := func(ids ...string) []ReplySpec {
		var rs []ReplySpec
		for i, id := range ids {
			rs = append(rs, ReplySpec{ID: string(rune('a' + i)), Text: "R.", Next: []Branch{{Goto: id}}})
		}
		return rs
	}
	tests := []struct {
		name  string
		nodes map[string][]string // node → where its replies lead
		rule  string              // a rule's jump, if any
		want  []bool              // per node, in order n0, n1, n2
	}{
		{"chain", map[string][]string{"n0": {"n1"}, "n1": {"n2"}, "n2": {"end"}}, "", []bool{false, false, false}},
		{"self loop", map[string][]string{"n0": {"n1"}, "n1": {"n1", "n2"}, "n2": {"end"}}, "", []bool{false, true, false}},
		{"two-node cycle", map[string][]string{"n0": {"n1"}, "n1": {"n2"}, "n2": {"n1", "end"}}, "", []bool{false, true, true}},
		{"rule jumps back", map[string][]string{"n0": {"n1"}, "n1": {"n2"}, "n2": {"end"}}, "n1", []bool{false, true, true}},
		{"rule jumps to an ending", map[string][]string{"n0": {"n1"}, "n1": {"n2"}, "n2": {"end"}}, "end", []bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := &Spec{ID: "g", Version: "v1", Endings: []EndingSpec{{ID: "end", Title: "E", Outcome: "resolved", Text: "."}}}
			for _, id := range []string{"n0", "n1", "n2"} {
				spec.Nodes = append(spec.Nodes, NodeSpec{ID: id, Lines: []LineSpec{{Variants: []string{"?"}}}, Replies: to(tt.nodes[id]...)})
			}
			if tt.rule != "" {
				spec.Rules = []RuleSpec{{ID: "r", When: Expr{Src: "turn > 5"}, Goto: tt.rule}}
			}
			if got := mustCompile(t, spec).revisitable(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("revisitable = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSmallerKeyExploresTheSame: leaving out of the exploration key what
// cannot change the future (unread visit counts, once flags of nodes no path
// returns to) must not change any finding, only the number of states.
func TestSmallerKeyExploresTheSame(t *testing.T) {
	once := miniSpec()
	once.Nodes[0].Replies[0].Once = true // "own" at open, which no path returns to
	visits := miniSpec()
	visits.Nodes[1].Replies[2].When = Expr{Src: "visits.cost >= 2"}
	for name, spec := range map[string]*Spec{"mini": miniSpec(), "once at open": once, "reads visits": visits} {
		t.Run(name, func(t *testing.T) {
			small := mustCompile(t, spec).Explore(Limits{})
			full := mustCompile(t, spec)
			KeyEverything(full)
			want := full.Explore(Limits{})
			if small.States > want.States {
				t.Errorf("the smaller key explored %d states, the full key %d", small.States, want.States)
			}
			small.States, want.States = 0, 0
			small.sc, want.sc, small.index, want.index, small.states, want.states = nil, nil, nil, nil, nil, nil
			if !reflect.DeepEqual(small, want) {
				t.Errorf("findings differ:\nsmall key %+v\nfull key  %+v", small, want)
			}
		})
	}
}
