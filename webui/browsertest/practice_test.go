package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPracticeIsNotScored: a practice run never says it is scored. Its End
// dialog speaks of a practice run; stopped early, its debrief's headline
// says where the practice run stopped, without "scored"; and Try again
// there starts another practice run from the same turn of the same source
// attempt, not a scored one from the briefing.
func TestPracticeIsNotScored(t *testing.T) {
	sc := scenario(t, "unrealistic-demands")
	plan := longPath(t, sc, 1, 6)
	srv := startServer(t)
	riley := srv.trainee("Riley Practice")
	source := play(t, srv.session(riley), sc.ID, plan, "")
	from := len(plan) - 1
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(riley)
	p.open("#/a/" + source + "/debrief")
	p.waitState("debrief")
	p.practise(from)
	run := p.attemptID()

	p.click("End", "#give-up")
	p.waitFor("the End dialog", 5*time.Second, `document.getElementById('give-up-dialog')?.open`)
	type dialog struct{ Title, Desc, Confirm string }
	d := eval[dialog](p, `({Title: document.getElementById('give-up-title').textContent,
		Desc: document.getElementById('give-up-desc').textContent, Confirm: document.getElementById('give-up-confirm').textContent})`)
	if d.Title != "End this practice run?" || d.Confirm != "End practice run" || strings.Contains(d.Desc, "scored on") || !strings.Contains(d.Desc, "never scored") {
		t.Errorf("the End dialog of a practice run says %+v", d)
	}
	p.click("confirm", "#give-up-confirm")
	p.waitState("debrief")
	db := p.debrief()
	if want := fmt.Sprintf("Incomplete: you stopped this practice run at turn %d", from-1); db.Ending != want {
		t.Errorf("the practice debrief is headed %q, want %q", db.Ending, want)
	}
	if prose := eval[string](p, `document.querySelector('.debrief-hero .prose').textContent`); !strings.Contains(prose, "isn’t scored") {
		t.Errorf("the practice debrief explains %q", prose)
	}
	if got := eval[string](p, `document.getElementById('try-again').textContent`); got != fmt.Sprintf("Practise again from turn %d", from) {
		t.Errorf("Try again on a practice debrief reads %q", got)
	}
	if got := eval[string](p, `document.getElementById('try-scenario').textContent`); got != "Start a scored attempt" {
		t.Errorf("the way to the briefing at the end of a practice debrief reads %q", got)
	}
	p.click("practise again", "#try-again")
	p.waitFor("another practice run", 10*time.Second, fmt.Sprintf(`document.getElementById('main').dataset.state === 'conversation' && !location.hash.includes(%q)`, run))
	p.settle(from - 1)
	banner := eval[string](p, `JSON.stringify({...document.getElementById('practice-banner')?.dataset})`)
	if want := fmt.Sprintf(`{"of":%q,"fromTurn":"%d"}`, source, from); banner != want {
		t.Errorf("the new practice run's banner has %s, want %s", banner, want)
	}
	if c := p.call(); c.turn() != from-1 || c.Mode != "replies" {
		t.Errorf("the new practice run is at turn %d (%s), want %d with replies", c.turn(), c.Mode, from-1)
	}
}
