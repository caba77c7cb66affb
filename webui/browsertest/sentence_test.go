package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestMessagesKeepUsernames: the server's messages are shown as sentences,
// but one that begins with a username keeps it as typed: an email address,
// and a plain username the manager sent.
func TestMessagesKeepUsernames(t *testing.T) {
	srv := startServer(t)
	mia := srv.account("mia", "Mia Manager", manager)
	srv.account("tara@example.com", "Tara Trainee", trainee)
	srv.account("tara", "Tara Plain", trainee)
	cid := srv.cohort(srv.session(mia), "Spring", nil)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(mia)
	p.open("#/cohorts/" + cid)
	p.waitState("cohort")
	for _, u := range []string{"tara@example.com", "tara"} {
		p.typeInto("#invite-username", u)
		p.typeInto("#invite-name", "Tara")
		p.click("invite "+u, "#invite-submit")
		p.waitFor("the refusal", 5*time.Second, `document.getElementById('invite-error')?.textContent.trim()`)
		if got := eval[string](p, `document.getElementById('invite-error').textContent.trim()`); !strings.HasPrefix(got, u+" already has an account") {
			t.Errorf("inviting %s, the page says %q; want the username as typed", u, got)
		}
		if got := eval[string](p, `document.activeElement?.id || document.activeElement?.tagName`); got != "invite-submit" {
			t.Errorf("after the refusal the focus is on %s, want back on the Invite button", got)
		}
		p.do("clear the form", chromedp.Evaluate[chromedp.Void](`document.getElementById('invite-form')?.reset(); document.getElementById('invite-error').textContent = ''`))
	}
	// Ordinary messages still start with a capital and end with a full stop.
	got := eval[string](p, `import('./forms.js').then((m) => [m.sentence('the current password is wrong'), m.sentence('kim.member can do more than train'), m.sentence('tara has chosen a password already', 'tara')].join('|'))`, chromedp.EvalAwaitPromise)
	if want := "The current password is wrong.|kim.member can do more than train.|tara has chosen a password already."; got != want {
		t.Errorf("sentence gives %q, want %q", got, want)
	}
}
