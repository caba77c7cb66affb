package training

import (
	"context"
	"errors"
	"fmt"
)

// GiveUpResult is what giving up did.
type GiveUpResult struct {
	// Again is set when the seq was already applied: Ended is not set, and
	// the answer is its acknowledgement again.
	Again bool
	Ended Ended
}

// GiveUp ends u's attempt id as given up, with the scores so far, as
// message seq. Giving up an attempt already given up is answered the same
// way, so a retry is safe.
func (s *Service) GiveUp(ctx context.Context, u User, id string, seq int64) (GiveUpResult, error) {
	return onceMoreIfStale(id, seq, func() (GiveUpResult, error) { return s.giveUp(ctx, u, id, seq) })
}

func (s *Service) giveUp(ctx context.Context, u User, id string, seq int64) (GiveUpResult, error) {
	la, err := s.lockOwn(ctx, u, id)
	if err != nil {
		return GiveUpResult{}, err
	}
	defer s.live.unlock(la)
	if err := s.live.refresh(ctx, la); err != nil { // the scores must be the stored turns'
		return GiveUpResult{}, err
	}
	again, err := checkSeq(la, seq)
	switch {
	case again:
		return GiveUpResult{Again: true}, nil
	case err != nil:
		return GiveUpResult{}, err
	case la.rec.Status == StatusGivenUp:
		return GiveUpResult{Ended: *ended(la)}, nil
	}
	if err := checkActive(la); err != nil {
		return GiveUpResult{}, err
	}
	summary, err := EncodeScores(la.sess.Scores())
	if err != nil {
		return GiveUpResult{}, Internal(fmt.Errorf("encode scores of attempt %s: %w", la.id, err))
	}
	if err := s.st.EndAttempt(ctx, la.id, la.rec.Turns, StatusGivenUp, summary); err != nil {
		s.live.evict(la)
		a, rerr := s.st.Attempt(ctx, la.id)
		switch {
		case !errors.Is(err, ErrConflict) || rerr != nil:
		case a.Status == StatusGivenUp:
			// Given up on another instance first: answered as giving up again.
			return GiveUpResult{Ended: Ended{Status: StatusGivenUp, Ending: la.sess.Ending()}}, nil
		case a.Status == StatusActive && a.Turns != la.rec.Turns:
			// A turn was saved on another instance since the scores were
			// computed: they would be a turn short.
			return GiveUpResult{}, errStale
		}
		return GiveUpResult{}, s.commitFailed(ctx, la.id, err)
	}
	la.rec.Status, la.rec.Summary = StatusGivenUp, summary
	return GiveUpResult{Ended: *ended(la)}, nil
}
