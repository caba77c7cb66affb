package scenarios

import (
	"context"
	"testing"

	"parley/engine"
)

// TestBundledScenariosLintClean keeps every bundled scenario free of errors
// and warnings.
func TestBundledScenariosLintClean(t *testing.T) {
	files := Bundled()
	if len(files) == 0 {
		t.Fatal("no bundled scenarios")
	}
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			diags, sc := Lint(context.Background(), f, engine.Limits{})
			for _, d := range diags {
				t.Error(d)
			}
			if sc == nil {
				t.Fatal("did not compile")
			}
		})
	}
}
