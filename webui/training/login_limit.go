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
	count   int       // failed logins in the window
	pending int       // logins of this key whose password is being checked
	since   time.Time // when the window opened
}

func newLoginLimiter(l LoginLimits) *loginLimiter {
	return &loginLimiter{lim: l, n: make(map[string]*failures)}
}

// busyWait is how long a login waits when enough logins of its username or
// address are still being checked that, should they fail, the limit would
// be reached: long enough for those checks to end.
const busyWait = time.Second

// attempt is a login whose password is being checked. It counts as
// pending from begin until fail, succeed or cancel, so a burst of
// concurrent logins cannot all pass the limit before any of them fails;
// only a wrong password (fail) counts as a failure.
type attempt struct {
	l              *loginLimiter
	username, addr string
	u, a           *failures
}

// begin starts a login for username from addr, or returns how long it must
// wait: the rest of the window when either key has reached its limit of
// failures, and busyWait when its failures and the logins still being
// checked together would.
func (l *loginLimiter) begin(username, addr string, now time.Time) (*attempt, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	uKey, aKey := "u:"+username, "a:"+addr
	if wait := max(l.waitKey(uKey, l.lim.PerAccount, now), l.waitKey(aKey, l.lim.PerAddress, now)); wait > 0 {
		return nil, wait
	}
	if len(l.n) >= maxLimiterKeys {
		l.forgetLocked(now, true)
	}
	u, a := l.windowLocked(uKey, now), l.windowLocked(aKey, now)
	if u.count+u.pending >= l.lim.PerAccount || a.count+a.pending >= l.lim.PerAddress {
		return nil, busyWait
	}
	u.pending++
	a.pending++
	return &attempt{l: l, username: uKey, addr: aKey, u: u, a: a}, 0
}

// waitKey is the rest of key's window once its failures reached limit, or 0.
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

// windowLocked is key's current window, opened now if the last one ended.
func (l *loginLimiter) windowLocked(key string, now time.Time) *failures {
	f := l.n[key]
	if f == nil || !now.Before(f.since.Add(l.lim.Window)) {
		f = &failures{since: now}
		l.n[key] = f
	}
	return f
}

// done ends the login's pending count; the caller holds the lock. A window
// forgotten or replaced meanwhile is no longer in the map, and changing it
// is harmless.
func (t *attempt) done() {
	t.u.pending--
	t.a.pending--
}

// fail counts the login, whose password was wrong, as a failure for its
// username and its address.
func (t *attempt) fail(now time.Time) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.done()
	t.l.windowLocked(t.username, now).count++
	t.l.windowLocked(t.addr, now).count++
}

// succeed clears the username's failures.
func (t *attempt) succeed() {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.done()
	if f := t.l.n[t.username]; f != nil {
		f.count = 0
	}
}

// cancel ends a login whose password could not be checked (an error, not a
// wrong password): it counts as nothing.
func (t *attempt) cancel() {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.done()
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
