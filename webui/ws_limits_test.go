package webui

import (
	"net/http"
	"testing"
	"time"
)

// TestWSLimitsPerAddress: an address other than this machine's is capped on
// its own; loopback (a reverse proxy, the load tool) is capped per user only.
func TestWSLimitsPerAddress(t *testing.T) {
	now := time.Unix(0, 0)
	l := newWSLimits(Config{MaxWebsockets: 100, MaxWebsocketsPerUser: 100, MaxWebsocketsPerAddr: 2,
		NewWebsocketsPerSec: 1, NewWebsocketsBurst: 3, Now: func() time.Time { return now }})
	office := remoteAddr(&http.Request{RemoteAddr: "192.0.2.7:51000"})
	local := remoteAddr(&http.Request{RemoteAddr: "127.0.0.1:51000"})
	if office != "192.0.2.7" || local != "" {
		t.Fatalf("remote addresses %q and %q", office, local)
	}
	for i, user := range []string{"a", "b"} {
		if err := l.acquire(user, office); err != nil {
			t.Fatalf("websocket %d from the office: %v", i+1, err)
		}
	}
	if err := l.acquire("c", office); err == nil || err.Code != codeTooMany {
		t.Fatalf("third from the office: %v, want too_many_connections", err)
	}
	for i := range 5 {
		if err := l.acquire("c", local); err != nil {
			t.Fatalf("websocket %d from this machine: %v", i+1, err)
		}
	}
	l.release("a", office)
	if err := l.acquire("c", office); err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	for i := range 3 {
		if err := l.allowNew("d", office); err != nil {
			t.Fatalf("new websocket %d of a burst of 3: %v", i+1, err)
		}
	}
	if err := l.allowNew("e", office); err == nil {
		t.Fatal("a fourth new websocket from the office within the same instant was allowed")
	}
	now = now.Add(1500 * time.Millisecond) // one token back
	if err := l.allowNew("e", office); err != nil {
		t.Fatalf("after the bucket refilled: %v", err)
	}
}
