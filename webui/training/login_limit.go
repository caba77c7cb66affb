package training

import (
	"sync"
	"time"
)

// LoginLimits bound failed logins: at most PerAccount failures for one
// username and PerAddress from one address within Window; past either,
// logins for that username or from that address wait until the window
// that counted them ends. A successful login clears its username's count.
type LoginLimits struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// DefaultLoginLimits: 5 failures a username and 20 an address in 15
// minutes (OWASP's authentication cheat sheet suggests locking out after a
// few failures, for a limited time, rather than for good).
var DefaultLoginLimits = LoginLimits{PerAccount: 5, PerAddress: 20, Window: 15 * time.Minute}

// maxLimiterKeys bounds the limiter's memory: past it, the oldest windows
// are forgotten first.
const maxLimiterKeys = 100_000

// loginLimiter counts failed logins per username and per address in fixed
// windows. It is per process: each instance counts its own.
type loginLimiter struct {
	lim LoginLimits
	mu  sync.Mutex
	n   map[string]*failures
}

type failures struct {
	count int
	since time.Time // when the window opened
}

func newLoginLimiter(l LoginLimits) *loginLimiter {
	return &loginLimiter{lim: l, n: make(map[string]*failures)}
}

// attempt is a login counted as a failure before its password is checked,
// so a burst of concurrent logins cannot all pass the limit before any of
// them fails. A wrong password leaves it counted; succeed and cancel undo it.
type attempt struct {
	l        *loginLimiter
	username string
	user     *failures
	addr     *failures
}

// begin counts a login for username from addr as a failure and returns it,
// or, counting nothing, how long the login must wait if either limit is
// reached.
func (l *loginLimiter) begin(username, addr string, now time.Time) (*attempt, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait := max(l.waitKey("u:"+username, l.lim.PerAccount, now), l.waitKey("a:"+addr, l.lim.PerAddress, now)); wait > 0 {
		return nil, wait
	}
	if len(l.n) >= maxLimiterKeys {
		l.forgetLocked(now, true)
	}
	return &attempt{l: l, username: username, user: l.countLocked("u:"+username, now), addr: l.countLocked("a:"+addr, now)}, 0
}

func (l *loginLimiter) waitKey(key string, limit int, now time.Time) time.Duration {
	f := l.n[key]
	if f == nil || f.count < limit {
		return 0
	}
	if left := f.since.Add(l.lim.Window).Sub(now); left > 0 {
		return left
	}
	return 0
}

// countLocked adds one failure to key's window, opening a new window if
// the last one ended.
func (l *loginLimiter) countLocked(key string, now time.Time) *failures {
	f := l.n[key]
	if f == nil || !now.Before(f.since.Add(l.lim.Window)) {
		f = &failures{since: now}
		l.n[key] = f
	}
	f.count++
	return f
}

// succeed clears the username's failures and gives the address back the
// failure counted for this login.
func (t *attempt) succeed() {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	delete(t.l.n, "u:"+t.username)
	t.addr.count--
}

// cancel gives back the failure counted for a login whose password could
// not be checked (an error, not a wrong password).
func (t *attempt) cancel() {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.user.count--
	t.addr.count--
}

// forget drops windows that have ended.
func (l *loginLimiter) forget(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetLocked(now, false)
}

// forgetLocked drops ended windows; when full, it drops every window older
// than half of one too, so memory stays bounded under a flood of names.
func (l *loginLimiter) forgetLocked(now time.Time, full bool) {
	cut := now.Add(-l.lim.Window)
	if full {
		cut = now.Add(-l.lim.Window / 2)
	}
	for k, f := range l.n {
		if f.since.Before(cut) {
			delete(l.n, k)
		}
	}
	if full && len(l.n) >= maxLimiterKeys {
		clear(l.n) // a flood inside half a window: start again rather than grow
	}
}
