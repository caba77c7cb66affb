package browsertest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/engine"
)

// TestKeyboardOnly plays a whole call with the keyboard alone: signing in,
// the scenario, Begin, the replies (number keys, and Tab + Enter), skipping
// the client's typing with Escape, and the way to the debrief.
func TestKeyboardOnly(t *testing.T) {
	srv := startServer(t)
	kim := srv.trainee("Kim Keys")
	p := newBrowser(t).tab(srv.url(), tabOptions{}) // full motion: the typing is paced
	p.open("")
	p.waitState("login")
	// Count every pointer event from here on: there must be none.
	eval[chromedp.Void](p, `window.__pointerEvents = 0;
		for (const type of ['pointerdown', 'mousedown', 'touchstart', 'wheel'])
			addEventListener(type, () => window.__pointerEvents++, true);`)
	p.typeSignIn(kim.Username, kim.Password)
	p.waitState("catalog")

	p.tabTo("start-late-shipment", 40)
	p.key(kb.Enter)
	p.waitState("briefing")
	p.tabTo("begin", 40)
	p.key(kb.Enter)
	p.waitState("conversation")

	// The opening is paced: the typing indicator shows before each line.
	// Escape shows the rest at once.
	p.waitFor("the client typing the opening", 10*time.Second, typingJS)
	pressed := time.Now()
	p.key(kb.Escape)
	c := p.settle(0)
	skipped := time.Since(pressed)
	if c.Mode != "replies" {
		t.Fatalf("after the opening: reply panel %q, want replies", c.Mode)
	}
	// Unskipped, every client line after the first takes at least its own
	// typing pause (30 ms a character, 0.7–2.5 s).
	var unskipped time.Duration
	for i, l := range clientLines(c.Lines) {
		if i > 0 {
			unskipped += typingPause(l.Text)
		}
	}
	if unskipped >= time.Second && skipped > unskipped*3/4 {
		t.Errorf("Escape did not skip the typing: the opening took %v after it; unskipped it takes at least %v", skipped, unskipped)
	}
	t.Logf("Escape showed the opening %v after it was pressed (unskipped: at least %v)", skipped, unskipped)

	var chosen []string
	for c.Mode != "ended" {
		if len(chosen) > 40 {
			t.Fatalf("still no ending after %d replies", len(chosen))
		}
		// Once the client has finished, the focus is on the replies'
		// heading, which commits nothing: never on a reply, where Enter
		// would choose it (WCAG 2.1.4).
		if c.Focus != "h2#replies-heading" {
			t.Errorf("turn %d: focus on %q once the replies show, want the replies' heading h2#replies-heading", c.turn(), c.Focus)
			p.do("focus the replies' heading", chromedp.Focus(chromedp.CSS("#replies-heading")))
		}
		var pick offer
		if c.turn()%2 == 1 && len(c.Replies) > 1 {
			// Tab to the first reply, then the second, and press Enter.
			p.key(kb.Tab)
			if got := p.call().Focus; got != fmt.Sprintf("button#[%s]", c.Replies[0].ID) {
				t.Fatalf("turn %d: Tab from the heading went to %q, want the first reply %s", c.turn(), got, c.Replies[0].ID)
			}
			p.key(kb.Tab)
			if got := p.call().Focus; got != fmt.Sprintf("button#[%s]", c.Replies[1].ID) {
				t.Fatalf("turn %d: Tab from the first reply went to %q, want the second reply %s", c.turn(), got, c.Replies[1].ID)
			}
			pick = c.Replies[1]
			p.key(kb.Enter)
		} else {
			// The number keys work while the focus is in the replies' panel.
			pick = c.Replies[c.turn()%len(c.Replies)]
			p.key(pick.Index)
		}
		chosen = append(chosen, pick.ID)
		// The reply shows; the client types; Escape skips to the end of it.
		p.waitFor(fmt.Sprintf("turn %d to be revealed", c.turn()+1), 20*time.Second,
			fmt.Sprintf(`Number(document.getElementById('call')?.dataset.turn) > %d && (%s || %s)`, c.turn(), typingJS, settledJS))
		if !eval[bool](p, settledJS) {
			p.key(kb.Escape)
		}
		c = p.settle(c.turn() + 1)
	}
	if got := c.mine(); !slices.Equal(got, chosen) {
		t.Errorf("the transcript shows replies %v, chosen were %v", got, chosen)
	}

	// "See your debrief" has the focus; Enter follows it.
	if c.Focus != "a#see-debrief" {
		t.Errorf("focus on %q when the call ended, want the link to the debrief", c.Focus)
		p.tabTo("see-debrief", 40)
	}
	p.key(kb.Enter)
	p.waitState("debrief")
	d := p.debrief()
	if d.Status != "finished" || len(d.Turns) != len(chosen) || len(d.Scores) == 0 || d.Ending == "" {
		t.Errorf("debrief: status %q, ending %q, %d turns, %d scores; want finished, an ending, %d turns, scores",
			d.Status, d.Ending, len(d.Turns), len(d.Scores), len(chosen))
	}
	if n := eval[int](p, `window.__pointerEvents`); n != 0 {
		t.Errorf("%d pointer events during a keyboard-only run", n)
	}
}

// typingJS is true while the client is "typing" a paced line.
const typingJS = `(document.getElementById('typing')?.hasAttribute('data-active') && document.getElementById('reply-panel')?.dataset.mode === 'waiting')`

// tabTo presses Tab until the element with this id has the focus.
func (p *page) tabTo(id string, most int) {
	p.t.Helper()
	p.tabUntil(id, fmt.Sprintf(`document.activeElement?.id === %q`, id), most)
}

func (p *page) tabUntil(what, focused string, most int) {
	p.t.Helper()
	var stops []string
	for range most {
		if eval[bool](p, focused) {
			return
		}
		p.key(kb.Tab)
		stops = append(stops, eval[string](p, `(() => { const a = document.activeElement; return a ? a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + ' "' + (a.textContent || '').trim().slice(0, 30) + '"' : '-'; })()`))
	}
	if !eval[bool](p, focused) {
		p.t.Fatalf("%d presses of Tab never reached %s; the focus went through:\n  %s", most, what, strings.Join(stops, "\n  "))
	}
}

func clientLines(lines []line) []line {
	var out []line
	for _, l := range lines {
		if l.Who == "client" {
			out = append(out, l)
		}
	}
	return out
}

// typingPause is pacing.js's pause before a line, less the client's name that
// the line's text carries for screen readers.
func typingPause(text string) time.Duration {
	if i := strings.Index(text, ": "); i >= 0 {
		text = text[i+2:]
	}
	ms := min(2500, max(700, 30*len([]rune(text))))
	return time.Duration(ms) * time.Millisecond
}

// TestReloadMidCall reloads the page after a few replies: the same
// transcript, the same replies on offer, the same mood; then plays on.
func TestReloadMidCall(t *testing.T) {
	sc := scenario(t, "unrealistic-demands")
	plan := longPath(t, sc, 1, 6)
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Riley Reload"))
	c := p.begin(sc.ID)
	id := p.attemptID()
	before := p.follow(c, plan, 3, false)

	p.do("reload", chromedp.Reload())
	p.waitState("conversation")
	after := p.settle(before.turn())
	compareCalls(t, "after the reload", before, after)
	if got := p.attemptID(); got != id {
		t.Errorf("after the reload the address names attempt %q, want %q", got, id)
	}

	c = p.follow(after, plan, len(plan), true)
	if got := c.mine(); !slices.Equal(got, plan) {
		t.Errorf("the transcript shows replies %v, chosen were %v", got, plan)
	}
	checkAttempt(t, p, id, plan, "finished")
	if d := p.toDebrief(); d.Status != "finished" || len(d.Turns) != len(plan) {
		t.Errorf("debrief: status %q with %d turns, want finished with %d", d.Status, len(d.Turns), len(plan))
	}
}

// compareCalls checks that a conversation redrawn from the server (after a
// reload or a reconnection) is the one the page showed before.
func compareCalls(t *testing.T, when string, before, after call) {
	t.Helper()
	if diff := sameLines(before.Lines, after.Lines); diff != "" {
		t.Errorf("%s, the transcript differs: %s", when, diff)
	}
	if !slices.Equal(before.Replies, after.Replies) {
		t.Errorf("%s, replies on offer %+v, before %+v", when, after.Replies, before.Replies)
	}
	if !slices.Equal(before.Mood, after.Mood) {
		t.Errorf("%s, mood %+v, before %+v", when, after.Mood, before.Mood)
	}
	if before.Turn != after.Turn || before.LastSeq != after.LastSeq || after.Mode != "replies" {
		t.Errorf("%s: turn %s, last seq %s, panel %q; before: turn %s, last seq %s",
			when, after.Turn, after.LastSeq, after.Mode, before.Turn, before.LastSeq)
	}
}

// reconnectingJS is true while the page knows the server is away.
const reconnectingJS = `(/Reconnecting/.test(document.getElementById('conn-status')?.textContent || '') && document.getElementById('call')?.dataset.connected === 'false')`

// TestServerRestartMidCall stops the server (gracefully) in the middle of a
// call and starts a new one on the same database and address: the page
// says it is reconnecting, then resumes the same call by itself. A reply
// chosen while the server is away is sent once it is back, and applied
// once.
func TestServerRestartMidCall(t *testing.T) {
	sc := scenario(t, "defective-part")
	plan := longPath(t, sc, 2, 6)
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Sam Restart"))
	c := p.begin(sc.ID)
	id := p.attemptID()
	before := p.follow(c, plan, 2, true)

	srv.stop()
	p.waitFor("the page to say it is reconnecting", 15*time.Second, reconnectingJS)
	if away := p.call(); sameLines(before.Lines, away.Lines) != "" || len(away.Replies) != len(before.Replies) {
		t.Errorf("while the server is away the call changed: %s; replies %v", sameLines(before.Lines, away.Lines), away.offered())
	}
	srv = srv.restart()
	p.waitFor("the page to reconnect", 20*time.Second,
		`document.getElementById('call')?.dataset.connected === 'true' && (document.getElementById('conn-status')?.textContent || '').trim() === ''`)
	after := p.settle(before.turn())
	compareCalls(t, "after the restart", before, after)

	// Away again; a reply chosen now waits, then goes once the server is back.
	srv.stop()
	p.waitFor("the page to say it is reconnecting again", 15*time.Second, reconnectingJS)
	next, ok := after.offer(plan[after.turn()])
	if !ok {
		t.Fatalf("planned reply %s not on offer: %v", plan[after.turn()], after.offered())
	}
	p.key(next.Index)
	p.waitFor("the reply to wait for the connection", 5*time.Second,
		fmt.Sprintf(`document.getElementById('reply-panel')?.dataset.mode === 'sending' && [...document.querySelectorAll('#transcript [data-who=me]')].at(-1)?.dataset.replyId === %q`, next.ID))
	srv.restart()
	c = p.settle(after.turn() + 1)
	if want := plan[:after.turn()+1]; !slices.Equal(c.mine(), want) {
		t.Errorf("after choosing %s while away: the transcript shows replies %v, want %v", next.ID, c.mine(), want)
	}
	checkAttempt(t, p, id, plan[:after.turn()+1], "active")

	c = p.follow(c, plan, len(plan), false)
	if got := c.mine(); !slices.Equal(got, plan) {
		t.Errorf("the transcript shows replies %v, chosen were %v", got, plan)
	}
	checkAttempt(t, p, id, plan, "finished")
	if d := p.toDebrief(); d.Status != "finished" || len(d.Turns) != len(plan) {
		t.Errorf("debrief: status %q with %d turns, want finished with %d", d.Status, len(d.Turns), len(plan))
	}
}

// TestDebriefScoresMatchEngine plays a path with mixed results, then
// replays the replies the page shows with the engine directly: every
// competency's score and verdict on the debrief must be the engine's.
func TestDebriefScoresMatchEngine(t *testing.T) {
	sc := scenario(t, "defective-part")
	plan := mixedPath(t, sc)
	t.Logf("path: %v", plan)

	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(srv.trainee("Alex Scores"))
	c := p.follow(p.begin(sc.ID), plan, len(plan), true)
	shown := c.mine()
	if !slices.Equal(shown, plan) {
		t.Errorf("the transcript shows replies %v, chosen were %v", shown, plan)
	}
	d := p.toDebrief()

	// Replay what the page shows with the engine. The seed picks only line
	// variants, never scores.
	s := sc.Start(99)
	for _, id := range shown {
		if _, err := s.Choose(id); err != nil {
			t.Fatalf("engine: %v", err)
		}
	}
	want := s.Scores()
	// The headline agrees with the outcome: an ending that is not a
	// success says so.
	if e := s.Ending(); e == nil {
		t.Errorf("the engine reached no ending")
	} else if want := map[bool]string{true: e.Title, false: "The call ended: " + e.Title + " — not a successful outcome"}[e.Success]; d.Outcome != e.Outcome || d.Ending != want || d.Success != fmt.Sprint(e.Success) {
		t.Errorf("debrief ending %q (%s, success %s), want %q (%s, success %v)", d.Ending, d.Outcome, d.Success, want, e.Outcome, e.Success)
	}
	if d.Status != "finished" {
		t.Errorf("debrief status %q, want finished", d.Status)
	}
	if len(d.Scores) != len(want) {
		t.Fatalf("debrief shows %d scores, the engine has %d: %+v", len(d.Scores), len(want), d.Scores)
	}
	for i, w := range want {
		got := d.Scores[i]
		verdict := map[bool]string{true: "Passed", false: "Not passed"}[w.Passed]
		if got.Competency != w.Competency || got.Score != strconv.Itoa(w.Score) || got.Pass != strconv.Itoa(w.Pass) ||
			got.Passed != strconv.FormatBool(w.Passed) || got.Blocked != strconv.FormatBool(len(w.BlockedBy) > 0) {
			t.Errorf("score card %d data: %+v; engine: %+v", i+1, got, w)
		}
		if got.Label != w.Label || got.Num != strconv.Itoa(w.Score) || got.Verdict != verdict || got.PassMark != fmt.Sprintf("pass mark %d", w.Pass) {
			t.Errorf("score card %d shows %q %q %q %q; engine: %s %d, %s, pass mark %d",
				i+1, got.Label, got.Num, got.Verdict, got.PassMark, w.Label, w.Score, verdict, w.Pass)
		}
	}
	t.Logf("engine scores: %+v", want)
}

// mixedPath finds, with the engine, a path through sc of 4–12 replies
// whose debrief has every kind of verdict: a pass, a fail, and a
// competency failed outright by a reply although its score reaches the
// pass mark (so that "passed" cannot be told from the score alone). When no
// such path turns up it settles for a pass, a fail and any block.
func mixedPath(t *testing.T, sc *engine.Scenario) []string {
	t.Helper()
	verdicts := func(s *engine.Session) (passed, blocked, blockedAbove int) {
		for _, sc := range s.Scores() {
			if sc.Passed {
				passed++
			}
			if len(sc.BlockedBy) > 0 {
				blocked++
				if sc.Score >= sc.Pass {
					blockedAbove++
				}
			}
		}
		return
	}
	if path, ok := planPath(sc, 7, 20000, func(path []string, s *engine.Session) bool {
		passed, _, blockedAbove := verdicts(s)
		return len(path) >= 4 && len(path) <= 12 && passed > 0 && blockedAbove > 0
	}); ok {
		return path
	}
	t.Logf("no path through %s blocks a competency above its pass mark; settling for a pass, a fail and a block", sc.ID)
	return mustPlan(t, sc, 7, "a pass, a fail and a block in 4–12 replies", func(path []string, s *engine.Session) bool {
		passed, blocked, _ := verdicts(s)
		return len(path) >= 4 && len(path) <= 12 && passed > 0 && passed < len(s.Scores()) && blocked > 0
	})
}

// longPath finds, with the engine, a path through sc of at least n replies
// (and at most n+6), off the ideal path, so that a test has turns to play
// before and after what it does mid-call.
func longPath(t *testing.T, sc *engine.Scenario, seed uint64, n int) []string {
	t.Helper()
	return mustPlan(t, sc, seed, fmt.Sprintf("%d–%d replies", n, n+6), func(path []string, s *engine.Session) bool {
		return len(path) >= n && len(path) <= n+6
	})
}

// mustPlan is planPath, failing the test when no path turns up.
func mustPlan(t *testing.T, sc *engine.Scenario, seed uint64, want string, accept func([]string, *engine.Session) bool) []string {
	t.Helper()
	path, ok := planPath(sc, seed, 5000, accept)
	if !ok {
		t.Fatalf("no path through %s with %s", sc.ID, want)
	}
	return path
}

// planPath plays up to tries random paths through sc with the engine until
// one ends and is accepted. It is deterministic for a given seed.
func planPath(sc *engine.Scenario, seed uint64, tries int, accept func([]string, *engine.Session) bool) ([]string, bool) {
	rng := rand.New(rand.NewPCG(seed, 11))
	for range tries {
		s := sc.Start(1)
		var path []string
		for !s.Ended() && len(path) < 30 {
			cs, err := s.Replies()
			if err != nil || len(cs) > 9 { // the number keys reach nine
				break
			}
			c := cs[rng.IntN(len(cs))]
			if _, err := s.Choose(c.ID); err != nil {
				break
			}
			path = append(path, c.ID)
		}
		if s.Ended() && accept(path, s) {
			return path, true
		}
	}
	return nil, false
}
