package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/engine"
	"parley/scenarios"
)

// bundledPlan reads a bundled test plan (scenarios/bundled/{name}.testplan, such
// as "late-shipment.mediocre") and returns its scenario and the reply ids
// it chooses, in order: a known path through the real scenario. Replies
// are chosen by id, so the order the attempt's seed offers them in does not
// matter.
func bundledPlan(t *testing.T, name string) (*engine.Scenario, []string) {
	t.Helper()
	file := filepath.Join("..", "..", "scenarios", "bundled", name+".testplan")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("test plan %s: %v", name, err)
	}
	plan, diags := scenarios.ParsePlan(file, src)
	if len(diags) > 0 {
		t.Fatalf("test plan %s does not parse: %v", name, diags)
	}
	sc := scenario(t, strings.SplitN(name, ".", 2)[0])
	var replies []string
	for _, s := range plan.Steps {
		if s.Kind == "choose" {
			replies = append(replies, s.Arg)
		}
	}
	if len(replies) == 0 {
		t.Fatalf("test plan %s chooses no reply", name)
	}
	return sc, replies
}

// debriefOf is the engine's debrief of the path through sc (any seed: the
// seed picks only the order of replies and line variants).
func debriefOf(t *testing.T, sc *engine.Scenario, path []string) engine.Debrief {
	t.Helper()
	s := sc.Start(1)
	for _, id := range path {
		if _, err := s.Choose(id); err != nil {
			t.Fatalf("%s: reply %s: %v", sc.ID, id, err)
		}
	}
	d, err := sc.Debrief(s.State())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// misleadingPath is the bundled plan late-shipment.mediocre: a call whose
// debrief has every part the debrief can draw. It leaves the ideal path, a
// reply is closed by an earlier choice, another is only the best of what
// was left, and Dana ends calm and trusting although the ending is not a
// success (the mood meter misleads), with the variables that decided it.
// It fails the test if the scenario no longer gives all that.
func misleadingPath(t *testing.T) (*engine.Scenario, []string) {
	t.Helper()
	const name = "late-shipment.mediocre"
	sc, path := bundledPlan(t, name)
	d := debriefOf(t, sc, path)
	closed, left := 0, 0
	for _, tr := range d.Turns {
		closed += len(tr.Closed)
		if tr.IdealKind == engine.IdealBestLeft {
			left++
		}
	}
	if d.Ending == nil || d.Ending.Success || !d.MoodMisleads || len(d.Decisive) == 0 || closed == 0 || left == 0 {
		t.Fatalf("%s no longer draws every part of the debrief: ending %+v, mood_misleads %v, %d decisive, %d closed, %d best-left",
			name, d.Ending, d.MoodMisleads, len(d.Decisive), closed, left)
	}
	return sc, path
}

// practise clicks "Practise from here" on this turn of the debrief shown,
// and waits for the practice run's conversation: its next reply is turn
// `turn`.
func (p *page) practise(turn int) call {
	p.t.Helper()
	button := fmt.Sprintf(`[data-testid=turn][data-turn="%d"] button[data-action=practice]`, turn)
	p.do(fmt.Sprintf("click Practise from here on turn %d", turn), chromedp.Click(chromedp.CSS(button)))
	p.waitFor("the practice run, or an answer from the server", 10*time.Second,
		fmt.Sprintf(`document.getElementById('main').dataset.state === 'conversation' || document.querySelector(%q)?.dataset.errorStatus`, button))
	if status := eval[string](p, fmt.Sprintf(`document.querySelector(%q)?.dataset.errorStatus || ''`, button)); status != "" {
		p.t.Fatalf("POST /api/attempts/{id}/practice answered %s", status)
	}
	p.waitState("conversation")
	return p.settle(turn - 1)
}
