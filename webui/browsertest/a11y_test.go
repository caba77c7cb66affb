package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley/webui/training"
)

// axeSource is axe-core's browser build, from npm (package.json here; CI
// runs npm ci in this folder first).
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "accessibility tests", "no axe-core: "+err.Error(), "install it: run npm ci in webui/browsertest")
	}
	return string(src)
}

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	URL    string    `json:"url"`
	Nodes  []axeNode `json:"nodes"`
}

// settleAnimations waits for every animation that ends to end, so that
// nothing is caught half faded in (colour contrast, screenshots).
func (p *page) settleAnimations() {
	p.t.Helper()
	eval[chromedp.Void](p, `Promise.all(document.getAnimations()
		.filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
		.map((a) => a.finished.catch(() => {})))`, chromedp.EvalAwaitPromise)
}

// axe runs axe-core on the page as it is and fails the test on any
// violation whose impact is serious or critical; lesser ones are logged.
func (p *page) axe(src, view string) {
	p.t.Helper()
	if !eval[bool](p, `typeof window.axe === 'object'`) {
		eval[chromedp.Void](p, src)
	}
	p.settleAnimations()
	violations := eval[[]axeViolation](p, `axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({
		id: v.id, impact: v.impact || '', help: v.help, url: v.helpUrl,
		nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ''})),
	})))`, chromedp.EvalAwaitPromise)
	for _, v := range violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, strings.Join(n.Target, " ")+"  "+short(n.HTML)+"\n      "+strings.ReplaceAll(short(n.Summary), "\n", " "))
		}
		msg := "%s: axe %s (%s): %s <%s>\n    %s"
		args := []any{view, v.ID, v.Impact, v.Help, v.URL, strings.Join(nodes, "\n    ")}
		if v.Impact == "serious" || v.Impact == "critical" {
			p.t.Errorf(msg, args...)
		} else {
			p.t.Logf(msg, args...)
		}
	}
	p.t.Logf("%s: axe found %d violations", view, len(violations))
}

// TestAccessibility runs axe-core on every view, in the light and the dark
// colour scheme (contrast differs): the sign-in page (empty, and with an
// error), a one-time link, the catalog (with assignments), the briefing, a
// call in progress, a call that has ended, the debrief, your account and the
// Accounts page (with its dialogs); and the manager's pages: the cohorts, a
// cohort with its review table, an attempt review with comments, a trainee,
// a heat-map, watching a call (and the call being watched), and the
// trainee's debrief with their reviewer's notes. It also checks the live
// regions the conversation relies on.
func TestAccessibility(t *testing.T) {
	src := axeSource(t)
	srv := startServer(t)
	ada := srv.account("ada", "Ada Access", training.Roles(training.RoleTrainee|training.RoleAdmin))
	srv.legacy("Lee from before", 1)
	f := srv.reviewFixture(ada)
	for _, dark := range []bool{false, true} {
		t.Run(map[bool]string{false: "light", true: "dark"}[dark], func(t *testing.T) {
			b := newBrowser(t)
			p := b.tab(srv.url(), tabOptions{reducedMotion: true, dark: dark})
			p.open("")
			if got := eval[bool](p, `matchMedia('(prefers-color-scheme: dark)').matches`); got != dark {
				t.Fatalf("prefers-color-scheme: dark matches = %v, want %v: the emulation did not take", got, dark)
			}
			checkAccountPages(t, src, srv, p, ada)
			checkAccessibility(t, src, p)
			checkManagerPages(t, src, b, srv, f, dark)
		})
	}
}

// checkManagerPages runs axe on the manager's pages, and on the trainee's
// side of them, each in a browser context of its own.
func checkManagerPages(t *testing.T, src string, b *browser, srv *server, f reviewFixture, dark bool) {
	t.Helper()
	m := b.tab(srv.url(), tabOptions{reducedMotion: true, dark: dark, fresh: true})
	m.signIn(f.manager)
	m.waitState("cohorts")
	m.axe(src, "cohorts")
	m.open("#/cohorts/" + f.cohort)
	m.waitState("cohort")
	m.waitFor("the review table", 5*time.Second, `document.querySelector('#review-table [data-testid=review-cell][data-status=passed]')`)
	m.axe(src, "cohort, with its review table")
	m.click("change an assignment", `[data-testid=assigned] button[data-action=edit]`)
	m.waitFor("the dialog", 5*time.Second, `document.getElementById('edit-dialog')?.open`)
	m.axe(src, "cohort, changing an assignment")
	m.click("cancel", "#edit-cancel")

	m.open("#/review/" + f.reviewed + f.query())
	m.waitState("review")
	m.click("comment on turn 3", `[data-action=comment][data-turn="3"]`)
	m.axe(src, "attempt review with comments, a comment form open")
	m.open("#/trainees/" + f.traineeID + "?cohort=" + f.cohort)
	m.waitState("trainee")
	m.waitFor("the trends", 5*time.Second, `document.querySelector('[data-testid=trend] svg')`)
	m.axe(src, "trainee")
	m.open("#/cohorts/" + f.cohort + "/scenarios/" + f.scenario)
	m.waitState("heatmap")
	m.axe(src, "heat-map")

	tr := b.tab(srv.url(), tabOptions{reducedMotion: true, dark: dark, fresh: true})
	tr.signIn(f.trainee)
	tr.waitState("catalog")
	tr.axe(src, "catalog with assignments, one overdue")
	tr.open("#/a/" + f.active)
	tr.settle(2)
	m.open("#/watch/" + f.active + f.query())
	m.waitState("watch")
	m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active'`)
	m.axe(src, "watching a call")
	tr.waitFor("who is watching", 10*time.Second, `document.getElementById('watchers')?.textContent.includes('is watching')`)
	tr.axe(src, "a call being watched")
	tr.open("#/a/" + f.reviewed + "/debrief")
	tr.waitState("debrief")
	tr.waitFor("the reviewer's notes", 5*time.Second, `document.getElementById('reviewer-notes') && document.querySelector('#turn-2 [data-testid=comment]')`)
	tr.axe(src, "debrief with the reviewer's comments and sharing")
}

// checkAccountPages runs axe on the pages of accounts: signing in (and a
// failed attempt), a one-time link, your account, and the Accounts page
// with a new person's link and the roles dialog open. It ends signed in as
// u, an admin who practises.
func checkAccountPages(t *testing.T, src string, srv *server, p *page, u user) {
	t.Helper()
	p.waitState("login")
	p.axe(src, "sign in")
	p.typeSignIn(u.Username, "not the password at all")
	p.waitFor("the sign-in error", 10*time.Second, `document.getElementById('login-error')?.textContent.trim()`)
	p.axe(src, "sign in, with a wrong password")

	scheme := t.Name()[strings.LastIndex(t.Name(), "/")+1:] // light or dark: usernames differ
	invite := srv.invite("new-"+scheme, "New Person")
	p.open("#/link/" + invite)
	p.waitState("link")
	p.axe(src, "one-time link")
	p.do("submit two passwords that differ", chromedp.SendKeys(chromedp.CSS("#link-password"), "twelve chars or more"),
		chromedp.SendKeys(chromedp.CSS("#link-confirm"), "something else entirely"), chromedp.Click(chromedp.CSS("#link-submit")))
	p.waitFor("the mismatch", 5*time.Second, `document.getElementById('link-confirm-error')?.textContent.trim()`)
	p.axe(src, "one-time link, passwords that differ")

	p.signIn(u)
	p.open("#/account")
	p.waitState("account")
	p.axe(src, "your account")

	p.open("#/admin/accounts")
	p.waitState("accounts")
	p.waitFor("the practice from before accounts", 5*time.Second, `document.querySelector('#legacy [data-testid=legacy]')`)
	p.axe(src, "accounts")
	p.addPerson("sam-"+scheme, "Sam Axe", "trainee")
	p.axe(src, "accounts, a person added with their link")
	p.do("open the roles dialog", chromedp.Click(chromedp.CSS(`tr[data-me=true] button[data-action=roles]`)))
	p.waitFor("the roles dialog", 5*time.Second, `document.getElementById('roles-dialog')?.open`)
	p.axe(src, "accounts, the roles dialog")
	p.do("close the roles dialog", chromedp.Click(chromedp.CSS("#roles-cancel")))
}

func checkAccessibility(t *testing.T, src string, p *page) {
	p.open("")
	p.waitState("catalog")
	p.axe(src, "catalog")

	p.open("#/s/late-shipment")
	p.waitState("briefing")
	p.axe(src, "briefing")

	sc, plan := misleadingPath(t)
	c := p.follow(p.begin(sc.ID), plan, 2, true)
	p.axe(src, "conversation")
	// The briefing beside the call, the other way round (open on a wide
	// screen unless closed before), and the number keys switched off.
	p.toggleBriefing()
	p.do("turn the number keys off", chromedp.Click(chromedp.CSS("#number-keys")))
	p.axe(src, "conversation, briefing toggled, number keys off")
	p.do("turn the number keys on", chromedp.Click(chromedp.CSS("#number-keys")))
	p.toggleBriefing()
	roles := eval[map[string]string](p, `({
		transcriptRole: document.getElementById('transcript')?.getAttribute('role') || '',
		transcriptLive: document.getElementById('transcript')?.getAttribute('aria-live') || '',
		typingRole: document.getElementById('typing')?.getAttribute('role') || '',
		connRole: document.getElementById('conn-status')?.getAttribute('role') || '',
	})`)
	if roles["transcriptRole"] != "log" || (roles["transcriptLive"] != "polite" && roles["transcriptLive"] != "assertive") {
		t.Errorf("#transcript has role=%q aria-live=%q, want role=log and aria-live", roles["transcriptRole"], roles["transcriptLive"])
	}
	if roles["typingRole"] != "status" {
		t.Errorf("#typing has role=%q, want status", roles["typingRole"])
	}
	if roles["connRole"] != "status" {
		t.Errorf("#conn-status has role=%q, want status", roles["connRole"])
	}

	p.follow(c, plan, len(plan), true)
	p.axe(src, "conversation, ended")
	p.toDebrief()
	p.axe(src, "debrief (unsuccessful ending, verdicts, stronger and best-left replies, a closed reply, what decided the ending, the mood note)")

	// A practice run from a late turn, played to the same ending: its
	// debrief has the practice banner as well.
	p.follow(p.practise(len(plan)-1), plan, len(plan), true)
	p.axe(src, "practice run, ended")
	p.toDebrief()
	p.waitFor("the decisive variables, the mood note and the practice banner", 5*time.Second, debriefPartsJS)
	p.axe(src, "debrief of a practice run with what decided the ending, the mood note and the practice banner")
	p.open("#/")
	p.waitState("catalog")
	p.waitFor("the practice label", 5*time.Second, `document.querySelector('[data-testid=attempt][data-practice=true]')`)
	p.axe(src, "catalog with a practice run")

	// A call stopped early.
	other := scenario(t, "defective-part")
	p.follow(p.begin(other.ID), longPath(t, other, 2, 4), 2, true)
	p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
	p.waitState("debrief")
	p.axe(src, "debrief of an incomplete call")
	p.open("#/")
	p.waitState("catalog")
	p.axe(src, "catalog with an attempt stopped early")
}
