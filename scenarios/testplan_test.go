package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/engine"
)

func TestParsePlan(t *testing.T) {
	tests := []struct {
		name, src string
		want      []PlanStep
		seed      uint64
		problem   string
	}{
		{name: "steps and comments", src: "# a plan\nseed: 7\nchoose: own-it # first\nscore: * >= 90\nstate: asked == true\n",
			seed: 7, want: []PlanStep{{2 + 1, "choose", "own-it", "", ""}, {4, "score", "*", ">=", "90"}, {5, "state", "asked", "==", "true"}}},
		{name: "unknown step", src: "pick: 1\n", seed: 1, problem: `x.testplan:1:1: error: testplan: "pick: 1" is not a step`},
		{name: "missing comparison", src: "score: empathy\n", seed: 1, problem: "x.testplan:1:1: error: testplan: score: write a comparison such as score: empathy >= 90"},
		{name: "bad seed", src: "seed: soon\n", seed: 0, problem: "seed must be a whole number"},
		{name: "no argument", src: "choose:\n", seed: 1, problem: "choose: needs an argument"},
		{name: "misspelt operator", src: "score: empathy => 90\n", seed: 1, problem: `score: "=>" is not a comparison; use one of >=, <=, ==, !=, > or <`},
		{name: "single equals", src: "mood: trust = 40\n", seed: 1, problem: `mood: "=" is not a comparison`},
		{name: "two names", src: "state: pay day == true\n", seed: 1, problem: `state: "pay day" is not one name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := ParsePlan("x.testplan", []byte(tt.src))
			if tt.problem != "" {
				if len(diags) != 1 || !strings.Contains(diags[0].String(), tt.problem) {
					t.Fatalf("diags = %v, want %q", diags, tt.problem)
				}
				return
			}
			if len(diags) > 0 || p.Seed != tt.seed || len(p.Steps) != len(tt.want) {
				t.Fatalf("plan = %+v, diags %v", p, diags)
			}
			for i := range tt.want {
				if p.Steps[i] != tt.want[i] {
					t.Errorf("step %d = %+v, want %+v", i, p.Steps[i], tt.want[i])
				}
			}
		})
	}
}

// TestBundledPlans runs every bundled scenario's plans and random playthroughs.
func TestBundledPlans(t *testing.T) {
	for _, f := range Bundled() {
		sc, problems := Load(f)
		if sc == nil {
			t.Fatalf("%s: %v", f.Name, problems)
		}
		if err := RandomPlaythroughs(sc, 200, 1); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		plans, _ := filepath.Glob(filepath.Join("bundled", strings.TrimSuffix(f.Name, ".toml")+".*.testplan"))
		if len(plans) < 2 {
			t.Errorf("%s has %d test plans; want an ideal and a worst plan", f.Name, len(plans))
		}
		for _, name := range plans {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			plan, diags := ParsePlan(name, src)
			diags = append(diags, plan.Run(sc)...)
			for _, d := range diags {
				t.Error(d)
			}
		}
	}
}

func TestPlanFailuresAreReported(t *testing.T) {
	sc, _ := Load(Bundled()[0])
	plan, _ := ParsePlan("p.testplan", []byte("choose: no-such-reply\nscore: listening >= 101\n"))
	diags := plan.Run(sc)
	if len(diags) != 1 || !strings.Contains(diags[0].Message, engine.ErrUnknownReply.Error()) {
		t.Errorf("diags = %v; a failed choose stops the plan", diags)
	}
}

// TestPlanVariableChecks: a step must name the kind of variable it reads,
// and compare it in a way its type allows.
func TestPlanVariableChecks(t *testing.T) {
	var sc *engine.Scenario
	for _, f := range Bundled() {
		if f.Name == "defective-part.toml" {
			sc, _ = Load(f)
		}
	}
	tests := []struct{ step, problem string }{
		{"mood: disclosed == false", "disclosed is a state variable, not a mood one; write state: disclosed == false"},
		{"state: trust >= 0", "trust is a mood variable, not a state one; write mood: trust >= 0"},
		{"state: disclosed > true", "disclosed is true or false; compare it as disclosed == true or disclosed == false"},
		{"state: disclosed == yes", "disclosed is true or false"},
		{"state: promised >= \"a\"", `promised is a string; compare it with == or !=`},
		{"state: nothing == 1", `no mood or state variable "nothing"`},
		{"state: disclosed == false", ""},
		{"state: disclosed != true", ""},
		{"mood: trust >= 0", ""},
		{"state: promised == \"\"", ""},
	}
	for _, tt := range tests {
		plan, diags := ParsePlan("p.testplan", []byte(tt.step+"\n"))
		diags = append(diags, plan.Run(sc)...)
		switch {
		case tt.problem == "" && len(diags) > 0:
			t.Errorf("%s: %v, want no problem", tt.step, diags)
		case tt.problem != "" && (len(diags) != 1 || !strings.Contains(diags[0].Message, tt.problem)):
			t.Errorf("%s: %v, want %q", tt.step, diags, tt.problem)
		}
	}
}

func FuzzParsePlan(f *testing.F) {
	plans, _ := filepath.Glob("bundled/*.testplan")
	for _, p := range plans {
		src, _ := os.ReadFile(p)
		f.Add(src)
	}
	f.Add([]byte("score: * >= 90\nmood: x <= 3\nstate: y == \"z\"\n"))
	sc, _ := Load(Bundled()[0])
	f.Fuzz(func(t *testing.T, src []byte) {
		plan, _ := ParsePlan("fuzz.testplan", src)
		if plan != nil {
			plan.Run(sc) // must not panic, whatever the plan says
		}
	})
}
