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

// wait is how long a login for username from addr must wait, or 0.
func (l *loginLimiter) wait(username, addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.waitKey("u:"+username, l.lim.PerAccount, now), l.waitKey("a:"+addr, l.lim.PerAddress, now))
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

// fail counts a failed login.
func (l *loginLimiter) fail(username, addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.n) >= maxLimiterKeys {
		l.forgetLocked(now, true)
	}
	for _, key := range []string{"u:" + username, "a:" + addr} {
		f := l.n[key]
		if f == nil || !now.Before(f.since.Add(l.lim.Window)) {
			f = &failures{since: now}
			l.n[key] = f
		}
		f.count++
	}
}

// succeed clears a username's failures.
func (l *loginLimiter) succeed(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.n, "u:"+username)
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
