package scenarios

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"parley/engine"
)

// TestRecipes: the scenario behind the format guide's Recipes lints clean,
// and its plans show each recipe doing what the guide says.
func TestRecipes(t *testing.T) {
	files, err := ReadDir("testdata/recipes")
	if err != nil || len(files) != 1 {
		t.Fatalf("recipes: %v, %d files", err, len(files))
	}
	diags, sc := Lint(context.Background(), files[0], engine.Limits{})
	for _, d := range diags {
		t.Errorf("lint: %s", d)
	}
	if sc == nil {
		t.FailNow()
	}
	plans, _ := filepath.Glob("testdata/recipes/recipes.*.testplan")
	if len(plans) < 4 {
		t.Fatalf("%d plans, want one per recipe", len(plans))
	}
	for _, path := range plans {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		plan, problems := ParsePlan(path, src)
		for _, p := range problems {
			t.Errorf("%s", p)
		}
		if plan == nil {
			continue
		}
		for _, d := range plan.Run(sc) {
			t.Errorf("%s", d)
		}
	}
}
