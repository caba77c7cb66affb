package webui_test

import (
	"net/http"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/client"
)

// TestStartingAttemptsIsRateLimited: a trainee who starts and gives up in
// a loop (60,000 attempts in 105 s) is refused new attempts past the burst
// with too_many_attempts, while start still answers the attempt already
// active, and practice runs draw on the same bucket; another trainee is
// not affected.
func TestStartingAttemptsIsRateLimited(t *testing.T) {
	for _, c := range []struct {
		name     string
		burst    int
		starts   int  // start + give_up rounds that must succeed
		resume   bool // then start while one is active: not a new attempt
		practice bool // then a practice run: refused too
	}{
		{"burst then refused", 3, 3, false, false},
		{"active attempt is returned, not refused", 2, 1, true, false},
		{"practice runs count", 2, 0, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := start(t, func(cfg *webui.Config) { cfg.StartBurst, cfg.StartEvery = c.burst, time.Hour })
			tr := h.trainee("Looper")
			conn := tr.dial()
			var last string
			for i := range c.starts {
				g := conn.startGame("short-call")
				last = g.ID
				if !c.resume || i < c.starts-1 {
					g.giveUp()
				}
			}
			if c.resume {
				// Burst spent by the attempt still active and one more start.
				g := conn.startGame("late-shipment")
				g.giveUp()
				again := conn.startGame("short-call")
				if again.ID != last {
					t.Fatalf("start with an active attempt: %s, want the active %s", again.ID, last)
				}
				return
			}
			if c.practice {
				src := playSource(t, conn, "short-call", "ask", "rude").g.ID // the first token
				if st, _ := tr.practise(src, 1); st != http.StatusCreated {  // the second
					t.Fatalf("first practice run: %d, want 201", st)
				}
				last = src
				var e struct {
					Error client.Error `json:"error"`
				}
				if st := tr.post("/api/attempts/"+last+"/practice", map[string]int{"turn": 1}, &e); st != http.StatusTooManyRequests || e.Error.Code != "too_many_attempts" {
					t.Fatalf("practice past the limit: %d %+v, want 429 too_many_attempts", st, e.Error)
				}
				return
			}
			conn.send(client.Start(9, "short-call"))
			if e := conn.expectError("too_many_attempts"); e.Message == "" {
				t.Errorf("too_many_attempts without a message")
			}
			other := h.trainee("Other").dial()
			other.startGame("short-call")
		})
	}
}
