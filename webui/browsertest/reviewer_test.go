package browsertest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/engine"
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
	// With no ?trainee= in the address the server still names whose call it
	// is, and the trainee's words are theirs, not "You said".
	whose := `document.querySelector('#debrief .eyebrow').textContent + ' | ' + [...new Set([...document.querySelectorAll('.mini-msg--me .mini-msg__who')].map((e) => e.textContent))].join(',')`
	if got := eval[string](m, whose); got != "Attempt review · Tia Trainee · call with Dana Okafor | Tia said" {
		t.Errorf("the review of a bare address says %q; want Tia Trainee named and her words as Tia's", got)
	}

	// The trainee's own debrief is theirs.
	d := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	d.signIn(f.trainee)
	d.open("#/a/" + f.reviewed + "/debrief")
	d.waitState("debrief")
	if got := look(d); got.Hash != "#/a/"+f.reviewed+"/debrief" || got.Mode != "trainee" || got.Practise == 0 || got.Share != 1 || got.Comments != 0 {
		t.Errorf("the trainee's own debrief: %+v; want theirs, with Practise, Try again and Share and no comment form", got)
	}
	if got := eval[string](d, whose); !strings.HasSuffix(got, " | You said") {
		t.Errorf("the trainee's own debrief says %q; want You said", got)
	}
}

// TestBlockedRepliesLinkTheirTurns: a competency failed outright by several
// replies lists each with a link to its own turn, and a link moves the
// focus to that turn.
func TestBlockedRepliesLinkTheirTurns(t *testing.T) {
	sc, plan := bundledPlan(t, "defective-part.worst")
	want := map[string][]string{} // competency: the turns that failed it, in the engine's order
	d := debriefOf(t, sc, plan)
	for _, s := range d.Scores {
		for _, ref := range s.BlockedBy {
			node, reply, _ := strings.Cut(ref, "/")
			i := slices.IndexFunc(d.Turns, func(tr engine.TurnReview) bool { return tr.Node == node && tr.Reply.ID == reply })
			if i < 0 {
				t.Fatalf("%s: no turn chose %s", sc.ID, ref)
			}
			want[s.Competency] = append(want[s.Competency], strconv.Itoa(d.Turns[i].Turn))
		}
	}
	several := ""
	for c, turns := range want {
		if len(turns) > 1 {
			several = c
		}
	}
	if several == "" {
		t.Fatalf("%s's worst path fails no competency by several replies: %v", sc.ID, want)
	}

	srv := startServer(t)
	kim := srv.trainee("Kim Blocked")
	id := play(t, srv.session(kim), sc.ID, plan, "")
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(kim)
	p.open("#/a/" + id + "/debrief")
	p.waitState("debrief")
	for c, turns := range want {
		type card struct {
			Turns, Links []string
			Quotes       int
			Head         string
		}
		got := eval[card](p, fmt.Sprintf(`(() => {
			const s = document.querySelector('[data-testid=score][data-competency=%q] .score__blocked');
			return {Turns: [...s?.querySelectorAll('[data-testid=blocked]') || []].map((b) => b.dataset.turn),
				Links: [...s?.querySelectorAll('[data-testid=blocked] a.turn-link') || []].map((a) => a.getAttribute('href').replace(/.*turn=/, '')),
				Quotes: s?.querySelectorAll('blockquote').length || 0,
				Head: s?.querySelector('p')?.textContent || ''};
		})()`, c))
		if !slices.Equal(got.Turns, turns) || !slices.Equal(got.Links, turns) || got.Quotes != len(turns) {
			t.Errorf("%s's card lists the replies that failed it at turns %v, linked to %v (%d quotes), under %q; want each at its own turn %v", c, got.Turns, got.Links, got.Quotes, got.Head, turns)
		}
	}
	last := want[several][len(want[several])-1]
	p.click("follow the last reply's turn", fmt.Sprintf(`[data-testid=score][data-competency=%q] [data-testid=blocked][data-turn=%q] a`, several, last))
	p.waitFor("the focus on that turn", 5*time.Second, fmt.Sprintf(`document.activeElement?.id === 'turn-%s-title' && location.hash.endsWith('?turn=%s')`, last, last))
	p.axe(axeSource(t), "debrief with replies that failed a competency")
}
