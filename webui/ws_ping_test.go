package webui_test

import (
	"sync/atomic"
	"testing"
	"time"

	"parley/webui"
)

// TestPingOnlyWhenSilent: a browser that sends messages is never pinged and
// stays connected even if it never answers a ping, and one that goes silent
// is pinged and, not answering, dropped after the pong wait.
func TestPingOnlyWhenSilent(t *testing.T) {
	const ping, pong = 250 * time.Millisecond, 300 * time.Millisecond
	const every = 50 * time.Millisecond
	h := start(t, func(cfg *webui.Config) { cfg.PingAfter, cfg.PongWait = ping, pong })
	c := h.trainee("Sam").dial()
	var pings atomic.Int32
	c.WS.SetPingHandler(func(string) error { pings.Add(1); return nil }) // never answers
	g := c.startGame("short-call")

	// 1.5 s of a message every 50 ms: five pong waits. On a busy machine a
	// sleep can last longer than asked; a gap as long as PingAfter would
	// rightly be pinged, so the test measures the gaps it left.
	var longest time.Duration
	last := time.Now()
	for seq := int64(2); seq <= 31; seq++ {
		time.Sleep(every)
		longest = max(longest, time.Since(last))
		if _, err := c.Resume(seq, g.ID); err != nil {
			t.Fatalf("after %v of messages every %v: %v", time.Duration(seq-1)*every, every, err)
		}
		last = time.Now()
	}
	switch n := pings.Load(); {
	case n != 0 && longest < ping*4/5:
		t.Errorf("pinged %d times while sending a message every %v (the longest gap %v)", n, every, longest)
	case n != 0:
		t.Logf("pinged %d times: the machine left a gap of %v between messages, near PingAfter (%v)", n, longest, ping)
	}

	silent := time.Now()
	c.Timeout = 5 * time.Second
	if _, err := c.RecvRaw(); err == nil {
		t.Fatal("a silent browser that answers no ping got a frame, want the connection dropped")
	}
	if waited := time.Since(silent); waited > ping+pong+time.Second {
		t.Errorf("dropped %v after going silent, want within %v", waited, ping+pong)
	}
	if pings.Load() == 0 {
		t.Error("a silent browser was dropped without being pinged")
	}
}
