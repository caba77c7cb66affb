package webui_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parley/webui"
	"parley/webui/client"
)

// expectRefused reads the too_many_connections error frame and the close
// that follows it, with its code and reason.
func expectRefused(t *testing.T, c *conn) {
	t.Helper()
	c.expectError("too_many_connections")
	c.Timeout = 5 * time.Second
	_, err := c.RecvRaw()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseTryAgainLater || ce.Text != "too many connections" {
		t.Fatalf("after too_many_connections: %v, want close 1013 \"too many connections\"", err)
	}
}

// TestWebsocketsPerUserAreCapped: one user cannot hold more than the cap
// (20,000 websockets from one user used to lock everyone else out); another
// user still gets in, and closing one frees a slot.
func TestWebsocketsPerUserAreCapped(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.MaxWebsocketsPerUser = 2 })
	greedy, other := h.trainee("Greedy"), h.trainee("Other")
	first, _ := greedy.dial(), greedy.dial()
	expectRefused(t, greedy.dial())
	other.dial().send(client.Start(1, "late-shipment"))
	_ = first.WS.Close()
	waitFor(t, func() bool {
		c, err := greedy.s.Dial(context.Background(), nil, time.Now().Add(5*time.Second))
		if err != nil {
			return false
		}
		defer c.WS.Close()
		_, err = c.Start(1, "late-shipment")
		return err == nil
	})
}

// TestNewWebsocketsAreRateLimited: opening websockets faster than the
// bucket refills is answered 429 with Retry-After, before any upgrade.
func TestNewWebsocketsAreRateLimited(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.NewWebsocketsBurst, cfg.NewWebsocketsPerSec = 3, 0.01 })
	tr := h.trainee("Fast")
	for range 3 {
		_ = tr.dial().WS.Close()
	}
	var refused *client.UpgradeError
	if err := tr.dialFrom(h.url("")); !errors.As(err, &refused) || refused.StatusCode != http.StatusTooManyRequests ||
		refused.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth websocket in a burst of 3: %v, want 429 with Retry-After", err)
	}
}

// TestConnectionCapLeavesRoomForHealthChecks: with every websocket slot
// taken, a new websocket is refused with a reason, and /healthz still
// answers from the listener's reserve. Past the listener's cap a connection
// is closed at once rather than left waiting.
func TestConnectionCapLeavesRoomForHealthChecks(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.MaxWebsockets, cfg.MaxConnections = 2, 6 })
	h.trainee("A").dial()
	h.trainee("B").dial()
	expectRefused(t, h.trainee("C").dial())
	if status := h.anonymous().get("/healthz", nil); status != http.StatusOK {
		t.Fatalf("healthz with every websocket slot taken: %d, want 200", status)
	}
	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	for range 10 {
		c, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	closed := 0
	for _, c := range held {
		_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			closed++ // refused: the server closed it at once
		}
	}
	if closed < 10-4 { // 6 connections, 2 of them the websockets: at most 4 more are kept
		t.Errorf("%d of 10 connections past the cap were closed, want at least 6", closed)
	}
}

// TestSlowRequestBodyIsCutOff: a client that sends its headers and then
// trickles the body loses the connection after RequestTimeout.
func TestSlowRequestBodyIsCutOff(t *testing.T) {
	h := start(t, func(cfg *webui.Config) { cfg.RequestTimeout = 300 * time.Millisecond })
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte("POST /api/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"))
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			if isTimeout(err) {
				t.Fatal("the server kept a trickling request open for 10 s")
			}
			break
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cut off after %v, want about 300ms", d)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
