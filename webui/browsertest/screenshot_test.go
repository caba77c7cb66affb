package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"parley/engine"
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
		// One browser: the later variants find the name set and the
		// earlier attempts listed.
		p := b.tab(srv.url(), v.opts)
		shot := func(view string) {
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
		if i == 0 {
			p.open("")
			p.waitState("name")
			shot("name")
			p.signIn("Morgan")
		}
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
		c = p.follow(p.begin(other.ID), longPath(t, other, 2, 4), 2, false)
		p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
		p.waitState("debrief")
		shot("debrief-incomplete")

		p.open("#/")
		p.waitState("catalog")
		shot("catalog")
		eval[chromedp.Void](p, `localStorage.clear()`)
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
