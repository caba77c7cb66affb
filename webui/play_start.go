package webui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"parley/webui/training"

	"parley/engine"
)

// playStart begins an attempt on a scenario on offer and answers its
// snapshot. A trainee has at most one active attempt per scenario: when one
// exists, its snapshot is the answer instead.
func (s *Server) playStart(ctx context.Context, u User, m message) ([]any, error) {
	sc, ok := s.cat.Current(m.Scenario)
	if !ok {
		return nil, fail(training.CodeUnknownScenario, "there is no scenario %q: pick one from /api/scenarios", m.Scenario)
	}
	id, err := s.createAttempt(ctx, u, sc)
	if err != nil {
		return nil, err
	}
	snap, err := s.snapshot(ctx, u, id, m.Seq)
	if err != nil {
		return nil, err
	}
	return []any{snap}, nil
}

// createAttempt stores a new attempt with a fresh seed and returns its id,
// or the id of u's attempt on sc that is still active.
func (s *Server) createAttempt(ctx context.Context, u User, sc *engine.Scenario) (string, error) {
	seed := newSeed()
	state, err := json.Marshal(sc.Start(seed).State())
	if err != nil {
		return "", fmt.Errorf("start %s: encode state: %w", sc.ID, err)
	}
	a := training.Attempt{ID: newID(), UserID: u.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: int64(seed), State: state}
	err = s.st.CreateAttempt(ctx, a)
	if errors.Is(err, training.ErrNotFound) {
		// The user row is missing (a new database behind an old cookie): record it and try once more.
		if err := s.st.EnsureUser(ctx, u.ID, u.Name); err != nil {
			return "", err
		}
		err = s.st.CreateAttempt(ctx, a)
	}
	if errors.Is(err, training.ErrConflict) {
		active, aerr := s.st.ActiveAttempt(ctx, u.ID, sc.ID)
		if aerr == nil {
			return active.ID, nil
		}
	}
	if err != nil {
		return "", err
	}
	return a.ID, nil
}
