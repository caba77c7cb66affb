package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"parley/engine"
	"parley/webui/training"
)

// TestScreenshots saves full-page PNGs of every view, on a desktop and on
// a phone, into the folder PARLEY_SCREENSHOTS names: they are for people
// to look at, not assertions. Without the variable the test skips.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set PARLEY_SCREENSHOTS=DIR to save screenshots of every view")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sc, plan := misleadingPath(t)
	srv := startServer(t)
	// Morgan practises and administers; the Accounts page lists people in
	// every state, and practice from before accounts.
	morgan := srv.account("morgan", "Morgan", training.Roles(training.RoleTrainee|training.RoleAdmin))
	srv.account("sam@example.com", "Sam Patel", training.Roles(training.RoleTrainee|training.RoleManager))
	ola := srv.account("ola", "Ola Okafor", training.Roles(training.RoleAdmin|training.RoleManager))
	gone := srv.account("former", "Former Trainee", trainee)
	srv.disable(gone.Username)
	invite := srv.invite("alex.rivera@example.com", "Alex Rivera")
	legacy := srv.legacy("Lee from before", 2)
	// A cohort Morgan is in, with something to review.
	f := srv.reviewFixture(morgan)
	b := newBrowser(t)
	variants := []struct {
		name string
		opts tabOptions
	}{
		{"1280x900", tabOptions{reducedMotion: true}},
		{"390x844", tabOptions{reducedMotion: true, phone: true}},
		{"1280x900-dark", tabOptions{reducedMotion: true, dark: true}},
		{"390x844-dark", tabOptions{reducedMotion: true, phone: true, dark: true}},
	}
	for i, v := range variants {
		shoot := func(p *page, view string) {
			t.Helper()
			p.settleAnimations()
			if overflow := eval[int](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); overflow > 0 {
				t.Logf("%s at %s: the page is %dpx wider than the viewport (it scrolls sideways)", view, v.name, overflow)
			}
			name := filepath.Join(dir, view+"-"+v.name+".png")
			if err := os.WriteFile(name, p.fullPage(v.opts), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("saved %s", name)
		}

		// Signed out, in a browser of its own: signing in, a wrong
		// password, an invitation, a link that no longer works; then the
		// home page of someone who does not practise.
		fresh := v.opts
		fresh.fresh = true
		q := b.tab(srv.url(), fresh)
		q.open("")
		q.waitState("login")
		shoot(q, "login")
		q.typeSignIn(morgan.Username, "not the right one")
		q.waitFor("the sign-in error", 10*time.Second, `document.getElementById('login-error')?.textContent.trim()`)
		shoot(q, "login-error")
		q.open("#/link/" + invite)
		q.waitState("link")
		shoot(q, "link-invite")
		q.open("#/link/no-such-link")
		q.waitState("error")
		shoot(q, "link-invalid")
		q.signIn(ola) // lands on the Accounts page
		q.open("#/")
		q.waitState("home")
		shoot(q, "home-admin-manager")

		// One browser for the rest: the later variants find Morgan signed
		// in and the earlier attempts listed.
		p := b.tab(srv.url(), v.opts)
		shot := func(view string) { t.Helper(); shoot(p, view) }
		if i == 0 {
			p.signIn(morgan)
		}
		p.open("#/account")
		p.waitState("account")
		shot("account")
		p.open("#/admin/accounts")
		p.waitState("accounts")
		shot("accounts")
		p.addPerson("new-"+v.name, "Robin Newcomer", "trainee")
		shot("accounts-added")
		p.do("open the roles dialog", chromedp.Click(chromedp.CSS(`#accounts-table tr[data-username="sam@example.com"] button[data-action=roles]`)))
		p.waitFor("the roles dialog", 5*time.Second, `document.getElementById('roles-dialog')?.open`)
		shot("accounts-roles-dialog")
		p.do("close the roles dialog", chromedp.Click(chromedp.CSS("#roles-cancel")))
		p.do("open the link dialog", chromedp.Click(chromedp.CSS(`#accounts-table tr[data-username="sam@example.com"] button[data-action=link]`)), chromedp.Click(chromedp.CSS("#link-make")))
		p.waitFor("the new link", 5*time.Second, `document.getElementById('new-link')?.value`)
		shot("accounts-link-dialog")
		p.do("close the link dialog", chromedp.Click(chromedp.CSS("#link-done")))

		p.open("#/s/" + sc.ID)
		p.waitState("briefing")
		shot("briefing")

		// A known path (a bundled test plan) with every part of the debrief:
		// turns off the ideal path, a reply that was no longer on offer, the
		// best of what was left, an ending that is not a success, the
		// variables that decided it and a mood meter that misleads.
		c := p.follow(p.begin(sc.ID), plan, 3, false)
		shot("conversation")
		p.toggleBriefing()
		shot("conversation-briefing-toggled")
		p.toggleBriefing()
		p.follow(c, plan, len(plan), false)
		shot("call-ended")
		p.toDebrief()
		shot("debrief")

		// A practice run from a late turn, played the same way to the same
		// ending: its debrief has the practice banner besides.
		from := len(plan) - 2
		p.follow(p.practise(from), plan, len(plan), false)
		p.toDebrief()
		run := p.debriefID()
		p.open("#/a/" + run + "/debrief?turn=" + strconv.Itoa(from))
		p.waitState("debrief")
		p.waitFor("the decisive variables, the mood note and the practice banner", 5*time.Second, debriefPartsJS)
		shot("debrief-decided")

		// A call stopped early.
		other := scenario(t, "defective-part")
		p.follow(p.begin(other.ID), longPath(t, other, 2, 4), 2, false)
		p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
		p.waitState("debrief")
		shot("debrief-incomplete")

		p.open("#/")
		p.waitState("catalog")
		shot("catalog")
		// The offer of practice from before accounts, on a browser that
		// still holds its cookie.
		eval[chromedp.Void](p, fmt.Sprintf(`document.cookie = 'parley_user=%s; path=/'`, legacy))
		p.do("reload", chromedp.Reload())
		p.waitState("catalog")
		p.waitFor("the offer", 5*time.Second, `document.getElementById('claim')`)
		shot("catalog-claim")
		eval[chromedp.Void](p, `document.cookie = 'parley_user=; path=/; max-age=0'`)
		eval[chromedp.Void](p, `localStorage.clear()`)

		// The manager's pages, and the trainee's side of them.
		m := b.tab(srv.url(), fresh)
		m.signIn(f.manager)
		m.waitState("cohorts")
		shoot(m, "cohorts")
		m.open("#/cohorts/" + f.cohort)
		m.waitState("cohort")
		shoot(m, "cohort")
		m.open("#/review/" + f.reviewed + f.query())
		m.waitState("review")
		shoot(m, "attempt-review")
		m.open("#/trainees/" + f.traineeID + "?cohort=" + f.cohort)
		m.waitState("trainee")
		m.waitFor("the trends", 5*time.Second, `document.querySelector('[data-testid=trend] svg')`)
		shoot(m, "trainee")
		m.open("#/cohorts/" + f.cohort + "/scenarios/" + f.scenario)
		m.waitState("heatmap")
		shoot(m, "heatmap")
		tr := b.tab(srv.url(), fresh)
		tr.signIn(f.trainee)
		tr.waitState("catalog")
		shoot(tr, "catalog-assignments")
		tr.open("#/a/" + f.active)
		tr.settle(2)
		m.open("#/watch/" + f.active + f.query())
		m.waitState("watch")
		m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active'`)
		shoot(m, "watch")
		tr.waitFor("who is watching", 10*time.Second, `document.getElementById('watchers')?.textContent.includes('is watching')`)
		shoot(tr, "conversation-watched")
		tr.open("#/a/" + f.reviewed + "/debrief")
		tr.waitState("debrief")
		shoot(tr, "debrief-comments")
	}
}

// richPath finds a path through sc whose debrief has a reply that was no
// longer on offer, a "best of what was left" and an ending that is not a
// success.
func richPath(t *testing.T, sc *engine.Scenario) []string {
	t.Helper()
	return mustPlan(t, sc, 3, "a closed reply, a best-left and an unsuccessful ending", func(path []string, s *engine.Session) bool {
		d, err := sc.Debrief(s.State())
		if err != nil || len(path) > 9 || d.Ending == nil || d.Ending.Success {
			return false
		}
		closed, left := 0, 0
		for _, tr := range d.Turns {
			closed += len(tr.Closed)
			if tr.IdealKind == "best_left" {
				left++
			}
		}
		return closed > 0 && left > 0
	})
}

// toggleBriefing presses the briefing's disclosure button in the call.
func (p *page) toggleBriefing() {
	p.t.Helper()
	p.do("toggle the briefing", chromedp.Click(chromedp.CSS("#brief-toggle")))
}

// debriefPartsJS is true when the debrief shows what decided the ending,
// the note that the mood meter misleads and the practice banner.
const debriefPartsJS = `document.querySelector('#decided [data-testid=decisive]') && document.getElementById('mood-misleads') && document.getElementById('practice-banner')`

// debriefID is the attempt in the debrief's address (#/a/{id}/debrief).
func (p *page) debriefID() string {
	p.t.Helper()
	return eval[string](p, `decodeURIComponent((location.hash.match(/^#\/a\/([^/]+)\/debrief/) || [])[1] || '')`)
}

// fullPage captures the whole page as a PNG. It makes the viewport as tall
// as the page first, so that sticky parts (the mood panel, the Begin bar)
// sit where they belong rather than where the first screen ended; and it
// moves the mouse out of the way, so that nothing shows its hover style.
func (p *page) fullPage(opts tabOptions) []byte {
	p.t.Helper()
	width, scale, mobile := int64(1280), 1.0, false
	if opts.phone {
		width, scale, mobile = phone.Width, phone.Scale, true
	}
	height := eval[int64](p, `Math.ceil(document.documentElement.scrollHeight)`)
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.MouseEvent(chromedp.MouseMoved, float64(width-1), 1)(ctx, t); err != nil {
			return nil, err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: scale, Mobile: mobile,
		}); err != nil {
			return nil, err
		}
		// Two frames for the layout to follow the new height.
		if _, err := chromedp.Evaluate[chromedp.Void](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise)(ctx, t); err != nil {
			return nil, err
		}
		return chromedp.FullScreenshot(100)(ctx, t)
	})
	if err != nil {
		p.t.Fatalf("full-page screenshot: %v", err)
	}
	p.do("restore the viewport", p.emulation(opts))
	return png
}
