package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCohortNewInviteLink: on a cohort's page a manager finds "New invite
// link" beside the one member who has not chosen a password yet (not
// beside one who has, nor a disabled one); the dialog says what it does,
// makes the link and shows it to copy (the focus on it), and Done takes
// the focus back to the button. The link the member had stops working and
// the new one opens the page that sets a password. On a desktop and a
// phone, light and dark, with axe.
func TestCohortNewInviteLink(t *testing.T) {
	src := axeSource(t)
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	tia := srv.trainee("Tia Trainee")
	prev := srv.invite("alex.rivera@example.com", "Alex Rivera")
	srv.invite("dora", "Dora Disabled")
	srv.disable("dora")
	cid := srv.cohort(srv.session(mgr), "November onboarding", []user{tia, {Username: "alex.rivera@example.com"}, {Username: "dora"}}, "late-shipment")
	alex, err := srv.app.Server().Accounts().Find(context.Background(), "alex.rivera@example.com")
	if err != nil {
		t.Fatal(err)
	}
	button := `#members-table tr[data-user-id="` + alex.ID + `"] button[data-action=link]`
	forEachLook(t, func(t *testing.T, b *browser, l look) {
		m := b.tab(srv.url(), l.opts)
		m.signIn(mgr)
		m.open("#/cohorts/" + cid)
		m.waitState("cohort")
		m.waitFor("the members", 5*time.Second, `document.querySelector('#members-table')`)
		if got := eval[string](m, `[...document.querySelectorAll('#members-table button[data-action=link]')].map((b) => b.closest('tr').dataset.username + ': ' + b.textContent).join('; ')`); got != "alex.rivera@example.com: New invite link for Alex Rivera" {
			t.Errorf("the new link buttons: %q; want Alex Rivera's only", got)
		}
		m.shot("cohort-members", l)

		m.click("New invite link", button)
		m.waitFor("the dialog", 5*time.Second, `document.getElementById('member-link-dialog')?.open && document.activeElement?.id === 'member-link-make'`)
		if got := eval[string](m, `document.getElementById('member-link-dialog-title').textContent`); got != "New invitation link for Alex Rivera" {
			t.Errorf("the dialog's title: %q", got)
		}
		m.shot("cohort-new-link-dialog", l)
		m.axe(src, "cohort, the new link dialog, "+l.name)
		m.click("make the link", "#member-link-make")
		m.waitFor("the link, focused", 5*time.Second, `document.getElementById('member-link')?.value.includes('#/link/') && document.activeElement?.id === 'member-link'`)
		url := eval[string](m, `document.getElementById('member-link').value`)
		m.shot("cohort-new-link-made", l)
		m.axe(src, "cohort, a new link made, "+l.name)
		m.click("done", "#member-link-done")
		m.waitFor("the focus back on the button", 5*time.Second, fmt.Sprintf(`!document.getElementById('member-link-dialog').open && document.activeElement?.matches(%q)`, button))

		q := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
		q.open("#/link/" + prev)
		q.waitState("error")
		q.open("#" + strings.SplitN(url, "#", 2)[1])
		q.waitState("link")
		prev = strings.SplitN(url, "#/link/", 2)[1]
	})
	// Once Alex has chosen a password, there is no link to make.
	if _, _, err := srv.app.Server().Accounts().RedeemLink(context.Background(), prev, "a password of some length"); err != nil {
		t.Fatal(err)
	}
	m := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	m.signIn(mgr)
	m.open("#/cohorts/" + cid)
	m.waitState("cohort")
	m.waitFor("the members", 5*time.Second, `document.querySelector('#members-table tr[data-user-id="`+alex.ID+`"]')`)
	if eval[bool](m, fmt.Sprintf(`!!document.querySelector(%q)`, button)) {
		t.Errorf("a new invite link is offered for Alex, who has a password now")
	}
}
