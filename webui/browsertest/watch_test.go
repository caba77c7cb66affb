package browsertest

import (
	"strings"
	"testing"
	"time"
)

// TestWatchNamesTheTrainee: a manager who opens a live call from a bare
// link (#/watch/{attempt}, no ?cohort= or ?trainee=, as a shared link or a
// reload from history) still sees whose call it is: the name in the
// heading, the avatar, the note and the tab's title, from the server's
// snapshot. The header fits a phone, for a long name too, with the way
// back to the cohort: nothing wider than the header or the screen, and
// the live status and the scenario shown. On a desktop and a phone, light
// and dark, with axe.
func TestWatchNamesTheTrainee(t *testing.T) {
	src := axeSource(t)
	srv := startServer(t)
	long := srv.trainee("Maximiliana Oyelaran-Featherstonehaugh")
	f := srv.reviewFixture(long)
	ls := srv.session(long)
	_, path := bundledPlan(t, "late-shipment.mediocre")
	longCall := play(t, ls, "late-shipment", path[:1], "open")
	type head struct {
		Title, Doc, Note, Avatar, Status, Scenario string
		Overflow                                   float64
	}
	read := func(m *page) head {
		t.Helper()
		return eval[head](m, `(() => {
			const head = document.querySelector('#watch .call-head');
			const r = head.getBoundingClientRect();
			let overflow = Math.max(0, r.right - document.documentElement.clientWidth, -r.left);
			for (const el of head.querySelectorAll('*')) {
				const e = el.getBoundingClientRect();
				if (e.width) overflow = Math.max(overflow, e.right - r.right, r.left - e.left, e.bottom - r.bottom);
			}
			const shown = (el) => el && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' ? el.textContent : '';
			return {Title: document.getElementById('watch-title').textContent, Doc: document.title,
				Note: document.querySelector('.watch__note').textContent,
				Avatar: document.querySelector('#watch .call-head__avatar').textContent.trim(),
				Status: shown(head.querySelector('.call-head__status')), Scenario: shown(head.querySelector('.call-head__scenario')),
				Overflow: overflow};
		})()`)
	}
	forEachLook(t, func(t *testing.T, b *browser, l look) {
		m := b.tab(srv.url(), l.opts)
		m.signIn(f.manager)
		m.open("#/watch/" + f.active)
		m.waitState("watch")
		m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active'`)
		m.waitFor("the trainee's name", 5*time.Second, `document.getElementById('watch-title')?.textContent === 'Tia Trainee’s call'`)
		h := read(m)
		if h.Doc != "Watching Tia Trainee · Parley" || !strings.Contains(h.Note, "as Tia makes it") || h.Avatar != "TT" {
			t.Errorf("the watch page of a bare link: %+v; want Tia Trainee named in the tab's title, the note and the avatar", h)
		}
		// A manager who does not practise still reads whom the call is with.
		if with := eval[string](m, `document.querySelector('#watch .call-head__role').textContent`); !strings.HasPrefix(with, "with Marcus Bell, ") {
			t.Errorf("the watch page says the call is %q, want with the scenario's client, Marcus Bell", with)
		}
		m.shot("watch-bare-link", l)
		m.axe(src, "watching a call from a bare link, "+l.name)

		m.open("#/watch/" + longCall + "?cohort=" + f.cohort + "&trainee=" + ls.Who().ID)
		m.waitState("watch")
		m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active' && document.getElementById('back-to-cohort')`)
		h = read(m)
		if h.Title != "Maximiliana Oyelaran-Featherstonehaugh’s call" || h.Status != "Watching live" || h.Scenario == "" {
			t.Errorf("the watch header at %s: %+v; want the long name, the live status and the scenario shown", l.name, h)
		}
		if h.Overflow > 0.5 {
			t.Errorf("the watch header at %s spills %.1fpx out of its box or the screen", l.name, h.Overflow)
		}
		m.shot("watch-long-name", l)
		m.axe(src, "watching a call with a long name, "+l.name)
	})
}

// TestWatchMoodMidCall: a manager who starts watching a call after a few
// replies sees the mood meters as the trainee does on their own page,
// with what the last reply changed, not "Starting point".
func TestWatchMoodMidCall(t *testing.T) {
	srv := startServer(t)
	f := srv.reviewFixture()
	meters := `[...document.querySelectorAll('#main .meter__change')].map((e) => e.textContent.trim()).join(' | ')`
	b := newBrowser(t)
	tr := b.tab(srv.url(), tabOptions{reducedMotion: true})
	tr.signIn(f.trainee)
	tr.open("#/a/" + f.active)
	tr.settle(2)
	own := eval[string](tr, meters)

	m := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	m.signIn(f.manager)
	m.open("#/watch/" + f.active + f.query())
	m.waitState("watch")
	m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active' && document.querySelector('#main .meter__change')`)
	watched := eval[string](m, meters)
	if strings.Contains(watched, "Starting point") || watched != own {
		t.Errorf("watching from turn 2 the meters say %q; the trainee's page says %q", watched, own)
	}
}
