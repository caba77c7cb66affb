package webui

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"parley/webui/training"
	"sync"
	"time"
)

// Defaults for Config's connection limits (docs/protocol.md, "Limits").
const (
	DefaultMaxWebsockets        = 10_000
	DefaultMaxWebsocketsPerUser = 8   // a trainee's tabs
	DefaultMaxWebsocketsPerAddr = 256 // one office behind one address
	DefaultNewWebsocketsPerSec  = 5   // per user and per address, after a burst
	DefaultNewWebsocketsBurst   = 20
	// ConnectionReserve is how many connections beyond MaxWebsockets the
	// listener accepts by default: room for page loads, the API and health
	// checks when every websocket slot is taken.
	ConnectionReserve = 512
)

// wsLimits decides whether a new websocket may open: caps on how many are
// open (overall, per user, per address) and on how fast a user or an
// address opens new ones (token buckets). Connections from this machine (a
// reverse proxy, the load tool) are limited per user and overall only.
type wsLimits struct {
	maxAll, maxUser, maxAddr int
	rate, burst              float64
	now                      func() time.Time

	mu      sync.Mutex
	open    int
	byUser  map[string]int
	byAddr  map[string]int
	buckets map[string]*bucket // "u:" + user id or "a:" + address
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newWSLimits(cfg Config) *wsLimits {
	return &wsLimits{maxAll: cfg.MaxWebsockets, maxUser: cfg.MaxWebsocketsPerUser, maxAddr: cfg.MaxWebsocketsPerAddr,
		rate: cfg.NewWebsocketsPerSec, burst: float64(cfg.NewWebsocketsBurst), now: cfg.Now,
		byUser: map[string]int{}, byAddr: map[string]int{}, buckets: map[string]*bucket{}}
}

// remoteAddr is the request's client address without its port, or "" for
// a connection from this machine: an IPv4 address as it is, an IPv6 one as
// its /64 prefix ("2001:db8:1:2::/64"), since one host or one site usually
// has a whole /64 to pick addresses from and the per-address caps would
// otherwise not hold.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	return addrKey(ip)
}

// addrKey is how an address is counted: "" for this machine, an IPv4
// address as it is, an IPv6 one as its /64.
func addrKey(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return ""
	case ip.Is6():
		p, err := ip.WithZone("").Prefix(64)
		if err != nil {
			return ip.String()
		}
		return p.String()
	}
	return ip.String()
}

// allowNew takes a token for a new websocket from the user's and the
// address's buckets, or says why not.
func (l *wsLimits) allowNew(user, addr string) *training.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	var keys []string
	if user != "" {
		keys = append(keys, "u:"+user)
	}
	if addr != "" {
		keys = append(keys, "a:"+addr)
	}
	for _, k := range keys {
		if l.fill(k, now).tokens < 1 {
			return fail(codeTooMany, "too many new connections in a short time; wait a few seconds and reload the page")
		}
	}
	for _, k := range keys {
		l.buckets[k].tokens--
	}
	return nil
}

// fill tops up bucket k for the time since it was last used.
func (l *wsLimits) fill(k string, now time.Time) *bucket {
	b, ok := l.buckets[k]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[k] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	return b
}

// sweep forgets, once a minute, buckets that have been full for a while.
func (l *wsLimits) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// acquire takes an open-websocket slot for user at addr, or says why not.
// The caller calls release exactly once when the websocket is gone.
func (l *wsLimits) acquire(user, addr string) *training.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.open >= l.maxAll:
		return fail(codeTooMany, "the server is at its limit of %d open conversations; try again in a minute", l.maxAll)
	case l.byUser[user] >= l.maxUser:
		return fail(codeTooMany, "you have %d Parley tabs or windows connected already; close one and reload this page", l.maxUser)
	case addr != "" && l.byAddr[addr] >= l.maxAddr:
		return fail(codeTooMany, "too many connections from your network (%d); try again in a minute", l.maxAddr)
	}
	l.open++
	l.byUser[user]++
	if addr != "" {
		l.byAddr[addr]++
	}
	return nil
}

func (l *wsLimits) release(user, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byUser[user]--; l.byUser[user] <= 0 {
		delete(l.byUser, user)
	}
	if addr != "" {
		if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
			delete(l.byAddr, addr)
		}
	}
}

// limitListener accepts at most max connections at once. One over the
// limit is closed at once, so the process never runs out of file
// descriptors and the kernel's queue does not fill with waiting clients.
type limitListener struct {
	net.Listener
	slots chan struct{}
	full  func() // called (rate-limited by the caller) when one is refused
}

func newLimitListener(ln net.Listener, max int, full func()) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, max), full: full}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			_ = c.Close()
			l.full()
		}
	}
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
