package training

import (
	"context"
	"errors"
	"fmt"
)

// MaxActivePracticeRuns caps the practice runs one trainee may have active
// at once (docs/protocol.md, "Practice runs"): each copies turns of its
// source, so without a cap one trainee could fill the database. Finishing
// or giving one up frees its place; the sweep abandons idle ones.
const MaxActivePracticeRuns = 10

// Practise starts a practice run of u's ended attempt id from turn: a new
// attempt on the same scenario version and seed, at the engine state after
// the source's first turn-1 replies, holding copies of those turns. It is
// then played like any attempt.
func (s *Service) Practise(ctx context.Context, u User, id string, turn int) (ListedAttempt, error) {
	src, err := s.ownAttempt(ctx, u, id)
	if err != nil {
		return ListedAttempt{}, err
	}
	switch {
	case src.Status == StatusActive:
		return ListedAttempt{}, Errorf(CodeStillActive,
			"attempt %q is still being played: finish it or give up first, then practise from any of its turns", id)
	case src.Turns == 0:
		return ListedAttempt{}, Errorf(CodeBadRequest, "attempt %q has no turns to practise from: start a new attempt instead", id)
	case turn < 1 || turn > src.Turns:
		return ListedAttempt{}, Errorf(CodeBadRequest, "attempt %q has turns 1 to %d: send a turn in that range, not %d",
			id, src.Turns, turn)
	}
	// A trainee at the cap is told before the replay costs anything. Two
	// requests at once may both pass this count: the store holds the cap,
	// counting again inside the transaction that creates the run.
	switch n, err := s.st.ActivePracticeRuns(ctx, u.ID); {
	case err != nil:
		return ListedAttempt{}, err
	case n >= MaxActivePracticeRuns:
		return ListedAttempt{}, tooManyPractice()
	}
	sc, st, err := s.playedOn(ctx, src)
	if err != nil {
		return ListedAttempt{}, err
	}
	sess, err := sc.Replay(st, turn-1)
	if err != nil {
		return ListedAttempt{}, fmt.Errorf("practise from turn %d of attempt %s: %w", turn, id, err)
	}
	if wait, ok := s.lim.take(u.ID); !ok {
		return ListedAttempt{}, tooManyAttempts(wait)
	}
	state := EncodeSession(sess)
	p := Attempt{ID: newAttemptID(s.cfg.Now()), UserID: u.ID, PracticeOf: src.ID, PracticeFrom: turn, State: state}
	if err := s.st.CreatePractice(ctx, p, MaxActivePracticeRuns); err != nil {
		s.lim.refund(u.ID)
		if errors.Is(err, ErrTooManyPractice) {
			return ListedAttempt{}, tooManyPractice()
		}
		return ListedAttempt{}, fmt.Errorf("practise from turn %d of attempt %s: %w", turn, id, err)
	}
	a, err := s.st.Attempt(ctx, p.ID)
	if err != nil {
		return ListedAttempt{}, err
	}
	s.cfg.Log.Debug("practice run started", "attempt", a.ID, "of", id, "from_turn", turn, "user", u.ID)
	return ListedAttempt{Attempt: a, Title: sc.Title}, nil
}

// tooManyPractice refuses a practice run to a trainee at the cap.
func tooManyPractice() *Error {
	return Errorf(CodeTooManyPractice, "you have %d practice runs under way, the most there can be: "+
		"finish or give up one of your practice runs first", MaxActivePracticeRuns)
}
