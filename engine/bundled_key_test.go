package engine_test

import (
	"reflect"
	"testing"

	"parley/engine"
	"parley/scenarios"
)

// TestSmallerKeyExploresBundledTheSame: on the real scenarios, leaving out of
// the exploration key what cannot matter changes no finding.
func TestSmallerKeyExploresBundledTheSame(t *testing.T) {
	for _, f := range scenarios.Bundled() {
		t.Run(f.Name, func(t *testing.T) {
			load := func() *engine.Scenario {
				sc, problems := scenarios.Load(f)
				if sc == nil {
					t.Fatal(problems)
				}
				return sc
			}
			small := load().Explore(engine.Limits{})
			full := load()
			engine.KeyEverything(full)
			want := full.Explore(engine.Limits{})
			t.Logf("states: %d with the smaller key, %d with every visit count and once flag", small.States, want.States)
			if !small.Complete || !want.Complete {
				t.Fatal("exploration incomplete")
			}
			for name, pair := range map[string][2]any{
				"paths": {small.Paths, want.Paths}, "best": {small.Best, want.Best}, "worst": {small.Worst, want.Worst},
				"reached": {small.Reached, want.Reached}, "endings": {small.Endings, want.Endings},
				"dead ends": {small.DeadEnds, want.DeadEnds}, "errors": {small.Errors, want.Errors},
				"silent": {small.Silent, want.Silent}, "ideal": {small.Ideal, want.Ideal},
				"ideal score": {small.IdealScore, want.IdealScore},
			} {
				if !reflect.DeepEqual(pair[0], pair[1]) {
					t.Errorf("%s: %v with the smaller key, %v with the full key", name, pair[0], pair[1])
				}
			}
		})
	}
}
