package training

import (
	"sync"
	"time"
)

// LoginLimits bound failed logins: at most PerAccount failures for one
// username and PerAddress from one address within Window; past either,
// logins for that username or from that address wait until the window
// that counted them ends. A successful login clears its username's count.
// Logins from a browser that signed in to the account before (a known
// device) have their own count of PerAccount instead of both.
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
	l        *loginLimiter
	username string // its key: a success clears it
	keys     []limitKey
	f        []*failures // keys' windows, as begin found them
}

// limitKey is one count a login is held to: its account's, its address's,
// or its known device's.
type limitKey struct {
	name  string
	limit int
}

// keysFor are the counts a login for username from addr is held to: the
// username's and the address's; from a known device (a browser that signed
// in to the account before, see deviceToken) only that device's own, so
// that nobody else's failures lock its owner out. The first key is the
// account's (or the device's): a success clears it, and the username's.
func (l *loginLimiter) keysFor(username, addr, device string) []limitKey {
	if device != "" {
		return []limitKey{{"d:" + username + ":" + device, l.lim.PerAccount}}
	}
	return []limitKey{{"u:" + username, l.lim.PerAccount}, {"a:" + addr, l.lim.PerAddress}}
}

// begin starts a login held to keys, or returns how long it must wait: the
// rest of the window when a key has reached its limit of failures, and
// busyWait when a key's failures and the logins still being checked
// together would.
func (l *loginLimiter) begin(username string, keys []limitKey, now time.Time) (*attempt, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		wait = max(wait, l.waitKey(k.name, k.limit, now))
	}
	if wait > 0 {
		return nil, wait
	}
	if len(l.n) >= maxLimiterKeys {
		l.forgetLocked(now, true)
	}
	t := &attempt{l: l, username: "u:" + username, keys: keys}
	for _, k := range keys {
		f := l.windowLocked(k.name, now)
		if f.count+f.pending >= k.limit {
			return nil, busyWait
		}
		t.f = append(t.f, f)
	}
	for _, f := range t.f {
		f.pending++
	}
	return t, 0
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
	for _, f := range t.f {
		f.pending--
	}
}

// fail counts the login, whose password was wrong, as a failure for each
// of its keys.
func (t *attempt) fail(now time.Time) {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.done()
	for _, k := range t.keys {
		t.l.windowLocked(k.name, now).count++
	}
}

// succeed clears the failures of its first key (the account's or the
// device's) and the username's: the password was proved.
func (t *attempt) succeed() {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	t.done()
	for _, k := range []string{t.keys[0].name, t.username} {
		if f := t.l.n[k]; f != nil {
			f.count = 0
		}
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
