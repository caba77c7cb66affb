package scenarios

import (
	"context"
	"strings"
	"testing"

	"parley/engine"
)

// TestIncompleteExplorationSaysWhy: the warning names what stopped
// exploration and what would let it finish.
func TestIncompleteExplorationSaysWhy(t *testing.T) {
	limits := engine.Limits{MaxStates: 300_000, MaxDepth: 150}
	tests := []struct {
		name     string
		analysis engine.Analysis
		loops    []string
		want     []string
	}{
		{"loops", engine.Analysis{States: 300_000, Limits: limits}, []string{"haggle", "push", "wait", "stall"},
			[]string{"stopped after 300000 states:", "come back to haggle, push, wait and 1 more", "visits.haggle < 3", "once = true"}},
		{"loops that never end", engine.Analysis{States: 1200, DepthCut: true, Limits: limits}, []string{"haggle"},
			[]string{"went round without ending", "come back to haggle"}},
		{"a long chain", engine.Analysis{States: 300_000, DepthCut: true, Limits: limits}, nil,
			[]string{"longer than 150 replies", "shorter routes"}},
		{"counters", engine.Analysis{States: 300_000, Limits: limits}, nil,
			[]string{"no loops", "combinations of values", "min(asked + 1, 3)"}},
	}
	for _, tt := range tests {
		got := incompleteMessage(&tt.analysis, tt.loops)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q does not say %q", tt.name, got, w)
			}
		}
	}
}

// TestLintNamesTheLoop: on a real scenario with an endless loop, lint's
// warning names the looping node.
func TestLintNamesTheLoop(t *testing.T) {
	src := baseScenario + "lines = [\"Well?\"]\n" +
		"[[nodes.replies]]\nid = \"again\"\ntext = \"Again.\"\nnote = \"n\"\nnext = \"open\"\n" +
		"[[nodes.replies]]\nid = \"leave\"\ntext = \"Bye.\"\nnote = \"n\"\nnext = \"done\"\n" +
		"[state]\nn = 0\n[[rules]]\nwhen = \"true\"\neffects = { n = \"n + 1\" }\n"
	diags, _ := Lint(context.Background(), File{Name: "loop.toml", Src: []byte(src)}, engine.Limits{MaxStates: 500})
	for _, d := range diags {
		if d.Code == "exploration-incomplete" {
			if !strings.Contains(d.Message, `come back to open`) {
				t.Errorf("warning %q does not name the loop at open", d.Message)
			}
			return
		}
	}
	t.Errorf("no exploration-incomplete warning in %v", diags)
}
