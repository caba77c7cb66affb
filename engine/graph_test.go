package engine

import "testing"

func TestGraphLabelsANodeWithItsFirstUnconditionalLine(t *testing.T) {
	spec := miniSpec()
	// "cost" with only conditional lines: the label falls back to the first.
	cond := Expr{Src: "trust >= 40", Pos: Pos{1, 1}}
	spec.Nodes[1].Lines = []LineSpec{{When: cond, Variants: []string{"Thanks for owning it."}}, {When: cond, Variants: []string{"Go on."}}}
	g := mustCompile(t, spec).Graph()
	tests := []struct{ node, want string }{
		{"open", "Where is my order?"},    // its first line has a when
		{"cost", "Thanks for owning it."}, // every line has a when
	}
	for i, tt := range tests {
		if n := g.Nodes[i]; n.ID != tt.node || n.Line != tt.want {
			t.Errorf("node %s: Line = %q, want %q", n.ID, n.Line, tt.want)
		}
	}
}
