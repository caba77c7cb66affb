package training

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"parley/engine"
)

// liveAttempt is one attempt in memory. mu is held for the whole handling of
// one message, so two tabs on the same attempt cannot interleave; rec is the
// attempt as last committed, and sess its session while locked (between
// messages only rec.State is kept).
type liveAttempt struct {
	mu    sync.Mutex
	id    string
	ready bool // rec and sc are loaded
	gone  bool // evicted: whoever locks it next must look it up again
	fresh bool // loaded from the store since it was last locked: not stale
	rec   Attempt
	sc    *engine.Scenario
	sess  *engine.Session
	used  time.Time
}

// liveAttempts keeps sessions in memory, keyed by attempt id, loading them
// from the store on first use and evicting them when they end, fail or idle.
type liveAttempts struct {
	st  Store
	cat *Catalog
	now func() time.Time

	mu sync.Mutex
	m  map[string]*liveAttempt
}

func newLiveAttempts(st Store, cat *Catalog, now func() time.Time) *liveAttempts {
	return &liveAttempts{st: st, cat: cat, now: now, m: map[string]*liveAttempt{}}
}

// lock returns the attempt's live session, locked, loading it if needed.
// Release it with unlock.
func (l *liveAttempts) lock(ctx context.Context, id string) (*liveAttempt, error) {
	for {
		la := l.entry(id)
		la.mu.Lock()
		if la.gone {
			la.mu.Unlock()
			continue
		}
		var err error
		switch {
		case !la.ready:
			err = l.load(ctx, la)
		case la.sess == nil:
			err = la.resume()
		}
		if err != nil {
			l.evict(la)
			la.mu.Unlock()
			return nil, err
		}
		return la, nil
	}
}

// unlock releases la; an attempt that is over leaves memory. An active
// one keeps its record, whose stored state is the session's, and drops the
// session: a trainee thinking about a reply costs memory for a few hundred
// bytes of state, and the next message resumes it (docs/performance.md).
func (l *liveAttempts) unlock(la *liveAttempt) {
	la.used, la.fresh = l.now(), false
	if la.rec.Status != StatusActive {
		l.evict(la)
	}
	la.sess = nil
	la.mu.Unlock()
}

func (l *liveAttempts) entry(id string) *liveAttempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	la, ok := l.m[id]
	if !ok {
		la = &liveAttempt{id: id}
		l.m[id] = la
	}
	return la
}

// evict forgets la; the caller holds la.mu. The next lock reloads the
// attempt from the store, which is how a failed commit is rolled back.
func (l *liveAttempts) evict(la *liveAttempt) {
	la.gone = true
	l.mu.Lock()
	if l.m[la.id] == la {
		delete(l.m, la.id)
	}
	l.mu.Unlock()
}

// load reads the attempt and resumes its session on the scenario version it
// was played on.
func (l *liveAttempts) load(ctx context.Context, la *liveAttempt) error {
	rec, err := l.st.Attempt(ctx, la.id)
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, "there is no attempt %q: start a new one", la.id)
	}
	if err != nil {
		return err
	}
	return l.resume(ctx, la, rec)
}

// resume makes la the attempt rec, its session resumed from rec's state.
func (l *liveAttempts) resume(ctx context.Context, la *liveAttempt, rec Attempt) error {
	sc, err := l.cat.Version(ctx, rec.Version)
	if err != nil {
		return fmt.Errorf("resume attempt %s: %w", la.id, err)
	}
	sess, err := ResumeSession(sc, rec.State)
	if err != nil {
		return fmt.Errorf("resume attempt %s from its stored state: %w", la.id, err)
	}
	la.rec, la.sc, la.sess, la.ready, la.fresh = rec, sc, sess, true, true
	return nil
}

// adopt returns attempt a, just created with session sess, locked and in
// memory, without reading it back: a is the stored record (the Service
// stamped its times). fresh is false when another message loaded it first
// and may have moved it on: then the session is the store's, as lock would
// give it. A turn played meanwhile on another instance is caught when this
// one saves a turn (errStale). Release it with unlock.
func (l *liveAttempts) adopt(ctx context.Context, a Attempt, sc *engine.Scenario, sess *engine.Session) (la *liveAttempt, fresh bool, err error) {
	for {
		la := l.entry(a.ID)
		la.mu.Lock()
		if la.gone {
			la.mu.Unlock()
			continue
		}
		if la.ready { // another message loaded it first: as lock gives it
			la.mu.Unlock()
			la, err := l.lock(ctx, a.ID)
			return la, false, err
		}
		la.rec, la.sc, la.sess, la.ready = a, sc, sess, true
		return la, true, nil
	}
}

// resume rebuilds la's session from its record's state.
func (la *liveAttempt) resume() error {
	sess, err := ResumeSession(la.sc, la.rec.State)
	if err != nil {
		return fmt.Errorf("resume attempt %s from its state in memory: %w", la.id, err)
	}
	la.sess = sess
	return nil
}

// evictIdle forgets every session not used since before. Sessions being
// used right now are left alone.
func (l *liveAttempts) evictIdle(before time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for id, la := range l.m {
		if !la.mu.TryLock() {
			continue
		}
		if la.used.Before(before) {
			la.gone = true
			delete(l.m, id)
			n++
		}
		la.mu.Unlock()
	}
	return n
}
