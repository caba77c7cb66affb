package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/engine"
)

// loadBundled parses and compiles every bundled scenario, by file name.
func loadBundled(t *testing.T) map[string]struct {
	spec *engine.Spec
	sc   *engine.Scenario
} {
	t.Helper()
	out := map[string]struct {
		spec *engine.Spec
		sc   *engine.Scenario
	}{}
	for _, f := range Bundled() {
		spec, problems := Parse(f.Name, f.Src)
		if spec == nil || problems.HasErrors() {
			t.Fatalf("%s: %v", f.Name, problems)
		}
		sc, problems := Load(f)
		if sc == nil {
			t.Fatalf("%s: %v", f.Name, problems)
		}
		out[f.Name] = struct {
			spec *engine.Spec
			sc   *engine.Scenario
		}{spec, sc}
	}
	if len(out) == 0 {
		t.Fatal("no bundled scenarios")
	}
	return out
}

// TestBundledDebriefExplainsEndings: every bundled scenario tells the
// debrief what decided its ending (decisive variables, each named in the
// author's words) and has an ending that counts as a successful call.
func TestBundledDebriefExplainsEndings(t *testing.T) {
	for name, b := range loadBundled(t) {
		t.Run(name, func(t *testing.T) {
			decisive := 0
			for _, v := range b.spec.State {
				if !v.Decides {
					continue
				}
				decisive++
				// The compiled scenario falls back on the name; the debrief
				// should read the author's words instead.
				if strings.TrimSpace(v.Label) == "" {
					t.Errorf("decisive variable %s has no label", v.Name)
				}
			}
			if decisive == 0 {
				t.Error("no state variable is marked decides = true")
			}
			successes := 0
			for _, e := range b.sc.Endings() {
				if e.Success {
					successes++
				}
			}
			if successes == 0 {
				t.Error("no ending counts as a success")
			}
		})
	}
}

// TestUnrealisticDemandsSuccess: walking away respectfully is a success,
// and keeping the contract by caving is not, although its outcome is
// "resolved" (coaching guide: "Know your limits").
func TestUnrealisticDemandsSuccess(t *testing.T) {
	sc := loadBundled(t)["unrealistic-demands.toml"].sc
	if sc == nil {
		t.Fatal("unrealistic-demands.toml is not bundled")
	}
	want := map[string]bool{"parted-respectfully": true, "caved": false, "agreed": true}
	seen := map[string]bool{}
	for _, e := range sc.Endings() {
		if w, ok := want[e.ID]; ok {
			seen[e.ID] = true
			if e.Success != w {
				t.Errorf("ending %s (%s): success = %v, want %v", e.ID, e.Outcome, e.Success, w)
			}
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("no ending %s", id)
		}
	}
}

// planSuccess says, for every bundled test plan, whether the ending it
// reaches is a successful call.
var planSuccess = map[string]bool{
	"defective-part.escalate":      false,
	"defective-part.ideal":         true,
	"defective-part.mediocre":      false,
	"defective-part.worst":         false,
	"late-shipment.escalate":       false,
	"late-shipment.ideal":          true,
	"late-shipment.mediocre":       false,
	"late-shipment.worst":          false,
	"unrealistic-demands.escalate": false,
	"unrealistic-demands.ideal":    true,
	"unrealistic-demands.mediocre": true, // parted respectfully, after taking back an early yes
	"unrealistic-demands.walkaway": true,
	"unrealistic-demands.worst":    false,
}

// planMoodMisleads lists the plans whose call ends calm and trusting
// without succeeding: the debrief must flag the meter as misleading, and
// list what decided the ending.
var planMoodMisleads = map[string]bool{
	"late-shipment.mediocre":  true, // half the orders go to Brandt
	"defective-part.mediocre": true, // the new builds go to Sentinel
	"defective-part.escalate": true, // passed to the quality team, calmer but unanswered
}

// TestBundledPlansDebrief replays each bundled test plan's choices and
// checks the debrief: whether the ending counts as a success, whether the
// mood meter is flagged as misleading, and that the decisive variables are
// listed.
func TestBundledPlansDebrief(t *testing.T) {
	scs := loadBundled(t)
	paths, err := filepath.Glob(filepath.Join("bundled", "*.testplan"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test plans: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".testplan")
		t.Run(name, func(t *testing.T) {
			want, ok := planSuccess[name]
			if !ok {
				t.Fatalf("add %s to planSuccess: does its ending count as a success?", name)
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			plan, diags := ParsePlan(path, src)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			sc := scs[name[:strings.IndexByte(name, '.')]+".toml"].sc
			s := sc.Start(plan.Seed)
			for _, step := range plan.Steps {
				if step.Kind != "choose" {
					continue
				}
				if _, err := s.Choose(step.Arg); err != nil {
					t.Fatalf("line %d: %v", step.Line, err)
				}
			}
			if !s.Ended() {
				t.Fatal("the plan does not reach an ending")
			}
			d, err := sc.Debrief(s.State())
			if err != nil {
				t.Fatal(err)
			}
			if d.Ending.Success != want {
				t.Errorf("ending %s: success = %v, want %v", d.Ending.ID, d.Ending.Success, want)
			}
			if d.MoodMisleads != planMoodMisleads[name] {
				t.Errorf("ending %s with mood %+v: mood_misleads = %v, want %v", d.Ending.ID, d.MoodEnd, d.MoodMisleads, planMoodMisleads[name])
			}
			if len(d.Decisive) == 0 {
				t.Error("the debrief lists no decisive variables")
			}
		})
	}
}

// TestFirstReplyNeverWins: replies are offered in an order fixed by the
// seed, so a trainee who always takes the first one offered plays at
// random. Over 300 seeds they never score 100 in listening, empathy and
// boundaries at once, and never reach an ending that counts as a success.
func TestFirstReplyNeverWins(t *testing.T) {
	for name, b := range loadBundled(t) {
		t.Run(name, func(t *testing.T) {
			for seed := uint64(0); seed < 300; seed++ {
				s := b.sc.Start(seed)
				var path []string
				for !s.Ended() {
					replies, err := s.Replies()
					if err != nil {
						t.Fatalf("seed %d after %v: %v", seed, path, err)
					}
					path = append(path, replies[0].ID)
					if _, err := s.Choose(replies[0].ID); err != nil {
						t.Fatalf("seed %d after %v: %v", seed, path, err)
					}
				}
				perfect := 0
				for _, sc := range s.Scores() {
					switch sc.Competency {
					case "listening", "empathy", "boundaries":
						if sc.Score == 100 {
							perfect++
						}
					}
				}
				if perfect == 3 {
					t.Errorf("seed %d: first replies %v score 100 in listening, empathy and boundaries", seed, path)
				}
				if e := s.Ending(); e.Success {
					t.Errorf("seed %d: first replies %v reach %s, a success", seed, path, e.ID)
				}
			}
		})
	}
}
