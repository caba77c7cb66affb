package browsertest

import (
	"os"
	"path/filepath"
	"testing"
)

// look is one way a page is seen: a desktop or a phone, light or dark.
type look struct {
	name string
	opts tabOptions
}

// looks are the four ways every changed page is looked at: 1280 wide and a
// 390×844 phone, each in the light and the dark colour scheme.
var looks = []look{
	{"1280-light", tabOptions{reducedMotion: true}},
	{"390-light", tabOptions{reducedMotion: true, phone: true}},
	{"1280-dark", tabOptions{reducedMotion: true, dark: true}},
	{"390-dark", tabOptions{reducedMotion: true, phone: true, dark: true}},
}

// shot saves a full-page screenshot of the page as view-look.png in the
// folder PARLEY_SCREENSHOTS names (nothing without it), and reports a page
// wider than its viewport as an error: nothing should scroll sideways.
func (p *page) shot(view string, l look) {
	p.t.Helper()
	p.settleAnimations()
	if overflow := eval[int](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); overflow > 0 {
		p.t.Errorf("%s at %s: the page is %dpx wider than the viewport (it scrolls sideways)", view, l.name, overflow)
	}
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	name := filepath.Join(dir, view+"-"+l.name+".png")
	if err := os.WriteFile(name, p.fullPage(l.opts), 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("saved %s", name)
}

// forEachLook runs f in a subtest per look, each with a browser of its own.
func forEachLook(t *testing.T, f func(t *testing.T, b *browser, l look)) {
	t.Helper()
	for _, l := range looks {
		t.Run(l.name, func(t *testing.T) { f(t, newBrowser(t), l) })
	}
}
