package training

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"parley/engine"
)

// User is who acts, as the transport authenticated them.
type User struct {
	ID       string
	Name     string // display name
	Username string
	Roles    Roles
}

// Can reports whether u holds role.
func (u User) Can(role Role) bool { return u.Roles.Has(role) }

// Service is the attempt lifecycle: what a trainee does with attempts
// (start, resume, choose, give up, list, show, debrief, practise) and the
// sweep that closes idle ones. It commits every turn to the Store before
// answering, and keeps live sessions in memory. Its errors are *Error with
// a code, or internal ones that a transport hides.
type Service struct {
	st   Store
	cat  *Catalog
	live *liveAttempts
	cfg  ServiceConfig
	lim  *startLimit
}

// ServiceConfig tunes a Service.
type ServiceConfig struct {
	// Now is the clock. Nil means time.Now. The sweep compares it with the
	// store's own timestamps, so tests move it forward rather than back.
	Now func() time.Time
	// AbandonAfter is how long an attempt may sit idle before Sweep marks
	// it abandoned. Zero abandons every active attempt at each sweep.
	AbandonAfter time.Duration
	// IdleEvict is how long an unused session stays in memory. Zero drops
	// every session not in use at each sweep.
	IdleEvict time.Duration
	// Log is where the sweep and practice runs are logged. Nil discards.
	Log *slog.Logger
	// XAPI, when set, writes xAPI statements about each reply and each
	// finished attempt to the outbox, with the turn.
	XAPI *XAPIConfig
	// Leader, when set, says whether this instance marks idle attempts
	// abandoned (one instance of those sharing a database does); nil: it
	// does. Every instance drops its own idle sessions from memory.
	Leader Leader
	// Seeds gives each new attempt its seed, which picks its line variants
	// and the order of its replies; it is called from many goroutines at
	// once. Nil means crypto/rand; tests pin it to replay a conversation
	// word for word.
	Seeds func() uint64
	// StartBurst and StartEvery limit how fast one user starts new
	// attempts and practice runs (a token bucket per user, per instance):
	// StartBurst at once, then one every StartEvery. Resuming an attempt
	// still active is not a start. Zero StartBurst means
	// DefaultStartBurst and a negative one no limit; zero StartEvery means
	// DefaultStartEvery.
	StartBurst int
	StartEvery time.Duration
}

// NewService builds the lifecycle over st and the catalog cat.
func NewService(st Store, cat *Catalog, cfg ServiceConfig) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Seeds == nil {
		cfg.Seeds = newSeed
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.StartBurst == 0 {
		cfg.StartBurst = DefaultStartBurst
	}
	if cfg.StartEvery == 0 {
		cfg.StartEvery = DefaultStartEvery
	}
	return &Service{st: st, cat: cat, live: newLiveAttempts(st, cat, cfg.Now), cfg: cfg,
		lim: newStartLimit(cfg.StartBurst, cfg.StartEvery, cfg.Now)}
}

// Catalog is the catalog of scenario versions the service plays.
func (s *Service) Catalog() *Catalog { return s.cat }

// Sweep marks as abandoned every active attempt idle for longer than
// AbandonAfter, and drops sessions unused for IdleEvict from memory.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.cfg.Now()
	evicted := s.live.evictIdle(now.Add(-s.cfg.IdleEvict))
	if s.cfg.Leader != nil && !s.cfg.Leader.Leads(ctx) {
		return nil // another instance marks them
	}
	n, err := s.st.AbandonIdle(ctx, now.Add(-s.cfg.AbandonAfter))
	if err != nil {
		return fmt.Errorf("sweep: mark idle attempts abandoned: %w", err)
	}
	if n > 0 {
		// Sessions kept warm by reads still say "active": drop every unlocked
		// one, so the next message reloads its attempt as stored.
		evicted += s.live.evictIdle(now)
	}
	if n > 0 || evicted > 0 {
		s.cfg.Log.Info("sweep", "abandoned", n, "evicted_from_memory", evicted)
	}
	return nil
}

// RunSweeps calls Sweep every period until ctx is done, logging failures.
func (s *Service) RunSweeps(ctx context.Context, every time.Duration) {
	runEvery(ctx, every, s.Sweep, s.cfg.Log, "sweep failed; it will run again")
}

// runEvery calls f every period until ctx is done, logging its failures
// with why.
func runEvery(ctx context.Context, every time.Duration, f func(context.Context) error, log *slog.Logger, why string) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f(ctx); err != nil {
				log.Warn(why, "err", err)
			}
		}
	}
}

// lockOwn locks u's attempt id, or says why not: the authorisation policy
// for a live attempt.
func (s *Service) lockOwn(ctx context.Context, u User, id string) (*liveAttempt, error) {
	la, err := s.live.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	if la.rec.UserID != u.ID {
		s.live.unlock(la)
		return nil, Errorf(CodeNotYours, "attempt %q belongs to someone else", id)
	}
	return la, nil
}

// ownAttempt reads one of u's attempts from the store, or says why not: the
// authorisation policy for a stored attempt.
func (s *Service) ownAttempt(ctx context.Context, u User, id string) (Attempt, error) {
	a, err := s.st.Attempt(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Attempt{}, Errorf(CodeNotFound, "there is no attempt %q", id)
	}
	if err != nil {
		return Attempt{}, err
	}
	if a.UserID != u.ID {
		return Attempt{}, Errorf(CodeNotYours, "attempt %q belongs to someone else", id)
	}
	return a, nil
}

// playedOn is the scenario version a was played on and a's stored engine
// state.
func (s *Service) playedOn(ctx context.Context, a Attempt) (*engine.Scenario, engine.State, error) {
	sc, err := s.cat.Version(ctx, a.Version)
	if err != nil {
		return nil, engine.State{}, err
	}
	st, err := StateOf(sc, a.State)
	if err != nil {
		return nil, engine.State{}, fmt.Errorf("attempt %s: %w", a.ID, err)
	}
	return sc, st, nil
}
