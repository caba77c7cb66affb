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

// TestRemoteAddr: the key the per-address caps count by. IPv4 is capped per
// address; IPv6 per /64, which one host can fill with addresses of its own.
func TestRemoteAddr(t *testing.T) {
	tests := []struct {
		remote, want string
	}{
		{"192.0.2.7:51000", "192.0.2.7"},
		{"192.0.2.8:51000", "192.0.2.8"},
		{"[::ffff:192.0.2.7]:51000", "192.0.2.7"},
		{"[2001:db8:1:2::1]:51000", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:51000", "2001:db8:1:3::/64"},
		{"[fe80::1%eth0]:51000", "fe80::/64"},
		{"127.0.0.1:51000", ""},
		{"[::1]:51000", ""},
		{"[::ffff:127.0.0.1]:51000", ""},
		{"not-an-address", "not-an-address"},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			if got := remoteAddr(&http.Request{RemoteAddr: tt.remote}); got != tt.want {
				t.Errorf("remoteAddr(%q) = %q, want %q", tt.remote, got, tt.want)
			}
		})
	}
}

// TestWSLimitsPerIPv6Prefix: one host picking a new IPv6 address from its
// /64 for each websocket still meets the per-address cap.
func TestWSLimitsPerIPv6Prefix(t *testing.T) {
	l := newWSLimits(Config{MaxWebsockets: 100, MaxWebsocketsPerUser: 100, MaxWebsocketsPerAddr: 2,
		NewWebsocketsPerSec: 1, NewWebsocketsBurst: 3, Now: time.Now})
	for i, remote := range []string{"[2001:db8::1]:1", "[2001:db8::2]:1", "[2001:db8::3]:1"} {
		err := l.acquire("u", remoteAddr(&http.Request{RemoteAddr: remote}))
		if want := i < 2; (err == nil) != want {
			t.Errorf("websocket %d from %s: %v, want allowed %v", i+1, remote, err, want)
		}
	}
	if err := l.acquire("u", remoteAddr(&http.Request{RemoteAddr: "[2001:db8:0:1::1]:1"})); err != nil {
		t.Errorf("from another /64: %v", err)
	}
}
