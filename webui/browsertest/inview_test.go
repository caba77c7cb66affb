package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// replyPanelInViewJS is true when the reply panel's top, and the whole of
// its heading (which has the focus), are inside the viewport.
const replyPanelInViewJS = `(() => {
	const panel = document.getElementById('reply-panel')?.getBoundingClientRect();
	const heading = document.getElementById('replies-heading')?.getBoundingClientRect();
	return !!panel && !!heading && panel.top >= 0 && panel.top < innerHeight && heading.bottom <= innerHeight &&
		document.activeElement?.id === 'replies-heading';
})()`

// expectRepliesInView waits for the reply panel to scroll into view, and
// checks that it stays there.
func (p *page) expectRepliesInView(when string) {
	p.t.Helper()
	p.waitFor("the reply panel in view "+when, 4*time.Second, replyPanelInViewJS)
	time.Sleep(700 * time.Millisecond) // nothing scrolls it away again
	if !eval[bool](p, replyPanelInViewJS) {
		p.t.Errorf("%s the reply panel left the viewport: %s", when, eval[string](p, `JSON.stringify({top: document.getElementById('reply-panel').getBoundingClientRect().top, height: innerHeight, focus: document.activeElement?.id})`))
	}
}

// TestRepliesInViewOnResume: opening a call in progress, reloading it, and
// starting a practice run from a late turn each show the reply panel (its
// heading has the focus), on a desktop and a phone, with and without
// reduced motion; the transcript above it is long enough to push it off.
func TestRepliesInViewOnResume(t *testing.T) {
	sc := scenario(t, "unrealistic-demands")
	plan := longPath(t, sc, 1, 6)
	srv := startServer(t)
	riley := srv.trainee("Riley Resume")
	sess := srv.session(riley)
	finished := play(t, sess, sc.ID, plan, "")
	active := play(t, sess, sc.ID, plan[:4], "open") // each look resumes it
	b := newBrowser(t)
	for _, o := range []struct {
		name string
		opts tabOptions
	}{
		{"desktop", tabOptions{fresh: true}},
		{"desktop-reduced", tabOptions{fresh: true, reducedMotion: true}},
		{"phone", tabOptions{fresh: true, phone: true}},
		{"phone-reduced", tabOptions{fresh: true, phone: true, reducedMotion: true}},
	} {
		t.Run(o.name, func(t *testing.T) {
			p := b.tab(srv.url(), o.opts)
			p.t = t
			p.signIn(riley)
			p.open("#/a/" + active)
			p.waitState("conversation")
			p.settle(4)
			p.expectRepliesInView("on resuming the call")
			p.do("reload", chromedp.Reload())
			p.waitState("conversation")
			p.settle(4)
			p.expectRepliesInView("after a reload")

			p.open("#/a/" + finished + "/debrief")
			p.waitState("debrief")
			p.practise(len(plan) - 1)
			p.expectRepliesInView(fmt.Sprintf("on practising from turn %d", len(plan)-1))
		})
	}
}
