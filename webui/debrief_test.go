package webui_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/client"
)

// TestDebriefSaysWhetherTheCallWasComplete: an attempt that reached an
// ending is complete, with the ending's success as the scenario declares
// it (short-call: only "resolved" is a success); one given up or abandoned
// is not, says how many turns were played, and is still scored against the
// whole call.
func TestDebriefSaysWhetherTheCallWasComplete(t *testing.T) {
	tests := []struct {
		name     string
		replies  []string
		end      string // "" (an ending was reached), "give_up" or "abandon"
		status   string
		complete bool
		ending   string
		success  bool
	}{
		{"finished, resolved", []string{"own", "offer"}, "", "finished", true, "resolved", true},
		{"finished, lost", []string{"ask", "rude"}, "", "finished", true, "hung-up", false},
		{"given up at turn 3", []string{"ask", "ask", "own"}, "give_up", "given_up", false, "", false},
		{"given up before any turn", nil, "give_up", "given_up", false, "", false},
		{"abandoned", []string{"ask"}, "abandon", "abandoned", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var offset time.Duration
			h := start(t, func(cfg *webui.Config) { cfg.Now = func() time.Time { return time.Now().Add(offset) } })
			tr := h.trainee("Sam")
			c := tr.dial()
			g := c.startGame("short-call")
			for _, r := range tt.replies {
				g.choose(r)
			}
			switch tt.end {
			case "":
				expect[client.Ended](c)
			case "give_up":
				g.giveUp()
			case "abandon":
				offset = webui.DefaultAbandonAfter + time.Hour
				if err := h.srv.Sweep(context.Background()); err != nil {
					t.Fatal(err)
				}
			}

			var d client.DebriefAnswer
			if status := tr.get("/api/attempts/"+g.ID+"/debrief", &d); status != http.StatusOK {
				t.Fatalf("debrief: %d", status)
			}
			if d.Attempt.Status != tt.status || d.Attempt.Turns != len(tt.replies) || len(d.Debrief.Turns) != len(tt.replies) ||
				d.Debrief.Complete != tt.complete {
				t.Errorf("attempt %+v with %d debrief turns, complete %v; want %s, %d turns, complete %v",
					d.Attempt, len(d.Debrief.Turns), d.Debrief.Complete, tt.status, len(tt.replies), tt.complete)
			}
			switch e := d.Debrief.Ending; {
			case tt.ending == "" && e != nil:
				t.Errorf("ending %+v, want none", e)
			case tt.ending != "" && (e == nil || e.ID != tt.ending || e.Success != tt.success):
				t.Errorf("ending %+v, want %s with success %v", e, tt.ending, tt.success)
			}
			rec, _ := storedState(t, h, g.ID)
			sess := loadScenario(t, "short-call").Start(uint64(rec.Seed))
			for _, r := range tt.replies {
				if _, err := sess.Choose(r); err != nil {
					t.Fatal(err)
				}
			}
			if len(d.Debrief.Scores) == 0 || !reflect.DeepEqual(d.Debrief.Scores, scores(sess.Scores())) {
				t.Errorf("debrief scores %+v\nengine scores %+v", d.Debrief.Scores, sess.Scores())
			}
			for _, s := range d.Debrief.Scores {
				if s.Best <= 0 {
					t.Errorf("score %s is out of %d points, want the best of the whole call", s.Competency, s.Best)
				}
			}
		})
	}
}
