package webui_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"parley/engine"
	"parley/webui"
	"parley/webui/client"
	"parley/webui/training"
)

// practiceAnswer is the answer to POST /api/attempts/{id}/practice: the new
// attempt, or the error.
type practiceAnswer struct {
	client.AttemptItem
	client.ErrorBody
}

// practise asks for a practice run of attempt id from turn.
func (tr *trainee) practise(id string, turn int) (int, practiceAnswer) {
	tr.t.Helper()
	var out practiceAnswer
	status := tr.post("/api/attempts/"+id+"/practice", map[string]int{"turn": turn}, &out)
	return status, out
}

// in is the same browser, reporting to t (a subtest).
func (tr *trainee) in(t *testing.T) *trainee {
	c := *tr
	c.t = t
	return &c
}

// postRaw posts body with contentType and returns the response, its body
// read.
func (tr *trainee) postRaw(path, contentType, body string) (*http.Response, []byte) {
	tr.t.Helper()
	resp, err := tr.s.HTTP().Post(tr.h.url(path), contentType, strings.NewReader(body))
	if err != nil {
		tr.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tr.t.Fatal(err)
	}
	return resp, data
}

// played is a finished source attempt: what the trainee was shown before
// each turn (shown[k] before turn k+1) and the turns as they happened.
type played struct {
	g     *game
	shown []shownAt
	turns []client.Turn
}

type shownAt struct {
	lines   []string
	replies []client.Reply
}

// playSource plays replies on scenario and reads the ended frame.
func playSource(t *testing.T, c *conn, scenario string, replies ...string) played {
	t.Helper()
	g := c.startGame(scenario)
	p := played{g: g, shown: []shownAt{{g.Snapshot.Lines, g.Snapshot.Replies}}}
	for _, r := range replies {
		tn := g.choose(r)
		p.turns = append(p.turns, tn)
		p.shown = append(p.shown, shownAt{tn.Lines, tn.Replies})
	}
	expect[client.Ended](c)
	return p
}

// storedState is the engine state the store holds for attempt id.
func storedState(t *testing.T, h *harness, id string) (training.Attempt, engine.State) {
	t.Helper()
	a, err := h.st.Attempt(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	st, err := training.StateOf(loadScenario(t, a.ScenarioID), a.State)
	if err != nil {
		t.Fatal(err)
	}
	return a, st
}

func choices(cs []engine.Choice) []client.Reply {
	out := make([]client.Reply, len(cs))
	for i, c := range cs {
		out[i] = client.Reply{ID: c.ID, Text: c.Text}
	}
	return out
}

func TestPractiseFromATurnOfAFinishedAttempt(t *testing.T) {
	source := []string{"ask", "ask", "own", "offer"}
	tests := []struct {
		name    string
		from    int
		replies []string // played in the practice run, to an ending
		ending  string
	}{
		{"from the first turn", 1, []string{"rude"}, "hung-up"},
		{"from a middle turn", 3, []string{"own", "promise"}, "resolved"},
		{"from the last turn", 4, []string{"promise"}, "resolved"},
	}
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	src := playSource(t, c, "short-call", source...)
	srcRec, srcState := storedState(t, h, src.g.ID)
	srcTurns, err := h.st.Turns(context.Background(), src.g.ID)
	if err != nil {
		t.Fatal(err)
	}
	sc := loadScenario(t, "short-call")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tr.in(t)
			c := tr.dial()
			status, item := tr.practise(src.g.ID, tt.from)
			want := &client.Practice{Of: src.g.ID, FromTurn: tt.from}
			if status != http.StatusCreated || item.ID == "" || item.ID == src.g.ID || item.Scenario != "short-call" ||
				item.Status != "active" || item.Turns != tt.from-1 || !reflect.DeepEqual(item.Practice, want) {
				t.Fatalf("practise from turn %d: %d %+v, want 201, a new active attempt with %d turns and practice %+v",
					tt.from, status, item, tt.from-1, want)
			}

			// It resumes at exactly the state before turn from.
			g := c.resume(item.ID)
			s := g.Snapshot
			replay, err := sc.Replay(srcState, tt.from-1)
			if err != nil {
				t.Fatal(err)
			}
			replayReplies, err := replay.Replies()
			if err != nil {
				t.Fatal(err)
			}
			if s.Attempt.Turn != tt.from-1 || s.Attempt.LastSeq != int64(tt.from-1) || s.Attempt.Status != "active" ||
				!reflect.DeepEqual(s.Attempt.Practice, want) {
				t.Errorf("snapshot attempt %+v, want turn and last_seq %d, active, practice %+v", s.Attempt, tt.from-1, want)
			}
			shown := src.shown[tt.from-1]
			if !reflect.DeepEqual(s.Lines, shown.lines) || !reflect.DeepEqual(s.Replies, shown.replies) {
				t.Errorf("resumed with lines %q replies %v; before turn %d the source showed %q %v",
					s.Lines, ids(s.Replies), tt.from, shown.lines, ids(shown.replies))
			}
			if !reflect.DeepEqual(s.Lines, replay.Lines()) || !reflect.DeepEqual(s.Replies, choices(replayReplies)) {
				t.Errorf("resumed with lines %q replies %v; the engine's replay has %q %v",
					s.Lines, ids(s.Replies), replay.Lines(), replayReplies)
			}
			if !reflect.DeepEqual(s.Opening, src.g.Snapshot.Opening) || len(s.Transcript) != tt.from-1 {
				t.Fatalf("opening %q and %d transcript turns, want %q and %d", s.Opening, len(s.Transcript), src.g.Snapshot.Opening, tt.from-1)
			}
			for i, tn := range s.Transcript {
				w := src.turns[i]
				w.Attempt, w.Replies = item.ID, nil
				if !reflect.DeepEqual(tn, w) {
					t.Errorf("transcript turn %d: %+v, want the source's %+v", i+1, tn, w)
				}
			}

			// It plays on to an ending, numbering turns from where it started.
			for i, r := range tt.replies {
				if tn := g.choose(r); tn.Turn != tt.from+i {
					t.Fatalf("reply %q was turn %d, want %d", r, tn.Turn, tt.from+i)
				}
			}
			if e := expect[client.Ended](c); e.Status != "finished" || e.Ending == nil || e.Ending.ID != tt.ending {
				t.Fatalf("ended %+v, want finished at %s", e, tt.ending)
			}

			// Its debrief shows the whole history: the replayed turns, then its own.
			var d client.DebriefAnswer
			if status := tr.get("/api/attempts/"+item.ID+"/debrief", &d); status != http.StatusOK {
				t.Fatalf("debrief: %d", status)
			}
			all := append(append([]string{}, source[:tt.from-1]...), tt.replies...)
			var got []string
			for i, tn := range d.Debrief.Turns {
				if tn.Turn != i+1 {
					t.Errorf("debrief turn %d is numbered %d", i+1, tn.Turn)
				}
				got = append(got, tn.Reply.ID)
			}
			if !reflect.DeepEqual(got, all) || d.Attempt.Turns != len(all) || !reflect.DeepEqual(d.Attempt.Practice, want) ||
				!d.Debrief.Complete || d.Debrief.Ending == nil || d.Debrief.Ending.ID != tt.ending {
				t.Errorf("debrief turns %v, attempt %+v, complete %v; want %v, practice %+v, complete at %s",
					got, d.Attempt, d.Debrief.Complete, all, want, tt.ending)
			}
			sess := sc.Start(srcState.Seed)
			for _, r := range all {
				if _, err := sess.Choose(r); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(d.Debrief.Scores, scores(sess.Scores())) {
				t.Errorf("debrief scores %+v\nengine scores %+v", d.Debrief.Scores, sess.Scores())
			}
		})
	}

	// Every practice run is listed as practice; the source is not, and is unchanged.
	var list []client.AttemptItem
	if status := tr.get("/api/attempts", &list); status != http.StatusOK || len(list) != 1+len(tests) {
		t.Fatalf("GET /api/attempts: %d, %d attempts, want %d", status, len(list), 1+len(tests))
	}
	from := map[int]bool{}
	for _, a := range list {
		switch {
		case a.ID == src.g.ID:
			if a.Practice != nil || a.Status != "finished" || a.Turns != len(source) {
				t.Errorf("source listed as %+v", a)
			}
		case a.Practice == nil || a.Practice.Of != src.g.ID:
			t.Errorf("practice run listed as %+v, want practice of %s", a, src.g.ID)
		default:
			from[a.Practice.FromTurn] = true
		}
	}
	if len(from) != len(tests) {
		t.Errorf("practice runs start from turns %v, want one per test", from)
	}
	after, _ := storedState(t, h, src.g.ID)
	afterTurns, err := h.st.Turns(context.Background(), src.g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, srcRec) || !reflect.DeepEqual(afterTurns, srcTurns) {
		t.Errorf("the source attempt changed:\n%+v\nwas\n%+v", after, srcRec)
	}
}

func TestPracticeBesideTheActiveScoredAttempt(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	src := playSource(t, c, "short-call", "ask", "rude")
	scored := c.startGame("short-call")
	scored.choose("ask")

	status, item := tr.practise(src.g.ID, 2)
	if status != http.StatusCreated {
		t.Fatalf("practise beside an active attempt: %d %+v", status, item.Error)
	}
	if again := c.startGame("short-call"); again.ID != scored.ID || again.Snapshot.Attempt.Turn != 1 ||
		again.Snapshot.Attempt.Practice != nil {
		t.Fatalf("start answered %s at turn %d (practice %+v), want the scored attempt %s at turn 1",
			again.ID, again.Snapshot.Attempt.Turn, again.Snapshot.Attempt.Practice, scored.ID)
	}
	p := c.resume(item.ID)
	p.choose("own")
	p.choose("offer")
	expect[client.Ended](c)

	s := c.resume(scored.ID)
	if s.Snapshot.Attempt.Status != "active" || s.Snapshot.Attempt.Turn != 1 || s.Snapshot.Attempt.LastSeq != 1 {
		t.Fatalf("scored attempt after the practice run: %+v, want active at turn 1", s.Snapshot.Attempt)
	}
	if tn := s.choose("own"); tn.Turn != 2 {
		t.Errorf("scored attempt's next reply was turn %d, want 2", tn.Turn)
	}
	var me client.Me
	tr.get("/api/me", &me)
	if a, err := h.st.ActiveAttempt(context.Background(), me.ID, "short-call"); err != nil || a.ID != scored.ID {
		t.Errorf("the active attempt is %q (%v), want the scored one %s", a.ID, err, scored.ID)
	}
}

func TestPracticeRefusals(t *testing.T) {
	h := start(t)
	sam, kim := h.trainee("Sam"), h.trainee("Kim")
	c := sam.dial()
	done := playSource(t, c, "short-call", "ask", "rude").g.ID
	active := c.startGame("late-shipment").ID
	fresh := c.startGame("short-call")
	fresh.giveUp() // before any turn
	empty := fresh.ID

	tests := []struct {
		name        string
		who         *trainee
		attempt     string
		contentType string
		body        string
		status      int
		code        string
	}{
		{"turn 0", sam, done, "application/json", `{"turn": 0}`, 400, "bad_request"},
		{"no turn", sam, done, "application/json", `{}`, 400, "bad_request"},
		{"turn after the last", sam, done, "application/json", `{"turn": 3}`, 400, "bad_request"},
		{"negative turn", sam, done, "application/json", `{"turn": -1}`, 400, "bad_request"},
		{"turn not a number", sam, done, "application/json", `{"turn": "1"}`, 400, "bad_request"},
		{"fractional turn", sam, done, "application/json", `{"turn": 1.5}`, 400, "bad_request"},
		{"unknown field", sam, done, "application/json", `{"turn": 1, "seed": 3}`, 400, "bad_request"},
		{"two values", sam, done, "application/json", `{"turn": 1} {"turn": 2}`, 400, "bad_request"},
		{"not JSON", sam, done, "text/plain", `{"turn": 1}`, 400, "bad_request"},
		{"no content type", sam, done, "", `{"turn": 1}`, 400, "bad_request"},
		{"too large", sam, done, "application/json", `{"turn": 1` + strings.Repeat(" ", 8<<10) + `}`, 400, "bad_request"},
		{"no turns to practise", sam, empty, "application/json", `{"turn": 1}`, 400, "bad_request"},
		{"unknown attempt", sam, "nope", "application/json", `{"turn": 1}`, 404, "not_found"},
		{"another user's attempt", kim, done, "application/json", `{"turn": 1}`, 403, "not_yours"},
		{"active source", sam, active, "application/json", `{"turn": 1}`, 409, "still_active"},
		{"signed out", h.anonymous(), done, "application/json", `{"turn": 1}`, 401, "login_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := tt.who.in(t).postRaw("/api/attempts/"+tt.attempt+"/practice", tt.contentType, tt.body)
			var body client.ErrorBody
			_ = json.Unmarshal(data, &body)
			if resp.StatusCode != tt.status || body.Error.Code != tt.code || body.Error.Message == "" {
				t.Errorf("%d %s, want %d %s", resp.StatusCode, data, tt.status, tt.code)
			}
		})
	}
	var list []client.AttemptItem
	sam.get("/api/attempts", &list)
	for _, a := range list {
		if a.Practice != nil {
			t.Errorf("a refused request left a practice run behind: %+v", a)
		}
	}
	if resp, _ := sam.postRaw("/api/attempts/"+done+"/practice", "application/json", `{"turn": 2}`); resp.StatusCode != 201 ||
		resp.Header.Get("Location") == "" {
		t.Errorf("a good request after the refusals: %d, Location %q; want 201 and a Location", resp.StatusCode,
			resp.Header.Get("Location"))
	}
}

func TestPracticeRunSurvivesRestart(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	src := playSource(t, c, "short-call", "ask", "own", "offer")
	_, item := tr.practise(src.g.ID, 2)
	g := c.resume(item.ID)
	first := g.choose("ask")

	h2 := h.restart()
	tr2 := tr.on(h2)
	c2 := tr2.dial()
	g2 := c2.resume(item.ID)
	want := &client.Practice{Of: src.g.ID, FromTurn: 2}
	if s := g2.Snapshot.Attempt; s.Turn != 2 || s.LastSeq != 2 || !reflect.DeepEqual(s.Practice, want) ||
		!reflect.DeepEqual(g2.Snapshot.Lines, first.Lines) || !reflect.DeepEqual(g2.Snapshot.Replies, first.Replies) {
		t.Fatalf("after restart: %+v, lines %q, replies %v; want turn 2, last_seq 2, practice %+v, lines %q, replies %v",
			s, g2.Snapshot.Lines, ids(g2.Snapshot.Replies), want, first.Lines, ids(first.Replies))
	}
	g2.choose("own")
	if tn := g2.choose("offer"); tn.Turn != 4 || tn.Ending == nil {
		t.Fatalf("last turn %+v, want turn 4 at an ending", tn)
	}
	expect[client.Ended](c2)
	var d client.DebriefAnswer
	if status := tr2.get("/api/attempts/"+item.ID+"/debrief", &d); status != http.StatusOK || len(d.Debrief.Turns) != 4 ||
		!reflect.DeepEqual(d.Attempt.Practice, want) {
		t.Fatalf("debrief after restart: %d, %d turns, practice %+v", status, len(d.Debrief.Turns), d.Attempt.Practice)
	}
}

// TestPracticeCapHoldsUnderConcurrency: many practice requests of one
// trainee at once make exactly MaxActivePracticeRuns practice runs; every
// other one is refused with 409 too_many_practice_runs. The start limit is
// off, so it cannot be what holds.
func TestPracticeCapHoldsUnderConcurrency(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.StartBurst = -1 })
	tr := h.trainee("Sam")
	src := playSource(t, tr.dial(), "short-call", "ask", "rude").g.ID
	const requests = 3 * webui.MaxActivePracticeRuns
	errs := make([]error, requests)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			<-gate
			_, errs[i] = tr.s.Practise(context.Background(), src, 1+i%2)
		})
	}
	close(gate)
	wg.Wait()
	made := 0
	for i, err := range errs {
		switch {
		case err == nil:
			made++
		case statusCode(err) != training.CodeTooManyPractice:
			t.Errorf("request %d: %v, want 201 or 409 too_many_practice_runs", i, err)
		}
	}
	if made != webui.MaxActivePracticeRuns {
		t.Errorf("%d practice requests at once made %d practice runs, want %d", requests, made, webui.MaxActivePracticeRuns)
	}
}

// TestPracticeRunsAreCapped: a trainee may have MaxActivePracticeRuns
// practice runs active at once; one more is refused until one ends.
func TestPracticeRunsAreCapped(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.StartBurst = -1 }) // the cap, not the rate
	tr := h.trainee("Sam")
	c := tr.dial()
	src := playSource(t, c, "short-call", "ask", "rude").g.ID
	var runs []string
	for i := range webui.MaxActivePracticeRuns {
		status, item := tr.practise(src, 1+i%2)
		if status != http.StatusCreated {
			t.Fatalf("practice run %d: %d %+v", i+1, status, item.Error)
		}
		runs = append(runs, item.ID)
	}
	status, item := tr.practise(src, 1)
	if status != http.StatusConflict || item.Error.Code != "too_many_practice_runs" ||
		!strings.Contains(item.Error.Message, "finish or give up one of your practice runs first") {
		t.Fatalf("practice run %d: %d %+v, want 409 too_many_practice_runs", webui.MaxActivePracticeRuns+1, status, item.Error)
	}
	c.resume(runs[0]).giveUp()
	if status, item := tr.practise(src, 2); status != http.StatusCreated {
		t.Fatalf("after giving one up: %d %+v, want 201", status, item.Error)
	}
	if status, _ := tr.practise(src, 2); status != http.StatusConflict {
		t.Errorf("at the cap again: %d, want 409", status)
	}
}
