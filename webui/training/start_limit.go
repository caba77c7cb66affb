package training

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Defaults for ServiceConfig's limit on new attempts (docs/protocol.md,
// "Limits"): a burst of StartBurst, then one every StartEvery.
const (
	DefaultStartBurst = 10
	DefaultStartEvery = 3 * time.Second
)

// CodeTooManyAttempts refuses a new attempt or practice run started faster
// than the limit; Error.RetryAfter says when the next one may start.
const CodeTooManyAttempts = "too_many_attempts"

// startLimit is a token bucket per user over new attempts (scored ones
// and practice runs): a burst, then one every interval. It is per
// instance; a user's buckets on several instances add up.
type startLimit struct {
	burst float64
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*startBucket
	swept   time.Time
}

type startBucket struct {
	tokens float64
	at     time.Time
}

func newStartLimit(burst int, every time.Duration, now func() time.Time) *startLimit {
	return &startLimit{burst: float64(burst), every: every, now: now, buckets: map[string]*startBucket{}}
}

// take spends one of user's tokens, or returns how long until one is due.
// A limit with no burst is no limit.
func (l *startLimit) take(user string) (time.Duration, bool) {
	if l == nil || l.burst <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b := l.buckets[user]
	if b == nil {
		b = &startBucket{tokens: l.burst, at: now}
		l.buckets[user] = b
	}
	if l.every > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	if l.every <= 0 {
		return time.Hour, false
	}
	wait := time.Duration((1 - b.tokens) * float64(l.every))
	return wait, false
}

// refund gives back a token taken for an attempt that was not created.
func (l *startLimit) refund(user string) {
	if l == nil || l.burst <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[user]; b != nil {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// sweep drops, once a minute, the buckets full again: they hold nothing a
// new bucket would not.
func (l *startLimit) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	full := time.Duration(l.burst * float64(l.every))
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}

// tooManyAttempts is the error for a start refused by the limit.
func tooManyAttempts(wait time.Duration) *Error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &Error{Code: CodeTooManyAttempts, RetryAfter: time.Duration(secs) * time.Second,
		Message: fmt.Sprintf("you have started too many attempts in a short time: wait %d s, then start again (or resume one under way)", secs)}
}
