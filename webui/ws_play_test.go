package webui_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/gorilla/websocket"

	"parley/webui/client"
)

// playIdeal plays scenario id's ideal path over the websocket and returns
// the attempt and the replies chosen.
func playIdeal(t *testing.T, c *conn, id string) (*game, []string) {
	t.Helper()
	sc := loadScenario(t, id)
	g := c.startGame(id)
	offered := g.Snapshot.Replies
	var chosen []string
	for i, step := range sc.Analysis().Ideal {
		if !slices.Contains(ids(offered), step.Reply) {
			t.Fatalf("turn %d: %q not offered; offered %v", i+1, step.Reply, ids(offered))
		}
		tn := g.choose(step.Reply)
		if tn.Turn != i+1 || tn.Reply.ID != step.Reply || tn.Attempt != g.ID {
			t.Fatalf("turn %+v, want turn %d with reply %q", tn, i+1, step.Reply)
		}
		chosen = append(chosen, step.Reply)
		offered = tn.Replies
		if tn.Ending != nil {
			break
		}
	}
	return g, chosen
}

func TestPlayBundledScenarioToEnding(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	g, chosen := playIdeal(t, c, "late-shipment")
	e := expect[client.Ended](c)
	if e.Status != "finished" || e.Ending == nil || e.Attempt != g.ID || e.Debrief != "/api/attempts/"+g.ID+"/debrief" {
		t.Fatalf("ended %+v", e)
	}

	var d client.DebriefAnswer
	if status := tr.get(e.Debrief, &d); status != http.StatusOK {
		t.Fatalf("debrief: status %d", status)
	}
	sess := loadScenario(t, "late-shipment").Start(0)
	for _, r := range chosen {
		if _, err := sess.Choose(r); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(d.Debrief.Scores, scores(sess.Scores())) {
		t.Errorf("debrief scores %+v\nengine scores %+v", d.Debrief.Scores, sess.Scores())
	}
	if len(d.Debrief.Turns) != len(chosen) || d.Attempt.Status != "finished" || d.Debrief.Ending.ID != sess.Ending().ID {
		t.Errorf("debrief has %d turns, status %s, ending %+v; want %d, finished, %s",
			len(d.Debrief.Turns), d.Attempt.Status, d.Debrief.Ending, len(chosen), sess.Ending().ID)
	}
}

func TestDebriefMatchesEngineScores(t *testing.T) {
	tests := map[string][]string{
		"ideal":         {"own", "offer"},
		"asks then own": {"ask", "ask", "own", "promise"},
		"rude":          {"rude"},
	}
	h := start(t)
	for name, replies := range tests {
		t.Run(name, func(t *testing.T) {
			tr := h.trainee(name)
			c := tr.dial()
			g := c.startGame("short-call")
			for _, r := range replies {
				g.choose(r)
			}
			expect[client.Ended](c)
			var d client.DebriefAnswer
			if status := tr.get("/api/attempts/"+g.ID+"/debrief", &d); status != http.StatusOK {
				t.Fatalf("debrief: status %d", status)
			}
			sess := loadScenario(t, "short-call").Start(42)
			for _, r := range replies {
				if _, err := sess.Choose(r); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(d.Debrief.Scores, scores(sess.Scores())) {
				t.Errorf("debrief scores %+v\nengine scores %+v", d.Debrief.Scores, sess.Scores())
			}
		})
	}
}

func TestMessageErrorsKeepTheConnection(t *testing.T) {
	h := start(t)
	c := h.trainee("Sam").dial()
	g := c.startGame("short-call")
	tests := []struct {
		name, frame, code string
		seq               int64
	}{
		{"not JSON", `{"type":`, "bad_message", 0},
		{"not an object", `[1, 2]`, "bad_message", 0},
		{"null", `null`, "bad_message", 0},
		{"two values", `{"type":"resume","seq":1,"attempt":"` + g.ID + `"} {}`, "bad_message", 0},
		{"no type", `{"seq": 3}`, "bad_message", 3},
		{"unknown type", `{"type":"dance","seq":4}`, "unknown_type", 4},
		{"unknown field", `{"type":"resume","seq":5,"attempt":"` + g.ID + `","extra":1}`, "bad_message", 5},
		{"seq is a string", `{"type":"choose","seq":"1","attempt":"` + g.ID + `","reply":"ask"}`, "bad_message", 0},
		{"seq is a fraction", `{"type":"choose","seq":1.5,"attempt":"` + g.ID + `","reply":"ask"}`, "bad_message", 0},
		{"reply missing", `{"type":"choose","seq":1,"attempt":"` + g.ID + `"}`, "bad_message", 1},
		{"seq missing", `{"type":"choose","attempt":"` + g.ID + `","reply":"ask"}`, "bad_seq", 0},
		{"seq zero", `{"type":"choose","seq":0,"attempt":"` + g.ID + `","reply":"ask"}`, "bad_seq", 0},
		{"seq ahead", `{"type":"choose","seq":7,"attempt":"` + g.ID + `","reply":"ask"}`, "bad_seq", 7},
		{"reply not offered", `{"type":"choose","seq":1,"attempt":"` + g.ID + `","reply":"offer"}`, "reply_not_offered", 1},
		{"no such reply", `{"type":"choose","seq":1,"attempt":"` + g.ID + `","reply":"sing"}`, "reply_not_offered", 1},
		{"unknown scenario", `{"type":"start","seq":2,"scenario":"no-such"}`, "unknown_scenario", 2},
		{"unknown attempt", `{"type":"resume","seq":2,"attempt":"0123"}`, "not_found", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.sendRaw(1, []byte(tt.frame))
			if e := c.expectError(tt.code); e.Seq != tt.seq || e.Message == "" {
				t.Errorf("error %+v, want seq %d and a message", e, tt.seq)
			}
			if s := c.resume(g.ID); s.Snapshot.Attempt.Turn != 0 || s.Snapshot.Attempt.LastSeq != 0 {
				t.Errorf("after %s the attempt is at turn %d, last_seq %d; want nothing applied",
					tt.name, s.Snapshot.Attempt.Turn, s.Snapshot.Attempt.LastSeq)
			}
		})
	}
	t.Run("binary frame", func(t *testing.T) {
		c.t = t
		c.sendRaw(2, []byte(`{"type":"resume"}`))
		c.expectError("bad_message")
		c.resume(g.ID)
	})
}

func TestRepeatedSeqIsAcknowledgedNotApplied(t *testing.T) {
	h := start(t)
	c := h.trainee("Sam").dial()
	g := c.startGame("short-call")
	g.choose("ask")
	for range 2 {
		c.send(client.Choose(1, g.ID, "own"))
		if a := expect[client.Ack](c); a.Seq != 1 {
			t.Fatalf("re-ack %+v, want seq 1", a)
		}
	}
	s := c.resume(g.ID)
	if s.Snapshot.Attempt.Turn != 1 || len(s.Snapshot.Transcript) != 1 || s.Snapshot.Attempt.LastSeq != 1 {
		t.Fatalf("after a repeated seq: turn %d, %d turns in transcript, last_seq %d; want 1, 1, 1",
			s.Snapshot.Attempt.Turn, len(s.Snapshot.Transcript), s.Snapshot.Attempt.LastSeq)
	}
	if !slices.Contains(ids(s.Snapshot.Replies), "ask") {
		t.Fatalf("still at the opening node, want ask on offer; got %v", ids(s.Snapshot.Replies))
	}
}

// Two tabs send the same next seq at once: one applies, the other is only
// acknowledged, and the attempt has exactly one turn.
func TestTwoTabsCannotApplyTheSameSeqTwice(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	a, b := tr.dial(), tr.dial()
	g := a.startGame("short-call")
	for round := int64(1); round <= 10; round++ {
		for _, c := range []*conn{a, b} {
			c.send(client.Choose(round, g.ID, "ask"))
		}
		turns := 0
		for _, c := range []*conn{a, b} {
			if typ, _ := c.next(); typ == "turn" {
				turns++
				expect[client.Ack](c)
			} else if typ != "ack" {
				t.Fatalf("round %d: got %s, want turn or ack", round, typ)
			}
		}
		if turns != 1 {
			t.Fatalf("round %d: %d turns applied, want 1", round, turns)
		}
	}
	if s := b.resume(g.ID); s.Snapshot.Attempt.Turn != 10 {
		t.Fatalf("turn %d after 10 rounds, want 10", s.Snapshot.Attempt.Turn)
	}
}

func TestStartAgainAnswersTheActiveAttempt(t *testing.T) {
	h := start(t)
	c := h.trainee("Sam").dial()
	g := c.startGame("short-call")
	g.choose("ask")
	again := c.startGame("short-call")
	if again.ID != g.ID || again.Snapshot.Attempt.Turn != 1 {
		t.Fatalf("second start gave attempt %s at turn %d, want %s at turn 1", again.ID, again.Snapshot.Attempt.Turn, g.ID)
	}
}

func TestGiveUp(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	g := c.startGame("short-call")
	g.choose("ask")
	g.choose("own")
	for range 2 { // a retried give_up (seq 3 again: give_up does not move last_seq) is answered the same way
		if e := g.giveUp(); e.Status != "given_up" || e.Ending != nil {
			t.Fatalf("ended %+v, want given_up without an ending", e)
		}
	}
	c.send(client.Choose(3, g.ID, "offer"))
	c.expectError("not_active")

	var d client.DebriefAnswer
	if status := tr.get("/api/attempts/"+g.ID+"/debrief", &d); status != http.StatusOK || d.Attempt.Status != "given_up" {
		t.Fatalf("debrief: status %d, attempt %+v", status, d.Attempt)
	}
	sess := loadScenario(t, "short-call").Start(1)
	for _, r := range []string{"ask", "own"} {
		if _, err := sess.Choose(r); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(d.Debrief.Scores, scores(sess.Scores())) {
		t.Errorf("debrief scores %+v\nengine scores %+v", d.Debrief.Scores, sess.Scores())
	}
	if s := c.resume(g.ID); s.Snapshot.Attempt.Status != "given_up" || len(s.Snapshot.Replies) != 0 {
		t.Errorf("snapshot of a given-up attempt: status %s, replies %v", s.Snapshot.Attempt.Status, ids(s.Snapshot.Replies))
	}
}

func TestNotYours(t *testing.T) {
	h := start(t)
	sam, kim := h.trainee("Sam"), h.trainee("Kim")
	g := sam.dial().startGame("short-call")
	c := kim.dial()
	for _, frame := range []client.Message{
		client.Resume(1, g.ID),
		client.Choose(1, g.ID, "ask"),
		client.GiveUp(1, g.ID),
	} {
		c.send(frame)
		c.expectError("not_yours")
	}
	for _, path := range []string{"/api/attempts/" + g.ID, "/api/attempts/" + g.ID + "/debrief"} {
		var body client.ErrorBody
		if status := kim.get(path, &body); status != http.StatusForbidden || body.Error.Code != "not_yours" {
			t.Errorf("GET %s as someone else: %d %q, want 403 not_yours", path, status, body.Error.Code)
		}
	}
}

func TestResumeAfterReconnectGivesTheSameConversation(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	g := c.startGame("short-call")
	var played []client.Turn
	for _, r := range []string{"ask", "ask", "own"} {
		played = append(played, g.choose(r))
	}
	_ = c.WS.Close()

	s := tr.dial().resume(g.ID).Snapshot
	last := played[len(played)-1]
	if !reflect.DeepEqual(ids(s.Replies), ids(last.Replies)) || !reflect.DeepEqual(s.Lines, last.Lines) {
		t.Errorf("resumed with lines %q replies %v; the last turn had %q %v", s.Lines, ids(s.Replies), last.Lines, ids(last.Replies))
	}
	if !reflect.DeepEqual(s.Opening, g.Snapshot.Opening) || s.Attempt.LastSeq != 3 || s.Attempt.Turn != 3 {
		t.Errorf("resumed opening %q, last_seq %d, turn %d; want %q, 3, 3", s.Opening, s.Attempt.LastSeq, s.Attempt.Turn, g.Snapshot.Opening)
	}
	for i := range played {
		played[i].Replies = nil // a transcript entry leaves out the replies that were on offer
	}
	if !reflect.DeepEqual(s.Transcript, played) {
		t.Errorf("transcript %+v\nplayed %+v", s.Transcript, played)
	}
	var overHTTP client.Snapshot
	if status := tr.get("/api/attempts/"+g.ID, &overHTTP); status != http.StatusOK {
		t.Fatalf("GET attempt: %d", status)
	}
	overHTTP.Seq = s.Seq
	if !reflect.DeepEqual(overHTTP, s) {
		t.Errorf("HTTP snapshot %+v\nwebsocket snapshot %+v", overHTTP, s)
	}
}

func TestRestartMidAttemptContinuesToTheEnd(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	g := tr.dial().startGame("short-call")
	first := g.choose("ask")

	h2 := h.restart()
	tr2 := tr.on(h2)
	c := tr2.dial()
	g2 := c.resume(g.ID)
	if g2.Snapshot.Attempt.Turn != 1 || g2.Snapshot.Attempt.LastSeq != 1 || !reflect.DeepEqual(g2.Snapshot.Lines, first.Lines) {
		t.Fatalf("after restart: turn %d, last_seq %d, lines %q; want 1, 1, %q",
			g2.Snapshot.Attempt.Turn, g2.Snapshot.Attempt.LastSeq, g2.Snapshot.Lines, first.Lines)
	}
	g2.choose("own")
	if tn := g2.choose("offer"); tn.Ending == nil || tn.Ending.ID != "resolved" {
		t.Fatalf("last turn %+v, want the resolved ending", tn)
	}
	expect[client.Ended](c)
	var d client.DebriefAnswer
	if status := tr2.get("/api/attempts/"+g.ID+"/debrief", &d); status != http.StatusOK || len(d.Debrief.Turns) != 3 {
		t.Fatalf("debrief after restart: status %d, %d turns", status, len(d.Debrief.Turns))
	}
}

func TestOversizedFrameIsRefusedThenClosed(t *testing.T) {
	h := start(t)
	c := h.trainee("Sam").dial()
	big := fmt.Sprintf(`{"type":"start","seq":1,"scenario":"%0*d"}`, 20<<10, 0)
	c.sendRaw(1, []byte(big))
	c.expectError("too_large")
	_, err := c.RecvRaw()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("after too_large: %v, want a close with code 1009", err)
	}
}
