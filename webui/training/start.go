package training

import (
	"context"
	"errors"
	"time"

	"parley/engine"
)

// Start begins u's attempt on the scenario on offer with id scenarioID and
// returns its snapshot. A trainee has at most one active attempt per
// scenario: when one exists, its snapshot is the answer instead.
func (s *Service) Start(ctx context.Context, u User, scenarioID string) (Snapshot, error) {
	sc, ok := s.cat.Current(scenarioID)
	if !ok {
		return Snapshot{}, Errorf(CodeUnknownScenario, "there is no scenario %q: pick one from /api/scenarios", scenarioID)
	}
	a, sess, err := s.createAttempt(ctx, u, sc)
	if err != nil {
		return Snapshot{}, err
	}
	if sess == nil { // the attempt that was already active
		return s.Snapshot(ctx, u, a.ID)
	}
	// The new session is in hand and has no turns, and a is what the store
	// holds: nothing to load or read.
	la, fresh, err := s.live.adopt(ctx, a, sc, sess)
	if err != nil {
		return Snapshot{}, err
	}
	if !fresh {
		return s.snapshotLocked(ctx, la)
	}
	defer s.live.unlock(la)
	return buildSnapshot(la, nil)
}

// createAttempt stores a new attempt with a fresh seed and returns it and
// its session, or u's attempt on sc that is still active and no session.
func (s *Service) createAttempt(ctx context.Context, u User, sc *engine.Scenario) (Attempt, *engine.Session, error) {
	// Over the limit, start may still answer the attempt already active.
	if wait, ok := s.lim.take(u.ID); !ok {
		active, err := s.st.ActiveAttempt(ctx, u.ID, sc.ID)
		if err == nil {
			return active, nil, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Attempt{}, nil, err
		}
		return Attempt{}, nil, tooManyAttempts(wait)
	}
	seed := s.cfg.Seeds()
	sess := sc.Start(seed)
	now := time.UnixMilli(s.cfg.Now().UnixMilli()).UTC() // as stored
	a := Attempt{ID: newAttemptID(now), UserID: u.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: int64(seed),
		Status: StatusActive, State: EncodeSession(sess), StartedAt: now, UpdatedAt: now}
	err := s.st.CreateAttempt(ctx, a)
	if err != nil {
		s.lim.refund(u.ID) // nothing new was created
	}
	if errors.Is(err, ErrConflict) {
		active, aerr := s.st.ActiveAttempt(ctx, u.ID, sc.ID)
		if aerr == nil {
			return active, nil, nil
		}
	}
	if err != nil {
		return Attempt{}, nil, err
	}
	return a, sess, nil
}
