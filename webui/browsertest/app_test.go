package browsertest

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// What the page shows, read through its test hooks (see the top of
// webui/static/app.js).

// line is one entry of #transcript.
type line struct {
	Who   string `json:"who"`   // client, me, interjection or note
	Reply string `json:"reply"` // data-reply-id of a "me" line
	Text  string `json:"text"`
	// Sending is true while a "me" line waits for the server.
	Sending bool `json:"sending"`
}

// offer is one reply button of #replies.
type offer struct {
	ID       string `json:"id"`
	Index    string `json:"index"` // 1-based, as a key press
	Text     string `json:"text"`
	Disabled bool   `json:"disabled"`
}

// meter is one [data-testid=mood-meter].
type meter struct {
	Mood  string `json:"mood"`
	Value string `json:"value"`
	Band  string `json:"band"`
	Now   string `json:"now"` // aria-valuenow of its role=meter
}

// call is the conversation view.
type call struct {
	State     string  `json:"state"`     // <main data-state>
	Mode      string  `json:"mode"`      // #reply-panel data-mode
	Connected string  `json:"connected"` // #call data-connected
	Turn      string  `json:"turn"`      // #call data-turn
	LastSeq   string  `json:"lastSeq"`   // #call data-last-seq
	Conn      string  `json:"conn"`      // #conn-status text
	Typing    bool    `json:"typing"`    // #typing has data-active
	Focus     string  `json:"focus"`     // the focused element, as tag#id[data-reply-id]
	Lines     []line  `json:"lines"`
	Replies   []offer `json:"replies"`
	Mood      []meter `json:"mood"`
}

const callJS = `(() => {
	const $ = (id) => document.getElementById(id);
	const a = document.activeElement;
	return {
		state: $('main')?.dataset.state || '',
		mode: $('reply-panel')?.dataset.mode || '',
		connected: $('call')?.dataset.connected || '',
		turn: $('call')?.dataset.turn || '',
		lastSeq: $('call')?.dataset.lastSeq || '',
		conn: ($('conn-status')?.textContent || '').trim(),
		typing: !!$('typing')?.hasAttribute('data-active'),
		focus: a ? a.tagName.toLowerCase() + '#' + a.id + (a.dataset.replyId ? '[' + a.dataset.replyId + ']' : '') : '',
		lines: [...document.querySelectorAll('#transcript [data-testid=line]')].map((e) => ({
			who: e.dataset.who || '', reply: e.dataset.replyId || '',
			text: e.textContent.replace(/\s+/g, ' ').trim(), sending: e.classList.contains('is-sending'),
		})),
		replies: [...document.querySelectorAll('#replies button[data-reply-id]')].map((b) => ({
			id: b.dataset.replyId, index: b.dataset.index || '', disabled: b.disabled,
			text: (b.querySelector('.reply__text')?.textContent || b.textContent).trim(),
		})),
		mood: [...document.querySelectorAll('#mood [data-testid=mood-meter]')].map((m) => ({
			mood: m.dataset.mood || '', value: m.dataset.value || '', band: m.dataset.band || '',
			now: m.querySelector('[role=meter]')?.getAttribute('aria-valuenow') || '',
		})),
	};
})()`

func (p *page) call() call {
	p.t.Helper()
	return eval[call](p, callJS)
}

func (c call) turn() int {
	n, _ := strconv.Atoi(c.Turn)
	return n
}

// mine lists the reply ids of the trainee's lines in the transcript.
func (c call) mine() []string {
	var ids []string
	for _, l := range c.Lines {
		if l.Who == "me" {
			ids = append(ids, l.Reply)
		}
	}
	return ids
}

func (c call) offered() []string {
	ids := make([]string, len(c.Replies))
	for i, r := range c.Replies {
		ids[i] = r.ID
	}
	return ids
}

func (c call) offer(id string) (offer, bool) {
	i := slices.IndexFunc(c.Replies, func(o offer) bool { return o.ID == id })
	if i < 0 {
		return offer{}, false
	}
	return c.Replies[i], true
}

// settledJS is true when the conversation waits for the trainee: replies
// on offer, or the call over, with nothing being revealed or sent.
const settledJS = `(() => {
	const m = document.getElementById('main')?.dataset.state;
	const mode = document.getElementById('reply-panel')?.dataset.mode;
	const call = document.getElementById('call');
	return m === 'conversation' && call && call.dataset.connected === 'true' && (mode === 'replies' || mode === 'ended');
})()`

// settle waits until the conversation at turn (or later) waits for the
// trainee, and returns it.
func (p *page) settle(turn int) call {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("turn %d with replies on offer or the call ended", turn), 20*time.Second,
		fmt.Sprintf(`%s && Number(document.getElementById('call').dataset.turn) >= %d`, settledJS, turn))
	return p.call()
}

// signIn signs in as u through the sign-in page, as a person would: it
// opens the app signed out, types the username, Tab, the password and
// Enter, and waits for the view the account lands on (the catalog for a
// trainee) with its name in the header.
func (p *page) signIn(u user) {
	p.t.Helper()
	p.open("")
	p.waitState("login")
	p.typeSignIn(u.Username, u.Password)
	p.waitFor("the view after signing in", 15*time.Second, `!['login', 'loading'].includes(document.getElementById('main')?.dataset.state)`)
	p.waitFor("the name in the header", 5*time.Second, fmt.Sprintf(`document.getElementById('user-name')?.textContent === %q`, u.Name))
}

// emptyInput empties an input, as selecting its text and deleting it would
// (chromedp's SetValue cannot set an empty value).
func emptyInput(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ''`, sel))
}

// typeSignIn types a username and a password into the sign-in form shown
// and presses Enter.
func (p *page) typeSignIn(username, password string) {
	p.t.Helper()
	p.waitFor("the username field to have the focus", 5*time.Second, `document.activeElement?.id === 'login-username'`)
	p.do("clear the sign-in form", emptyInput("#login-username"), emptyInput("#login-password"))
	p.key(username)
	p.key(kb.Tab)
	if got := eval[string](p, `document.activeElement?.id`); got != "login-password" {
		p.t.Fatalf("Tab from the username went to #%s, want the password", got)
	}
	p.key(password)
	p.key(kb.Enter)
}

// begin opens the briefing of scenario id and begins the call with the
// mouse; it returns once the client's opening is shown.
func (p *page) begin(id string) call {
	p.t.Helper()
	p.open("#/s/" + id)
	p.waitState("briefing")
	p.do("click Begin", chromedp.Click(chromedp.CSS("#begin")))
	p.waitState("conversation")
	c := p.settle(0)
	if c.Mode != "replies" {
		p.t.Fatalf("after Begin: reply panel %q, want replies", c.Mode)
	}
	return c
}

// choose picks reply id on the current turn, with the mouse or the number
// key, and waits for the next turn to settle.
func (p *page) choose(c call, id string, byKey bool) call {
	p.t.Helper()
	o, ok := c.offer(id)
	if !ok {
		p.t.Fatalf("turn %s: reply %q not on offer; offered %v", c.Turn, id, c.offered())
	}
	if byKey {
		// Number keys choose only while the focus is in the reply panel.
		if !eval[bool](p, `document.getElementById('reply-panel')?.contains(document.activeElement)`) {
			p.do("focus the replies' heading", chromedp.Focus(chromedp.CSS("#replies-heading")))
		}
		p.key(o.Index)
	} else {
		p.do("click reply "+id, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#replies button[data-reply-id=%q]`, id))))
	}
	return p.settle(c.turn() + 1)
}

// follow chooses the planned replies from the current turn on, with the
// mouse or the number keys, up to turn `until` (or to the end of the plan),
// and returns the settled call.
func (p *page) follow(c call, plan []string, until int, byKey bool) call {
	p.t.Helper()
	for c.turn() < min(until, len(plan)) {
		if c.Mode != "replies" {
			p.t.Fatalf("turn %d: the call ended before the planned reply %s (plan %v)", c.turn(), plan[c.turn()], plan)
		}
		c = p.choose(c, plan[c.turn()], byKey)
	}
	if c.turn() == len(plan) && c.Mode != "ended" {
		p.t.Fatalf("the call did not end after the planned %d replies", len(plan))
	}
	return c
}

// sameLines reports how two transcripts differ, or "" when they do not.
func sameLines(before, after []line) string {
	if len(before) != len(after) {
		return fmt.Sprintf("%d lines before, %d after:\nbefore %v\nafter  %v", len(before), len(after), before, after)
	}
	for i := range before {
		if before[i] != after[i] {
			return fmt.Sprintf("line %d: before %+v, after %+v", i+1, before[i], after[i])
		}
	}
	return ""
}

// toDebrief follows "See your debrief" with the mouse and waits for it.
func (p *page) toDebrief() debrief {
	p.t.Helper()
	p.do("click See your debrief", chromedp.Click(chromedp.CSS("#see-debrief")))
	p.waitState("debrief")
	return p.debrief()
}

// score is one [data-testid=score] card of the debrief: its data attributes
// and what it shows.
type score struct {
	Competency string `json:"competency"`
	Score      string `json:"score"`
	Pass       string `json:"pass"`
	Passed     string `json:"passed"`
	Blocked    string `json:"blocked"`
	Label      string `json:"label"`   // .score__label
	Num        string `json:"num"`     // .score__num
	Verdict    string `json:"verdict"` // .score__verdict .status
	PassMark   string `json:"passMark"`
}

type debrief struct {
	Outcome string   `json:"outcome"` // #debrief data-outcome
	Status  string   `json:"status"`  // #debrief data-status
	Success string   `json:"success"` // #debrief data-success: "true" or "false"
	Summary string   `json:"summary"` // #debrief-summary
	Ending  string   `json:"ending"`  // #ending-title
	Scores  []score  `json:"scores"`
	Turns   []string `json:"turns"` // data-turn of each [data-testid=turn]
	URL     string   `json:"url"`
}

const debriefJS = `(() => {
	const d = document.getElementById('debrief');
	const text = (el) => el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
	return {
		outcome: d?.dataset.outcome || '', status: d?.dataset.status || '', success: d?.dataset.success || '',
		summary: text(document.getElementById('debrief-summary')),
		ending: text(document.getElementById('ending-title')),
		scores: [...document.querySelectorAll('[data-testid=score]')].map((s) => ({
			competency: s.dataset.competency || '', score: s.dataset.score || '', pass: s.dataset.pass || '',
			passed: s.dataset.passed || '', blocked: s.dataset.blocked || '',
			label: text(s.querySelector('.score__label')), num: text(s.querySelector('.score__num')),
			verdict: text(s.querySelector('.score__verdict .status')), passMark: text(s.querySelector('.score__pass')),
		})),
		turns: [...document.querySelectorAll('[data-testid=turn]')].map((t) => t.dataset.turn || ''),
		url: location.hash,
	};
})()`

func (p *page) debrief() debrief {
	p.t.Helper()
	return eval[debrief](p, debriefJS)
}

// attemptID is the attempt in the conversation's address (#/a/{id}).
func (p *page) attemptID() string {
	p.t.Helper()
	return eval[string](p, `decodeURIComponent((location.hash.match(/^#\/a\/([^/]+)/) || [])[1] || '')`)
}

// snapshot is what GET /api/attempts/{id} says, in part.
type snapshot struct {
	Attempt struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Turn    int    `json:"turn"`
		LastSeq int64  `json:"last_seq"`
	} `json:"attempt"`
	Transcript []struct {
		Turn  int `json:"turn"`
		Reply struct {
			ID string `json:"id"`
		} `json:"reply"`
	} `json:"transcript"`
}

func (s snapshot) replies() []string {
	var ids []string
	for _, t := range s.Transcript {
		ids = append(ids, t.Reply.ID)
	}
	return ids
}

// checkAttempt compares the server's record of the attempt with the
// replies the page shows.
func checkAttempt(t *testing.T, p *page, id string, want []string, status string) {
	t.Helper()
	s := fetchJSON[snapshot](p, "/api/attempts/"+id)
	if s.Attempt.Status != status || !slices.Equal(s.replies(), want) || s.Attempt.Turn != len(want) || s.Attempt.LastSeq != int64(len(want)) {
		t.Errorf("server has attempt %s %s at turn %d, last_seq %d, replies %v; want %s, %d replies %v",
			id, s.Attempt.Status, s.Attempt.Turn, s.Attempt.LastSeq, s.replies(), status, len(want), want)
	}
}
