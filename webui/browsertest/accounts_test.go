package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/webui/training"
)

// The pages of accounts (docs/accounts.md): signing in and out, one-time
// links, the Accounts page, the roles in the UI and the claim of practice
// from before accounts.

// xssName is a display name that is markup: it must show as text wherever
// a name is shown, and never run.
const xssName = `<img src=x onerror=window.__xss=1>`

var trainee = training.Roles(training.RoleTrainee)

// invite makes an account with no password and a one-time invitation link
// for it, as an admin would; it returns the link's token.
func (s *server) invite(username, name string) string {
	s.t.Helper()
	ctx := context.Background()
	acc, err := s.app.Server().Accounts().Create(ctx, training.NewAccount{Username: username, DisplayName: name, Roles: trainee})
	if err != nil {
		s.t.Fatalf("create account %s: %v", username, err)
	}
	token, _, err := s.app.Server().Accounts().IssueLink(ctx, training.LinkInvite, acc.ID, "")
	if err != nil {
		s.t.Fatalf("a link for %s: %v", username, err)
	}
	return token
}

// disable disables an account, as an admin would.
func (s *server) disable(username string) {
	s.t.Helper()
	ctx := context.Background()
	acc, err := s.app.Server().Accounts().Find(ctx, username)
	if err == nil {
		err = s.app.Server().Accounts().SetDisabled(ctx, acc.ID, true)
	}
	if err != nil {
		s.t.Fatalf("disable %s: %v", username, err)
	}
}

// addPerson fills in the Accounts page's "Add a person" form (the roles
// checked exactly as given) and returns the invitation link it shows.
func (p *page) addPerson(username, name string, roles ...string) string {
	p.t.Helper()
	p.do("fill in Add a person", emptyInput("#add-username"), chromedp.SendKeys(chromedp.CSS("#add-username"), username),
		emptyInput("#add-name"), chromedp.SendKeys(chromedp.CSS("#add-name"), name))
	eval[chromedp.Void](p, fmt.Sprintf(`(() => {
		const want = %q.split(',');
		for (const b of document.querySelectorAll('#add-form input[name=role]')) if (b.checked !== want.includes(b.value)) b.click();
	})()`, strings.Join(roles, ",")))
	p.do("add the person", chromedp.Click(chromedp.CSS("#add-submit")))
	p.waitFor("the invitation link", 10*time.Second, `document.getElementById('add-link')?.value.includes('#/link/')`)
	return eval[string](p, `document.getElementById('add-link').value`)
}

// accountRow is a row of the Accounts table.
type accountRow struct {
	Username string `json:"username"`
	Status   string `json:"status"` // active, no-password or disabled
	Roles    string `json:"roles"`
	Name     string `json:"name"` // [data-testid=account-name]'s text
	Status2  string `json:"statusText"`
	Images   int    `json:"images"`
}

func (p *page) accountRow(username string) accountRow {
	p.t.Helper()
	return eval[accountRow](p, fmt.Sprintf(`(() => {
		const r = document.querySelector('#accounts-table tr[data-username=%q]');
		if (!r) return {};
		return {username: r.dataset.username, status: r.dataset.status, roles: r.dataset.roles,
			name: r.querySelector('[data-testid=account-name]')?.firstChild?.textContent || '',
			statusText: r.querySelector('[data-testid=account-status]')?.textContent.trim() || '',
			images: r.querySelectorAll('img').length};
	})()`, username))
}

// rowAction clicks an action button of an account's row.
func (p *page) rowAction(username, action string) {
	p.t.Helper()
	p.do(action+" "+username, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#accounts-table tr[data-username=%q] button[data-action=%q]`, username, action))))
}

// noMarkupRan fails the test if the markup of xssName became an element or
// ran anywhere on the page.
func (p *page) noMarkupRan(where string) {
	p.t.Helper()
	if n := eval[int](p, `document.querySelectorAll('img:not(.brand__mark)').length + (window.__xss ? 1000 : 0)`); n != 0 {
		p.t.Errorf("%s: a display name with markup made %d <img> elements (1000 or more: its script ran)", where, n)
	}
}

// TestSignInAndOut signs a trainee in through the sign-in page, which
// stands in for the briefing they were headed to: after too many failures
// for another username it shows the server's wait; a wrong password first
// (the error is shown, tied to the fields, and the focus is on the
// password), then the right one (on to the briefing). The header shows
// their name, which is markup, as text, and no Accounts link; #/name is
// now #/account; the Accounts page says it is not for them. Signing out shows the sign-in page, and
// Back shows it again rather than what was there. Then the session ends in
// the middle of a call (signed out in another tab): the call gives way to
// the sign-in page, and signing in again resumes it.
func TestSignInAndOut(t *testing.T) {
	srv := startServer(t)
	u := srv.account("rae", xssName, trainee)
	b := newBrowser(t)
	p := b.tab(srv.url(), tabOptions{reducedMotion: true})

	p.open("#/s/late-shipment")
	p.waitState("login")
	if got := eval[string](p, `location.hash`); got != "#/s/late-shipment" {
		t.Errorf("signed out, the briefing's address became %q; want it kept while signing in", got)
	}

	// Too many failed logins for one username: the server's message says
	// how long to wait.
	for i := range 5 {
		p.typeSignIn("ghost", "guess number "+fmt.Sprint(i))
		p.waitFor("the sign-in error", 10*time.Second, `document.getElementById('login-error')?.textContent.trim()`)
		eval[chromedp.Void](p, `document.getElementById('login-error').replaceChildren()`)
		p.do("focus the username", chromedp.Focus(chromedp.CSS("#login-username")))
	}
	p.typeSignIn("ghost", "one more guess")
	p.waitFor("the sign-in error", 10*time.Second, `document.getElementById('login-error')?.textContent.trim()`)
	if got := eval[string](p, `document.getElementById('login-error').textContent`); !strings.Contains(got, "Too many failed logins: wait 15 minutes") {
		t.Errorf("after too many failed logins the sign-in page says %q; want the server's message, with the wait in words", got)
	}
	p.do("focus the username", chromedp.Focus(chromedp.CSS("#login-username")))

	p.typeSignIn(u.Username, "not the password, sorry")
	p.waitFor("the sign-in error", 10*time.Second, `document.getElementById('login-error')?.textContent.trim()`)
	type form struct {
		State, Error, Focus, Password, Username string
		Invalid, Described                      []bool
	}
	f := eval[form](p, `(() => {
		const $ = (id) => document.getElementById(id);
		const fields = [$('login-username'), $('login-password')];
		return {State: $('main').dataset.state, Error: $('login-error').textContent.trim(), Focus: document.activeElement?.id || '',
			Password: $('login-password').value, Username: $('login-username').value,
			Invalid: fields.map((f) => f.getAttribute('aria-invalid') === 'true'),
			Described: fields.map((f) => (f.getAttribute('aria-describedby') || '').split(' ').includes('login-error'))};
	})()`)
	if f.State != "login" || !strings.Contains(f.Error, "don’t match") {
		t.Errorf("after a wrong password: view %q, error %q; want the sign-in page saying they don’t match", f.State, f.Error)
	}
	if f.Focus != "login-password" || f.Password != "" || f.Username != u.Username {
		t.Errorf("after a wrong password: focus on #%s, password %q, username %q; want the emptied password focused, the username kept", f.Focus, f.Password, f.Username)
	}
	for i, name := range []string{"username", "password"} {
		if !f.Invalid[i] || !f.Described[i] {
			t.Errorf("after a wrong password the %s field has aria-invalid %v, described by the error %v; want both", name, f.Invalid[i], f.Described[i])
		}
	}
	if role := eval[string](p, `document.getElementById('login-error').getAttribute('role')`); role != "alert" {
		t.Errorf("#login-error has role %q, want alert", role)
	}

	p.key(u.Password)
	p.key(kb.Enter)
	p.waitState("briefing")
	if got := eval[string](p, `location.hash`); got != "#/s/late-shipment" {
		t.Errorf("signed in, the address is %q; want the briefing they were headed to", got)
	}
	p.waitFor("the name in the header", 5*time.Second, fmt.Sprintf(`document.getElementById('user-name')?.textContent === %q`, xssName))
	p.noMarkupRan("the header")
	if eval[bool](p, `!document.getElementById('nav-accounts').hidden || !!document.getElementById('nav-accounts').offsetParent`) {
		t.Errorf("a trainee sees the Accounts link")
	}

	p.open("#/name") // the name page of before accounts
	p.waitState("account")
	if got := eval[string](p, `location.hash + ' ' + document.getElementById('name-input').value`); got != "#/account "+xssName {
		t.Errorf("#/name shows %q; want #/account with the name to change", got)
	}

	p.open("#/admin/accounts")
	p.waitState("error")
	if code := eval[string](p, `document.getElementById('problem')?.dataset.code || ''`); code != "forbidden" {
		t.Errorf("a trainee on #/admin/accounts gets the problem %q, want forbidden", code)
	}
	if eval[bool](p, `!!document.getElementById('accounts-table')`) {
		t.Errorf("a trainee sees the accounts table")
	}

	p.do("sign out", chromedp.Click(chromedp.CSS("#sign-out")))
	p.waitState("login")
	out := eval[map[string]any](p, `({hash: location.hash, slot: document.getElementById('user-slot').hidden,
		reason: document.getElementById('login-reason')?.textContent || '', name: document.getElementById('user-name').textContent})`)
	if out["hash"] != "#/login" || out["slot"] != true || out["name"] != "" || !strings.Contains(out["reason"].(string), "signed out") {
		t.Errorf("after signing out: %v; want #/login, the header's user hidden and emptied, and a word that they signed out", out)
	}
	if status := eval[int](p, `fetch('/api/me').then((r) => r.status)`, chromedp.EvalAwaitPromise); status != 401 {
		t.Errorf("after signing out GET /api/me answers %d, want 401", status)
	}
	p.do("go back", chromedp.NavigateBack())
	p.waitFor("the address before signing out", 5*time.Second, `location.hash === '#/admin/accounts'`)
	p.waitState("login")
	if eval[bool](p, `!!document.querySelector('#problem, #briefing, #attempts') || !document.getElementById('user-slot').hidden || document.getElementById('main').textContent.includes('img src')`) {
		t.Errorf("Back after signing out shows what was there before: %s", p.describe())
	}

	// The session ends under a call.
	p.typeSignIn(u.Username, u.Password)
	p.waitState("error") // back where they were: the forbidden page
	c := p.begin("late-shipment")
	id := p.attemptID()
	other := b.tab(srv.url(), tabOptions{reducedMotion: true})
	other.open("#/account")
	other.waitState("account")
	if status := eval[int](other, `fetch('/api/logout', {method: 'POST'}).then((r) => r.status)`, chromedp.EvalAwaitPromise); status != 204 {
		t.Fatalf("POST /api/logout answered %d, want 204", status)
	}
	p.waitState("login")
	if got := eval[string](p, `location.hash`); got != "#/a/"+id {
		t.Errorf("when the session ended the address became %q; want the call's, #/a/%s", got, id)
	}
	if reason := eval[string](p, `document.getElementById('login-reason')?.textContent || ''`); !strings.Contains(reason, "session has ended") {
		t.Errorf("the sign-in page says %q when the session ended; want it to say so", reason)
	}
	p.typeSignIn(u.Username, u.Password)
	p.waitState("conversation")
	after := p.settle(0)
	if sameLines(c.Lines, after.Lines) != "" || p.attemptID() != id {
		t.Errorf("signed in again, the call is not the one left: %s", sameLines(c.Lines, after.Lines))
	}
}

// TestFirstRunAndInvitation sets Parley up from the first run's link (a
// password too short, then two that differ, are caught before anything is
// sent; then the admin is signed in and the token is gone from the
// address), then on the Accounts page: the server refuses the admin taking
// their own admin role or disabling themselves, and the page shows why; the
// admin adds a person whose name is markup (shown as text), and that person
// opens the invitation in another browser, chooses a password and lands on
// the catalog. The admin disables them (their session ends), enables them,
// makes them a new link, and gives them practice from before accounts.
func TestFirstRunAndInvitation(t *testing.T) {
	srv := startServer(t)
	link := srv.app.SetupLink()
	if !strings.Contains(link, "/#/link/") {
		t.Fatalf("the first run issued no setup link: %q", link)
	}
	token := link[strings.Index(link, "/#/link/")+len("/#/link/"):]
	b := newBrowser(t)
	admin := b.tab(srv.url(), tabOptions{reducedMotion: true})
	admin.do("open the setup link", chromedp.Navigate(link))
	admin.waitState("link")
	if got := eval[string](admin, `document.getElementById('link-panel')?.dataset.purpose + ': ' + document.querySelector('#main h1')?.textContent`); !strings.HasPrefix(got, "setup: ") || !strings.Contains(got, "administrator") {
		t.Errorf("the setup link's page says %q; want the setup, about the administrator's password", got)
	}
	if got := eval[string](admin, `document.activeElement?.id`); got != "link-password" {
		t.Errorf("the focus is on #%s on the link's page, want the new password", got)
	}

	admin.key("too short")
	admin.key(kb.Enter)
	admin.waitFor("the length rule", 5*time.Second, `document.getElementById('link-password-error')?.textContent.includes('12')`)
	if got := eval[string](admin, `document.activeElement?.id + ' ' + document.getElementById('link-password').getAttribute('aria-invalid')`); got != "link-password true" {
		t.Errorf("a short password: focus and aria-invalid %q, want the password field, invalid", got)
	}
	const pw = "three blind mice see"
	admin.do("type a long password and another", emptyInput("#link-password"), chromedp.SendKeys(chromedp.CSS("#link-password"), pw),
		chromedp.SendKeys(chromedp.CSS("#link-confirm"), pw+"!"), chromedp.Click(chromedp.CSS("#link-submit")))
	admin.waitFor("the mismatch", 5*time.Second, `document.getElementById('link-confirm-error')?.textContent.includes('match')`)
	if got := eval[string](admin, `document.activeElement?.id`); got != "link-confirm" {
		t.Errorf("passwords that differ: the focus is on #%s, want the second field", got)
	}
	if still := eval[int](admin, fmt.Sprintf(`fetch('/api/links/%s').then((r) => r.status)`, token), chromedp.EvalAwaitPromise); still != 200 {
		t.Errorf("the link answers %d after the client-side refusals, want 200: nothing should have been sent", still)
	}
	admin.do("type the same password again", emptyInput("#link-confirm"), chromedp.SendKeys(chromedp.CSS("#link-confirm"), pw),
		chromedp.Click(chromedp.CSS("#link-submit")))
	admin.waitState("catalog") // the first admin has every role
	if got := eval[string](admin, `location.href`); strings.Contains(got, token) || !strings.HasSuffix(got, "#/") {
		t.Errorf("after the setup link was used the address is %q; want #/, without the token", got)
	}
	admin.waitFor("admin in the header, with the Accounts link", 5*time.Second,
		`document.getElementById('user-name').textContent === 'Administrator' && !document.getElementById('nav-accounts').hidden`)

	// A used link says so.
	again := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	again.do("open the used link", chromedp.Navigate(link))
	again.waitState("error")
	if code := eval[string](again, `document.getElementById('problem')?.dataset.code`); code != "link_invalid" {
		t.Errorf("a used link shows the problem %q, want link_invalid", code)
	}

	admin.do("follow Accounts", chromedp.Click(chromedp.CSS("#nav-accounts")))
	admin.waitState("accounts")
	if r := admin.accountRow("admin"); r.Status != "active" || r.Roles != "trainee,trainer,manager,admin" {
		t.Errorf("the admin's row: %+v", r)
	}

	// The server refuses; the page says why.
	admin.rowAction("admin", "roles")
	admin.waitFor("the roles dialog", 5*time.Second, `document.getElementById('roles-dialog')?.open`)
	admin.do("untick admin and save", chromedp.Click(chromedp.CSS("#role-edit-admin")), chromedp.Click(chromedp.CSS("#roles-save")))
	admin.waitFor("the server's refusal", 5*time.Second, `document.getElementById('roles-dialog-error')?.textContent.includes('admin role from yourself')`)
	admin.do("cancel", chromedp.Click(chromedp.CSS("#roles-cancel")))
	// Disabling oneself is never offered (the server would refuse it too).
	if got := eval[string](admin, `[...document.querySelectorAll('#accounts-table tr[data-me=true] button')].map((b) => b.dataset.action).join(',')`); got != "roles,link" {
		t.Errorf("the admin's own row offers %q, want roles,link and no disable", got)
	}
	if r := admin.accountRow("admin"); r.Status != "active" || r.Roles != "trainee,trainer,manager,admin" {
		t.Errorf("after the refusals the admin's row is %+v", r)
	}

	// A new person, whose name is markup.
	invitation := admin.addPerson("sam@example.com", xssName, "trainee", "manager")
	if r := admin.accountRow("sam@example.com"); r.Status != "no-password" || r.Name != xssName || r.Roles != "trainee,manager" || r.Status2 != "No password yet" {
		t.Errorf("the new person's row: %+v; want no password yet, the name as text, trainee and manager", r)
	}
	admin.noMarkupRan("the accounts table")
	if got := eval[string](admin, `document.getElementById('add-result')?.textContent || ''`); !strings.Contains(got, "Works once, until") {
		t.Errorf("the invitation does not say until when it works: %q", got)
	}

	sam := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	sam.do("open the invitation", chromedp.Navigate(invitation))
	sam.waitState("link")
	if got := eval[string](sam, `document.getElementById('link-panel')?.dataset.purpose + ': ' + document.querySelector('#main h1')?.textContent`); got != "invite: Welcome, "+xssName {
		t.Errorf("the invitation's page says %q", got)
	}
	sam.noMarkupRan("the invitation")
	const samPW = "sam's own passphrase"
	sam.key(samPW)
	sam.key(kb.Tab) // the Show button
	sam.key(kb.Tab)
	sam.key(samPW)
	sam.key(kb.Enter)
	sam.waitState("catalog")
	if got := eval[string](sam, `location.hash + ' ' + document.getElementById('user-name').textContent`); got != "#/ "+xssName {
		t.Errorf("after the invitation: %q", got)
	}
	sam.noMarkupRan("the header after the invitation")

	admin.do("reload", chromedp.Reload())
	admin.waitState("accounts")
	if r := admin.accountRow("sam@example.com"); r.Status != "active" {
		t.Errorf("once the invitation is used the row says %+v, want active", r)
	}
	admin.rowAction("sam@example.com", "disable")
	admin.waitFor("the disable dialog", 5*time.Second, `document.getElementById('disable-dialog')?.open`)
	admin.do("confirm", chromedp.Click(chromedp.CSS("#disable-confirm")))
	admin.waitFor("Sam disabled", 5*time.Second, `document.querySelector('#accounts-table tr[data-username="sam@example.com"]')?.dataset.status === 'disabled'`)
	if got := eval[string](admin, `document.activeElement?.dataset.action || document.activeElement?.id`); got != "enable" {
		t.Errorf("after disabling, the focus is on %q; want the row's Enable", got)
	}
	sam.open("#/s/late-shipment")
	sam.waitState("login")
	admin.rowAction("sam@example.com", "enable")
	admin.waitFor("Sam enabled", 5*time.Second, `document.querySelector('#accounts-table tr[data-username="sam@example.com"]')?.dataset.status === 'active'`)

	admin.rowAction("sam@example.com", "link")
	admin.waitFor("the link dialog", 5*time.Second, `document.getElementById('link-dialog')?.open`)
	admin.do("make the link", chromedp.Click(chromedp.CSS("#link-make")))
	admin.waitFor("the new link", 5*time.Second, `document.getElementById('new-link')?.value.includes('#/link/')`)
	if got := eval[string](admin, `document.querySelector('#link-dialog .link-result')?.dataset.purpose`); got != "reset" {
		t.Errorf("a new link for someone with a password is %q, want reset", got)
	}
	admin.do("close the dialog", chromedp.Click(chromedp.CSS("#link-done")))

	// Practice from before accounts, given to Sam.
	old := srv.legacy("Sam before", 2)
	admin.do("reload", chromedp.Reload())
	admin.waitState("accounts")
	row := fmt.Sprintf(`#legacy-table tr[data-legacy-id=%q]`, old)
	admin.waitFor("the practice from before accounts", 5*time.Second, fmt.Sprintf(`document.querySelector(%q)`, row))
	admin.do("choose Sam", chromedp.SetValue(chromedp.CSS(row+" select"), "sam@example.com"), chromedp.Click(chromedp.CSS(row+" button[data-action=assign]")))
	admin.waitFor("the confirmation", 5*time.Second, `document.getElementById('assign-dialog')?.open`)
	admin.do("confirm", chromedp.Click(chromedp.CSS("#assign-confirm")))
	admin.waitFor("the practice given", 5*time.Second, fmt.Sprintf(`!document.querySelector(%q) && document.getElementById('accounts-status').textContent.includes('2 practice calls')`, row))
	sam.typeSignIn("sam@example.com", samPW)
	sam.waitState("briefing")
	sam.open("#/")
	sam.waitState("catalog")
	if n := eval[int](sam, `document.querySelectorAll('[data-testid=attempt]').length`); n != 2 {
		t.Errorf("Sam has %d attempts after the practice from before accounts was given to them, want 2", n)
	}
}

// TestClaimPrompt signs in on a browser that still holds the cookie of a
// user from before accounts: the catalog offers their practice ("Not now"
// hides the offer for the session), and taking it lists their attempts.
func TestClaimPrompt(t *testing.T) {
	srv := startServer(t)
	old := srv.legacy("Kim from before", 2)
	kim := srv.trainee("Kim Claim")
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.open("")
	p.waitState("login")
	eval[chromedp.Void](p, fmt.Sprintf(`document.cookie = 'parley_user=%s; path=/; SameSite=Lax'`, old))
	p.signIn(kim)
	p.waitState("catalog")
	p.waitFor("the offer", 5*time.Second, `document.getElementById('claim')`)
	const want = "We found 2 practice calls from before accounts, under the name “Kim from before”. Add them to your account?"
	if got := eval[string](p, `document.getElementById('claim-text').textContent`); got != want {
		t.Errorf("the offer says %q, want %q", got, want)
	}
	if n := eval[int](p, `document.querySelectorAll('[data-testid=attempt]').length`); n != 0 {
		t.Errorf("%d attempts listed before the claim, want 0", n)
	}

	p.do("not now", chromedp.Click(chromedp.CSS("#claim-dismiss")))
	p.waitFor("the offer gone", 5*time.Second, `!document.getElementById('claim') && document.activeElement?.tagName === 'H1'`)
	p.do("reload", chromedp.Reload())
	p.waitState("catalog")
	if eval[bool](p, `!!document.getElementById('claim')`) {
		t.Errorf("the offer is back after a reload, though dismissed for this session")
	}
	eval[chromedp.Void](p, `sessionStorage.clear()`)
	p.do("reload", chromedp.Reload())
	p.waitState("catalog")
	p.waitFor("the offer", 5*time.Second, `document.getElementById('claim')`)
	p.do("take it", chromedp.Click(chromedp.CSS("#claim-accept")))
	p.waitFor("the attempts from before accounts", 10*time.Second,
		`!document.getElementById('claim') && document.querySelectorAll('[data-testid=attempt]').length === 2`)
	if got := eval[string](p, `document.getElementById('notice').textContent`); !strings.Contains(got, "2 practice calls") {
		t.Errorf("the notice after the claim says %q", got)
	}
	type me struct {
		Legacy *struct{ ID string } `json:"legacy"`
	}
	if m := fetchJSON[me](p, "/api/me"); m.Legacy != nil {
		t.Errorf("after the claim /api/me still offers %+v", m.Legacy)
	}
}

// TestYourAccount changes the display name (the header follows) and the
// password on #/account: a wrong current password is refused by the server
// and said at its field; the right one changes it, and a call open in
// another tab of the same browser carries on (its connection was closed
// with the old session; the browser holds the new one). The new password
// signs in.
func TestYourAccount(t *testing.T) {
	srv := startServer(t)
	u := srv.trainee("Val Account")
	b := newBrowser(t)
	p := b.tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(u)
	callTab := b.tab(srv.url(), tabOptions{reducedMotion: true})
	c := callTab.begin("late-shipment")

	p.do("follow Your account", chromedp.Click(chromedp.CSS("#nav-account")))
	p.waitState("account")
	if got := eval[string](p, `document.activeElement?.tagName + ' ' + document.getElementById('account-username').textContent`); got != "H1 "+u.Username {
		t.Errorf("on Your account: focus and username %q, want the heading and %s", got, u.Username)
	}
	p.do("rename", emptyInput("#name-input"), chromedp.SendKeys(chromedp.CSS("#name-input"), "Valentina"), chromedp.Click(chromedp.CSS("#name-save")))
	p.waitFor("the new name in the header and the status", 5*time.Second,
		`document.getElementById('user-name').textContent === 'Valentina' && document.getElementById('name-status').textContent.includes('Saved')`)

	const fresh = "a brand new passphrase"
	p.do("type a wrong current password", chromedp.SendKeys(chromedp.CSS("#password-current"), "not my password"),
		chromedp.SendKeys(chromedp.CSS("#password-new"), fresh), chromedp.SendKeys(chromedp.CSS("#password-confirm"), fresh),
		chromedp.Click(chromedp.CSS("#password-save")))
	p.waitFor("the refusal at the current password", 5*time.Second,
		`document.getElementById('password-current-error').textContent.includes('current password') && document.activeElement?.id === 'password-current'`)
	eval[chromedp.Void](callTab, `window.__before = document.getElementById('call')`)
	p.do("type the right one", chromedp.SendKeys(chromedp.CSS("#password-current"), u.Password), chromedp.Click(chromedp.CSS("#password-save")))
	p.waitFor("the password changed", 5*time.Second, `document.getElementById('password-status').textContent.includes('password is changed')`)
	// The button was disabled while it worked; the focus is on the news, not lost to <body>.
	p.waitFor("the focus on the status", 2*time.Second, `document.activeElement?.id === 'password-status'`)
	if v := eval[string](p, `['password-current', 'password-new', 'password-confirm'].map((id) => document.getElementById(id).value).join('')`); v != "" {
		t.Errorf("the password fields still hold %q after the change", v)
	}

	// The call in the other tab carries on, on the new session.
	callTab.waitFor("the call drawn again", 15*time.Second, `document.getElementById('main').dataset.state !== 'conversation' || (document.getElementById('call') !== window.__before && document.getElementById('call')?.dataset.connected === 'true')`)
	next := callTab.settle(0)
	if next.State != "conversation" || sameLines(c.Lines, next.Lines) != "" {
		t.Errorf("after the password changed in another tab the call shows %q: %s", next.State, callTab.describe())
	}
	callTab.choose(next, next.Replies[0].ID, false)

	p.do("sign out", chromedp.Click(chromedp.CSS("#sign-out")))
	p.waitState("login")
	p.signIn(user{Username: u.Username, Name: "Valentina", Password: fresh})
}
