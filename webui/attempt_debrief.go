package webui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"parley/webui/training"

	"parley/engine"
)

type debriefResponse struct {
	Attempt  attemptItem    `json:"attempt"`
	Scenario scenarioDetail `json:"scenario"`
	Debrief  engine.Debrief `json:"debrief"`
}

// attemptDebrief reviews an ended attempt turn by turn, on the scenario
// version it was played on. The scores come from the engine, never the
// browser.
func (s *Server) attemptDebrief(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.debrief(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) debrief(ctx context.Context, u User, id string) (debriefResponse, error) {
	a, err := s.ownAttempt(ctx, u, id)
	if err != nil {
		return debriefResponse{}, err
	}
	if a.Status == training.StatusActive {
		return debriefResponse{}, fail(training.CodeNotActive, "attempt %q is still being played: finish it or give up first", id)
	}
	sc, st, err := s.playedOn(ctx, a)
	if err != nil {
		return debriefResponse{}, err
	}
	d, err := sc.Debrief(st)
	if err != nil {
		return debriefResponse{}, fmt.Errorf("debrief attempt %s: %w", id, err)
	}
	d.Opening, d.Turns, d.Scores = nonNil(d.Opening), nonNil(d.Turns), nonNil(d.Scores)
	return debriefResponse{Attempt: listItem(a, sc.Title), Scenario: detail(sc), Debrief: d}, nil
}

// ownAttempt reads one of u's attempts from the store, or says why not.
func (s *Server) ownAttempt(ctx context.Context, u User, id string) (training.Attempt, error) {
	a, err := s.st.Attempt(ctx, id)
	if errors.Is(err, training.ErrNotFound) {
		return training.Attempt{}, fail(training.CodeNotFound, "there is no attempt %q", id)
	}
	if err != nil {
		return training.Attempt{}, err
	}
	if a.UserID != u.ID {
		return training.Attempt{}, fail(training.CodeNotYours, "attempt %q belongs to someone else", id)
	}
	return a, nil
}

// playedOn is the scenario version a was played on and a's stored engine
// state.
func (s *Server) playedOn(ctx context.Context, a training.Attempt) (*engine.Scenario, engine.State, error) {
	sc, err := s.cat.Version(ctx, a.Version)
	if err != nil {
		return nil, engine.State{}, err
	}
	var st engine.State
	if err := json.Unmarshal(a.State, &st); err != nil {
		return nil, engine.State{}, fmt.Errorf("attempt %s: stored state is not JSON: %w", a.ID, err)
	}
	return sc, st, nil
}
