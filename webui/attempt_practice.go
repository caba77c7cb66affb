package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"parley/webui/training"
)

// MaxActivePracticeRuns caps the practice runs one trainee may have active
// at once (docs/protocol.md, "Practice runs"): each copies turns of its
// source, so without a cap one trainee could fill the database. Finishing
// or giving one up frees its place; the sweep abandons idle ones.
const MaxActivePracticeRuns = 10

type practiceRequest struct {
	Turn int `json:"turn"`
}

// attemptPractice starts a practice run from the state before one turn of
// one of the caller's ended attempts, and answers it as an item of the
// attempt list. The browser then plays it with resume, like any attempt.
func (s *Server) attemptPractice(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req practiceRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	item, err := s.startPractice(r.Context(), u, r.PathValue("id"), req.Turn)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/attempts/"+item.ID)
	writeJSON(w, http.StatusCreated, item)
}

// startPractice creates the practice run of u's attempt id from turn: a new
// attempt on the same scenario version and seed, at the engine state after
// the source's first turn-1 replies, holding copies of those turns.
func (s *Server) startPractice(ctx context.Context, u User, id string, turn int) (attemptItem, error) {
	src, err := s.ownAttempt(ctx, u, id)
	if err != nil {
		return attemptItem{}, err
	}
	switch {
	case src.Status == training.StatusActive:
		return attemptItem{}, fail(training.CodeStillActive,
			"attempt %q is still being played: finish it or give up first, then practise from any of its turns", id)
	case src.Turns == 0:
		return attemptItem{}, fail(codeBadRequest, "attempt %q has no turns to practise from: start a new attempt instead", id)
	case turn < 1 || turn > src.Turns:
		return attemptItem{}, fail(codeBadRequest, "attempt %q has turns 1 to %d: send a turn in that range, not %d",
			id, src.Turns, turn)
	}
	// Two requests at once may both pass this count: the cap can be
	// exceeded by as many requests as one trainee has in flight.
	switch n, err := s.st.ActivePracticeRuns(ctx, u.ID); {
	case err != nil:
		return attemptItem{}, err
	case n >= MaxActivePracticeRuns:
		return attemptItem{}, fail(training.CodeTooManyPractice,
			"you have %d practice runs under way, the most there can be: finish or give up one of your practice runs first", n)
	}
	sc, st, err := s.playedOn(ctx, src)
	if err != nil {
		return attemptItem{}, err
	}
	sess, err := sc.Replay(st, turn-1)
	if err != nil {
		return attemptItem{}, fmt.Errorf("practise from turn %d of attempt %s: %w", turn, id, err)
	}
	state, err := json.Marshal(sess.State())
	if err != nil {
		return attemptItem{}, fmt.Errorf("practise from turn %d of attempt %s: encode state: %w", turn, id, err)
	}
	p := training.Attempt{ID: newID(), UserID: u.ID, PracticeOf: src.ID, PracticeFrom: turn, State: state}
	if err := s.st.CreatePractice(ctx, p); err != nil {
		return attemptItem{}, fmt.Errorf("practise from turn %d of attempt %s: %w", turn, id, err)
	}
	a, err := s.st.Attempt(ctx, p.ID)
	if err != nil {
		return attemptItem{}, err
	}
	s.log.Debug("practice run started", "attempt", a.ID, "of", id, "from_turn", turn, "user", u.ID)
	return listItem(a, sc.Title), nil
}
