package webui

import (
	"context"
	"errors"
	"parley/webui/training"
)

// playHandler answers one websocket message with the frames to send.
type playHandler func(ctx context.Context, u User, m message) ([]any, error)

func (s *Server) playHandlers() map[string]playHandler {
	return map[string]playHandler{
		"start":   s.playStart,
		"resume":  s.playResume,
		"choose":  s.playChoose,
		"give_up": s.playGiveUp,
	}
}

// checkSeq applies the per-attempt sequence rule: a seq already applied is
// acknowledged again (again is true), the next one is applied, anything
// else is bad_seq.
func checkSeq(la *liveAttempt, seq int64) (again bool, err error) {
	switch last := la.rec.LastSeq; {
	case seq <= last:
		return true, nil
	case seq == last+1:
		return false, nil
	default:
		return false, fail(training.CodeBadSeq, "seq %d is ahead: the last applied for attempt %q is %d, so send %d",
			seq, la.id, last, last+1)
	}
}

// reAck is the answer to a message already applied: its ack again.
func reAck(again bool, seq int64, attempt string) []any {
	if !again {
		return nil
	}
	return []any{ack(seq, attempt)}
}

func checkActive(la *liveAttempt) error {
	if la.rec.Status != training.StatusActive {
		return fail(training.CodeNotActive, "attempt %q is %s: start a new one", la.id, la.rec.Status)
	}
	return nil
}

// commitFailed explains a failed write after the in-memory session was
// dropped: an attempt that ended meanwhile (for example abandoned by the
// sweep) is not_active; anything else is internal, and nothing was applied.
func (s *Server) commitFailed(ctx context.Context, id string, err error) error {
	if errors.Is(err, training.ErrConflict) {
		if a, rerr := s.st.Attempt(ctx, id); rerr == nil && a.Status != training.StatusActive {
			return fail(training.CodeNotActive, "attempt %q is %s: start a new one", id, a.Status)
		}
	}
	return training.Internal(err)
}
