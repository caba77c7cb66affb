package training

import (
	"context"
	"errors"

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
	id, err := s.createAttempt(ctx, u, sc)
	if err != nil {
		return Snapshot{}, err
	}
	return s.Snapshot(ctx, u, id)
}

// createAttempt stores a new attempt with a fresh seed and returns its id,
// or the id of u's attempt on sc that is still active.
func (s *Service) createAttempt(ctx context.Context, u User, sc *engine.Scenario) (string, error) {
	seed := newSeed()
	state := EncodeSession(sc.Start(seed))
	a := Attempt{ID: NewID(), UserID: u.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: int64(seed), State: state}
	err := s.st.CreateAttempt(ctx, a)
	if errors.Is(err, ErrConflict) {
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
