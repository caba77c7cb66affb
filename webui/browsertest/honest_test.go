package browsertest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/engine"
)

// debriefData is what GET /api/attempts/{id}/debrief says, in part.
type debriefData struct {
	Attempt struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"attempt"`
	Debrief struct {
		Complete bool `json:"complete"`
		Scores   []struct {
			Competency string `json:"competency"`
			Score      int    `json:"score"`
		} `json:"scores"`
		Turns []struct {
			Turn  int `json:"turn"`
			Reply struct {
				ID string `json:"id"`
			} `json:"reply"`
		} `json:"turns"`
		LeftIdealAt int `json:"left_ideal_at"`
	} `json:"debrief"`
}

// TestMashingDoesNotWin presses the same key over and over, as someone
// would who wants the scores without the practice: Tab into the replies and
// Enter, or the number key 1, each time the replies show, until the call
// ends (or 30 presses). The replies are offered in an order fixed by the
// attempt's seed, so the first one listed is not the best: such a call
// leaves the ideal path and does not score 100 in every competency. (When
// the best reply was listed first, it did both, every time.)
//
// It also checks that Enter alone does nothing: once the client has
// finished, the focus is on the replies' heading, never on a reply.
func TestMashingDoesNotWin(t *testing.T) {
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Mo Mash"))
	for _, id := range []string{"late-shipment", "defective-part", "unrealistic-demands"} {
		for _, key := range []string{kb.Enter, "1"} {
			name := map[string]string{kb.Enter: "Tab+Enter", "1": "1"}[key]
			c := p.begin(id)
			attempt := p.attemptID()

			// Enter on the heading chooses nothing.
			p.key(kb.Enter)
			time.Sleep(300 * time.Millisecond)
			if now := p.call(); now.turn() != 0 || now.Mode != "replies" {
				t.Fatalf("%s: Enter with the focus on %q chose a reply (turn %s, panel %q)", id, c.Focus, now.Turn, now.Mode)
			}

			var firsts []string
			for presses := 0; c.Mode == "replies" && presses < 30; presses++ {
				if c.Focus != "h2#replies-heading" {
					t.Errorf("%s turn %d: focus on %q once the replies show, want the replies' heading", id, c.turn(), c.Focus)
				}
				p.key(kb.Tab) // into the list: the first reply
				if want := fmt.Sprintf("button#[%s]", c.Replies[0].ID); p.call().Focus != want {
					t.Fatalf("%s turn %d: Tab from the heading went to %q, want the first reply", id, c.turn(), p.call().Focus)
				}
				firsts = append(firsts, c.Replies[0].ID)
				p.key(key)
				c = p.settle(c.turn() + 1)
			}
			if c.Mode != "ended" {
				p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
				p.waitState("debrief")
			}
			d := fetchJSON[debriefData](p, "/api/attempts/"+attempt+"/debrief")
			var chosen []string
			all100 := len(d.Debrief.Scores) > 0
			for _, tr := range d.Debrief.Turns {
				chosen = append(chosen, tr.Reply.ID)
			}
			for _, s := range d.Debrief.Scores {
				all100 = all100 && s.Score == 100
			}
			if !slices.Equal(chosen, firsts) {
				t.Errorf("%s, %s: the attempt chose %v, the first replies listed were %v", id, name, chosen, firsts)
			}
			t.Logf("%s, %s: %d turns, left the ideal path at turn %d, scores %+v", id, name, len(chosen), d.Debrief.LeftIdealAt, d.Debrief.Scores)
			if d.Debrief.LeftIdealAt == 0 {
				t.Errorf("%s, %s: always choosing the first reply listed stayed on the ideal path: the best reply is listed first", id, name)
			}
			if all100 {
				t.Errorf("%s, %s: always choosing the first reply listed scored 100 in every competency", id, name)
			}
		}
	}
}

// TestNumberKeysSwitch turns the number-key shortcuts off and on with the
// switch by the replies: off, "1" chooses nothing; the choice survives a
// reload; and even when on, the keys choose only while the focus is in the
// reply panel.
func TestNumberKeysSwitch(t *testing.T) {
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Nia Keys"))
	c := p.begin("late-shipment")
	nothingChosen := func(when string) {
		t.Helper()
		time.Sleep(300 * time.Millisecond)
		if now := p.call(); now.turn() != c.turn() || now.Mode != "replies" {
			t.Fatalf("%s: a reply was chosen (turn %s, panel %q)", when, now.Turn, now.Mode)
		}
	}

	// On, but the focus is elsewhere: the briefing's button.
	p.do("focus the briefing's button", chromedp.Focus(chromedp.CSS("#brief-toggle")))
	p.key("1")
	nothingChosen("1 with the focus on the briefing")

	// Off, with the keyboard: Tab from the heading through the replies to the switch, Space.
	p.do("focus the replies' heading", chromedp.Focus(chromedp.CSS("#replies-heading")))
	p.tabTo("number-keys", 15)
	p.key(" ")
	p.waitFor("the switch to be off", 5*time.Second, `document.getElementById('number-keys')?.checked === false`)
	if got := p.call().Focus; got != "input#number-keys" {
		t.Errorf("after turning the switch off the focus is on %q, want the switch", got)
	}
	if eval[bool](p, `!!document.querySelector('#replies button[aria-keyshortcuts]')`) {
		t.Errorf("with the number keys off, the replies still announce aria-keyshortcuts")
	}
	p.do("focus the replies' heading", chromedp.Focus(chromedp.CSS("#replies-heading")))
	p.key("1")
	nothingChosen("1 with the number keys off")

	// Remembered across a reload.
	p.do("reload", chromedp.Reload())
	p.waitState("conversation")
	c = p.settle(0)
	if eval[bool](p, `document.getElementById('number-keys')?.checked !== false`) {
		t.Fatalf("after a reload the number keys are on again")
	}
	p.key("1")
	nothingChosen("1 with the number keys off, after a reload")

	// On again: 1 chooses the first reply.
	p.do("turn the number keys on", chromedp.Click(chromedp.CSS("#number-keys")))
	p.do("focus the replies' heading", chromedp.Focus(chromedp.CSS("#replies-heading")))
	first := c.Replies[0].ID
	p.key("1")
	c = p.settle(1)
	if got := c.mine(); !slices.Equal(got, []string{first}) {
		t.Errorf("1 with the number keys on chose %v, want the first reply %s", got, first)
	}
}

// TestBriefingBesideTheCall checks the briefing kept at hand during the
// call: a disclosure button with aria-expanded and aria-controls that shows
// and hides the briefing and the competencies, and that never takes the
// focus when the client has spoken.
func TestBriefingBesideTheCall(t *testing.T) {
	for _, phone := range []bool{false, true} {
		t.Run(map[bool]string{false: "desktop", true: "phone"}[phone], func(t *testing.T) {
			srv := startServer(t)
			p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true, phone: phone})
			p.signIn(srv.trainee("Bo Brief"))
			sc := scenario(t, "late-shipment")
			c := p.begin(sc.ID)
			type brief struct {
				Expanded string   `json:"expanded"`
				Controls string   `json:"controls"`
				Hidden   bool     `json:"hidden"`
				Visible  bool     `json:"visible"`
				Text     string   `json:"text"`
				Comps    []string `json:"comps"`
			}
			read := func() brief {
				return eval[brief](p, `(() => {
					const b = document.getElementById('brief-toggle');
					const body = document.getElementById(b?.getAttribute('aria-controls') || '');
					return {
						expanded: b?.getAttribute('aria-expanded') || '', controls: b?.getAttribute('aria-controls') || '',
						hidden: !body || body.hidden, visible: !!body && body.getBoundingClientRect().height > 0,
						text: body?.textContent || '',
						comps: [...(body?.querySelectorAll('[data-testid=brief-competency]') || [])].map((e) => e.dataset.competency),
					};
				})()`)
			}
			b := read()
			wantOpen := !phone // open on a wide screen, closed on a phone, at first
			if b.Controls != "call-brief-body" || b.Expanded != fmt.Sprint(wantOpen) || b.Hidden == wantOpen {
				t.Fatalf("briefing at first: %+v; want aria-controls=call-brief-body, expanded %v", b, wantOpen)
			}
			if !wantOpen {
				p.toggleBriefing()
				b = read()
			}
			if b.Expanded != "true" || !b.Visible {
				t.Fatalf("briefing after opening: %+v", b)
			}
			if len(b.Comps) != len(sc.Competencies) || !strings.Contains(b.Text, "What you may offer") {
				t.Errorf("the open briefing shows competencies %v and text %q…; want %d competencies and the briefing", b.Comps, short(b.Text), len(sc.Competencies))
			}
			for _, comp := range sc.Competencies {
				if comp.Description != "" && !strings.Contains(b.Text, comp.Description) {
					t.Errorf("the briefing does not describe %s: %q", comp.ID, comp.Description)
				}
			}
			// Choose a reply with the briefing's button focused: once the
			// client has spoken, the focus is on the replies' heading.
			p.do("focus the briefing's button", chromedp.Focus(chromedp.CSS("#brief-toggle")))
			c = p.choose(c, c.Replies[0].ID, false)
			if c.Focus != "h2#replies-heading" {
				t.Errorf("after a turn with the briefing open, the focus is on %q, want the replies' heading", c.Focus)
			}
			p.toggleBriefing()
			if b = read(); b.Expanded != "false" || !b.Hidden {
				t.Errorf("briefing after closing: %+v", b)
			}
		})
	}
}

// turnView is one [data-testid=turn] of the debrief, as shown.
type turnView struct {
	Turn      string   `json:"turn"`
	Verdict   string   `json:"verdict"`   // data-verdict
	Tag       string   `json:"tag"`       // the head's .verdict text
	IdealKind string   `json:"idealKind"` // .turn__ideal data-kind
	Ideal     string   `json:"ideal"`     // .turn__ideal-label text
	Closed    []string `json:"closed"`    // each .closed's text
	Links     []string `json:"links"`     // each closed turn link's href
	Practise  bool     `json:"practise"`  // has a "Practise from here" button
}

const turnsJS = `[...document.querySelectorAll('[data-testid=turn]')].map((t) => {
	const text = (el) => el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
	return {
		turn: t.dataset.turn, verdict: t.dataset.verdict || '',
		tag: text(t.querySelector('.review-turn__head .verdict')),
		idealKind: t.querySelector('.turn__ideal')?.dataset.kind || '',
		ideal: text(t.querySelector('.turn__ideal-label')),
		closed: [...t.querySelectorAll('[data-testid=closed]')].map(text),
		links: [...t.querySelectorAll('[data-testid=closed] a.turn-link')].map((a) => a.getAttribute('href')),
		practise: !!t.querySelector('button[data-action=practice]'),
	};
})`

// TestDebriefSaysWhy plays a call that leaves the best path, loses a
// stronger reply to an earlier choice and ends unsuccessfully, then checks
// the debrief against the engine: each turn's verdict in words and a mark,
// "A stronger reply" or "Best of what was left", the closed reply with a
// link to the turn that closed it (which moves the focus there), and a
// "Practise from here" on every turn. Then it stops a call early: the
// debrief says "Incomplete", and the attempt list "Stopped early".
func TestDebriefSaysWhy(t *testing.T) {
	sc := scenario(t, "late-shipment")
	plan := richPath(t, sc)
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Wes Why"))
	p.follow(p.begin(sc.ID), plan, len(plan), false)
	shown := p.toDebrief()

	s := sc.Start(1)
	for _, id := range plan {
		if _, err := s.Choose(id); err != nil {
			t.Fatal(err)
		}
	}
	want, err := sc.Debrief(s.State())
	if err != nil {
		t.Fatal(err)
	}
	if shown.Success != "false" || !strings.HasSuffix(shown.Ending, "— not a successful outcome") ||
		!strings.Contains(shown.Summary, "the call did not end well") {
		t.Errorf("an unsuccessful ending reads %q / %q (success %s)", shown.Ending, shown.Summary, shown.Success)
	}
	checkDecisive(t, p, want, "None")
	turns := eval[[]turnView](p, turnsJS)
	if len(turns) != len(want.Turns) {
		t.Fatalf("the debrief shows %d turns, the engine has %d", len(turns), len(want.Turns))
	}
	marks := map[string]string{"followed": "✓ Followed: ", "broke": "✗ Broke: ", "mixed": "± Partly: "}
	var link string
	for i, w := range want.Turns {
		got := turns[i]
		if w.Reply.Principle != "" && w.Reply.Verdict != "" {
			if wantTag := marks[w.Reply.Verdict] + w.Reply.Principle; got.Verdict != w.Reply.Verdict || got.Tag != wantTag {
				t.Errorf("turn %d: verdict %q %q, want %q %q", w.Turn, got.Verdict, got.Tag, w.Reply.Verdict, wantTag)
			}
		}
		wantLabel := map[string]string{"stronger": "A stronger reply", "best_left": "Best of what was left"}[w.IdealKind]
		if w.Ideal != nil && (got.IdealKind != w.IdealKind || got.Ideal != wantLabel) {
			t.Errorf("turn %d: ideal shown as %q (%s), want %q (%s)", w.Turn, got.Ideal, got.IdealKind, wantLabel, w.IdealKind)
		}
		if w.Ideal == nil && got.Ideal != "" {
			t.Errorf("turn %d: shows %q although the trainee chose the best reply", w.Turn, got.Ideal)
		}
		if len(got.Closed) != len(w.Closed) {
			t.Errorf("turn %d: %d closed replies shown, the engine has %d", w.Turn, len(got.Closed), len(w.Closed))
		}
		for j, c := range w.Closed {
			if j >= len(got.Closed) {
				break
			}
			if !strings.Contains(got.Closed[j], fmt.Sprintf("It closed at turn %d, when you said", c.Turn)) ||
				!strings.Contains(got.Closed[j], c.Reply.Text) {
				t.Errorf("turn %d: closed reply reads %q; want it to quote %q and name turn %d", w.Turn, got.Closed[j], c.Reply.Text, c.Turn)
			}
			link = got.Links[j]
		}
		if !got.Practise {
			t.Errorf("turn %d has no Practise from here", w.Turn)
		}
	}
	if link == "" {
		t.Fatalf("no closed reply links to its turn (path %v)", plan)
	}
	// Following the link stays on the debrief and moves the focus to that turn.
	p.do("follow the link to the turn that closed a reply", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.turn-link[href=%q]`, link))))
	turn := link[strings.LastIndex(link, "=")+1:]
	p.waitFor("the focus on turn "+turn, 5*time.Second, fmt.Sprintf(`document.activeElement?.id === 'turn-%s-title'`, turn))
	if st := eval[string](p, `document.getElementById('main').dataset.state + ' ' + location.hash`); !strings.HasPrefix(st, "debrief ") || !strings.HasSuffix(st, "?turn="+turn) {
		t.Errorf("after following the link: %q", st)
	}

	// A call stopped early.
	other := scenario(t, "defective-part")
	path := longPath(t, other, 2, 4)
	early := path[:2]
	p.follow(p.begin(other.ID), path, 2, false)
	stopped := p.attemptID()
	p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
	p.waitState("debrief")
	d := p.debrief()
	// Before the boards are discussed, defective-part's promised is "":
	// the card says so rather than showing nothing.
	if n := checkDecisive(t, p, debriefOf(t, other, early), "None yet"); n == 0 {
		t.Errorf("no decisive variable is empty after %v: the placeholder is not drawn", early)
	}
	if d.Ending != "Incomplete: you stopped at turn 2; scored against the whole call" {
		t.Errorf("a call stopped early is headed %q", d.Ending)
	}
	for _, sc := range d.Scores {
		if sc.Blocked == "false" && sc.Passed == "false" && sc.Verdict != "Incomplete" {
			t.Errorf("score %s of a call stopped early reads %q, want Incomplete", sc.Competency, sc.Verdict)
		}
	}
	p.open("#/")
	p.waitState("catalog")
	badge := eval[string](p, fmt.Sprintf(`document.querySelector('[data-testid=attempt][data-attempt-id=%q] .attempt__status')?.textContent.trim() || ''`, stopped))
	if badge != "Stopped early" {
		t.Errorf("the attempt list says %q for an attempt stopped early, want Stopped early", badge)
	}
}

// TestPracticeFromHere starts a practice run from turn 3 of an ended
// attempt with "Practise from here", plays it to its end, and checks that
// the call, its debrief and the attempt list say it is practice, with a
// link back to the source debrief.
func TestPracticeFromHere(t *testing.T) {
	sc := scenario(t, "late-shipment")
	plan := richPath(t, sc)
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Pat Practice"))
	p.follow(p.begin(sc.ID), plan, len(plan), false)
	p.toDebrief()
	source := p.debriefID()

	c := p.practise(3)
	run := p.attemptID()
	if run == source || run == "" || run == "new" {
		t.Fatalf("the practice run is attempt %q (source %q)", run, source)
	}
	checkBanner := func(where string) {
		t.Helper()
		p.waitFor("the practice banner "+where, 5*time.Second, `document.getElementById('practice-banner')`)
		got := eval[map[string]string](p, `({text: document.getElementById('practice-banner').textContent.replace(/\s+/g, ' ').trim(),
			href: document.getElementById('practice-source')?.getAttribute('href') || ''})`)
		if !strings.Contains(got["text"], "Practice run from turn 3 of an earlier attempt — not scored") || got["href"] != "#/a/"+source+"/debrief" {
			t.Errorf("%s the practice banner reads %q linking to %q; want turn 3 and #/a/%s/debrief", where, got["text"], got["href"], source)
		}
	}
	checkBanner("in the call")
	p.do("reload", chromedp.Reload())
	p.waitState("conversation")
	c = p.settle(c.turn())
	checkBanner("in the call, after a reload")

	for i := 0; c.Mode == "replies" && i < 30; i++ {
		c = p.choose(c, c.Replies[0].ID, false)
	}
	if c.Mode != "ended" {
		t.Fatalf("the practice run did not end")
	}
	p.toDebrief()
	checkBanner("in the debrief")
	if got := eval[string](p, `document.getElementById('debrief').dataset.practice`); got != "true" {
		t.Errorf("#debrief data-practice=%q, want true", got)
	}
	p.open("#/")
	p.waitState("catalog")
	if !eval[bool](p, fmt.Sprintf(`!!document.querySelector('[data-testid=attempt][data-attempt-id=%q][data-practice=true]')`, run)) {
		t.Errorf("the attempt list does not label the practice run %s", run)
	}
	if eval[bool](p, fmt.Sprintf(`!!document.querySelector('[data-testid=attempt][data-attempt-id=%q][data-practice]')`, source)) {
		t.Errorf("the attempt list labels the source attempt %s as practice", source)
	}
}

// checkDecisive compares "What decided the ending" with the engine's
// decisive variables: every one, in order, with Yes or No for a boolean, a
// number as a number, a string as itself (first letter raised) and an empty
// string as the placeholder none. It returns how many were empty.
func checkDecisive(t *testing.T, p *page, want engine.Debrief, none string) (empty int) {
	t.Helper()
	type card struct {
		Name  string `json:"name"`
		Label string `json:"label"`
		Value string `json:"value"`
		Empty bool   `json:"empty"`
	}
	got := eval[[]card](p, `[...document.querySelectorAll('#decided [data-testid=decisive]')].map((e) => ({
		name: e.dataset.name, label: e.querySelector('dt')?.textContent.trim() || '',
		value: e.querySelector('dd')?.textContent.trim() || '', empty: e.querySelector('dd')?.dataset.empty === 'true',
	}))`)
	if len(got) != len(want.Decisive) {
		t.Fatalf("What decided the ending shows %d variables, the engine has %d: %+v", len(got), len(want.Decisive), got)
	}
	for i, w := range want.Decisive {
		var value string
		switch v := w.Value.(type) {
		case bool:
			value = map[bool]string{true: "Yes", false: "No"}[v]
		case float64:
			value = strconv.FormatFloat(v, 'f', -1, 64)
		case string:
			value = v
			if v == "" {
				value = none
				empty++
			} else {
				value = strings.ToUpper(v[:1]) + v[1:]
			}
		}
		if g := got[i]; g.Name != w.Name || g.Label != w.Label || g.Value != value || g.Empty != (w.Value == "") {
			t.Errorf("decisive %d shows %+v; want %s %q = %q (engine value %#v)", i+1, g, w.Name, w.Label, value, w.Value)
		}
	}
	return empty
}
