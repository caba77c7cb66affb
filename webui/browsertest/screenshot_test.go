package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
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
	sc := scenario(t, "late-shipment")
	srv := startServer(t)
	b := newBrowser(t)
	variants := []struct {
		name string
		opts tabOptions
	}{
		{"1280x900", tabOptions{reducedMotion: true}},
		{"390x844", tabOptions{reducedMotion: true, phone: true}},
		{"1280x900-dark", tabOptions{reducedMotion: true, dark: true}},
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

		plan := longPath(t, sc, uint64(i+1), 5)
		c := p.follow(p.begin(sc.ID), plan, 3, false)
		shot("conversation")
		p.follow(c, plan, len(plan), false)
		shot("call-ended")
		p.toDebrief()
		shot("debrief")
		p.open("#/")
		p.waitState("catalog")
		shot("catalog")
	}
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
