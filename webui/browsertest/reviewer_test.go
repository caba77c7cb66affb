package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/webui/training"
)

// TestReviewerOnTraineeAddress: a reviewer who follows the trainee's
// address of a debrief (#/a/{id}/debrief) lands on the reviewer's page
// (#/review/{id}), with the comment forms and none of the trainee's
// actions (Try again, Practise from here, Share), whether they practise
// too (an admin who is a trainee) or not (a manager). There the reviewer
// comments by keyboard alone, and the focus goes to the comment added. The
// trainee's own debrief keeps the trainee's actions.
func TestReviewerOnTraineeAddress(t *testing.T) {
	srv := startServer(t)
	f := srv.reviewFixture()
	admin := srv.account("ada", "Ada Admin", training.Roles(training.RoleTrainee|training.RoleAdmin))
	b := newBrowser(t)

	type seen struct {
		Hash, Mode, Focus         string
		Practise, Share, Comments int
	}
	look := func(p *page) seen {
		return eval[seen](p, `({Hash: location.hash, Mode: document.getElementById('debrief')?.dataset.mode || '',
			Focus: document.activeElement?.id || document.activeElement?.tagName || '',
			Practise: document.querySelectorAll('[data-action=practice], #try-again').length,
			Share: document.querySelectorAll('#share-form').length,
			Comments: document.querySelectorAll('form[data-testid=comment-form]').length})`)
	}

	// An admin who practises too, at the trainee's address with a turn.
	a := b.tab(srv.url(), tabOptions{reducedMotion: true})
	a.signIn(admin)
	a.open("#/a/" + f.reviewed + "/debrief?turn=2")
	a.waitState("review")
	if got := look(a); got.Hash != "#/review/"+f.reviewed+"?turn=2" || got.Mode != "review" || got.Practise != 0 || got.Share != 0 || got.Comments == 0 || got.Focus != "turn-2-title" {
		t.Errorf("an admin who practises, on the trainee's address: %+v; want the review of it at turn 2, comment forms, no Practise, Try again or Share", got)
	}

	// Comment on turn 2 by keyboard: Enter on the button, type, Tab, Enter.
	a.do("focus the comment button", chromedp.Focus(chromedp.CSS(`[data-action=comment][data-turn="2"]`)))
	a.key(kb.Enter)
	a.waitFor("the comment field", 5*time.Second, `document.activeElement?.id === 'comment-2'`)
	const said = "Say what you will do and when."
	a.key(said)
	a.key(kb.Tab)
	if got := eval[string](a, `document.activeElement?.id`); got != "comment-2-submit" {
		t.Fatalf("Tab from the comment goes to #%s, want the Add comment button", got)
	}
	before := eval[int](a, `document.querySelectorAll('#turn-2 [data-testid=comment]').length`)
	a.key(kb.Enter)
	a.waitFor("the comment", 10*time.Second, fmt.Sprintf(`document.querySelectorAll('#turn-2 [data-testid=comment]').length === %d`, before+1))
	a.waitFor("the focus on the new comment", 5*time.Second, `document.activeElement !== document.body`)
	type after struct{ Focus, Body, Status string }
	got := eval[after](a, `({Focus: document.activeElement === [...document.querySelectorAll('#turn-2 [data-testid=comment]')].pop() ? 'the new comment' : (document.activeElement?.id || document.activeElement?.tagName),
		Body: [...document.querySelectorAll('#turn-2 .comment__body')].pop()?.textContent || '',
		Status: document.getElementById('comment-2-status')?.textContent || ''})`)
	if got.Focus != "the new comment" || got.Body != said || !strings.Contains(got.Status, "Comment added") {
		t.Errorf("after adding a comment by keyboard: %+v; want the focus on the new comment, and the status saying it was added", got)
	}
	a.axe(axeSource(t), "attempt review after a comment")

	// A manager who does not practise, at the trainee's address.
	m := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	m.signIn(f.manager)
	m.open("#/a/" + f.reviewed + "/debrief")
	m.waitState("review")
	if got := look(m); got.Hash != "#/review/"+f.reviewed || got.Practise != 0 || got.Share != 0 || got.Comments == 0 {
		t.Errorf("a manager on the trainee's address: %+v; want the review of it, with comment forms and no trainee's actions", got)
	}

	// The trainee's own debrief is theirs.
	d := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	d.signIn(f.trainee)
	d.open("#/a/" + f.reviewed + "/debrief")
	d.waitState("debrief")
	if got := look(d); got.Hash != "#/a/"+f.reviewed+"/debrief" || got.Mode != "trainee" || got.Practise == 0 || got.Share != 1 || got.Comments != 0 {
		t.Errorf("the trainee's own debrief: %+v; want theirs, with Practise, Try again and Share and no comment form", got)
	}
}
