package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"parley/webui/training"
)

// playGiveUp ends the attempt as given up, with the scores so far, then
// sends ack and ended. Giving up an attempt already given up is answered
// the same way, so a retry is safe.
func (s *Server) playGiveUp(ctx context.Context, u User, m message) ([]any, error) {
	la, err := s.lockOwn(ctx, u, m.Attempt)
	if err != nil {
		return nil, err
	}
	defer s.live.unlock(la)
	again, err := checkSeq(la, m.Seq)
	switch {
	case again:
		return []any{ack(m.Seq, la.id)}, nil
	case err != nil:
		return nil, err
	case la.rec.Status == training.StatusGivenUp:
		return []any{ack(m.Seq, la.id), ended(la)}, nil
	}
	if err := checkActive(la); err != nil {
		return nil, err
	}
	summary, err := json.Marshal(la.sess.Scores())
	if err != nil {
		return nil, training.Internal(fmt.Errorf("encode scores of attempt %s: %w", la.id, err))
	}
	if err := s.st.EndAttempt(ctx, la.id, training.StatusGivenUp, summary); err != nil {
		s.live.evict(la)
		return nil, s.commitFailed(ctx, la.id, err)
	}
	la.rec.Status, la.rec.Summary = training.StatusGivenUp, summary
	return []any{ack(m.Seq, la.id), ended(la)}, nil
}
