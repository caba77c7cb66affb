package webui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"parley/webui/training"

	"parley/engine"
)

// playChoose applies a reply: the engine moves, the turn is committed, and
// only then are turn, ack (and ended) sent. If the commit fails the session
// is dropped from memory, so the next message reloads it as stored.
func (s *Server) playChoose(ctx context.Context, u User, m message) ([]any, error) {
	la, err := s.lockOwn(ctx, u, m.Attempt)
	if err != nil {
		return nil, err
	}
	defer s.live.unlock(la)
	if again, err := checkSeq(la, m.Seq); again || err != nil {
		return reAck(again, m.Seq, la.id), err
	}
	if err := checkActive(la); err != nil {
		return nil, err
	}
	o, err := la.sess.Choose(m.Reply)
	if err != nil {
		return nil, chooseFailed(m.Reply, err)
	}
	next, err := la.sess.Replies()
	if err != nil {
		s.live.evict(la)
		return nil, training.Internal(fmt.Errorf("attempt %s after reply %q: %w", la.id, m.Reply, err))
	}
	if err := s.commitTurn(ctx, la, m.Seq, o); err != nil {
		s.live.evict(la)
		return nil, s.commitFailed(ctx, la.id, err)
	}
	frames := []any{turnFrame{Type: "turn", turnView: viewTurn(la.id, la.sc, o), Replies: nonNil(next)}, ack(m.Seq, la.id)}
	if la.sess.Ended() {
		frames = append(frames, ended(la))
	}
	return frames, nil
}

// chooseFailed maps the engine's refusal to an error code.
func chooseFailed(reply string, err error) error {
	switch {
	case errors.Is(err, engine.ErrNotOffered), errors.Is(err, engine.ErrUnknownReply):
		return fail(training.CodeReplyNotOffered, "reply %q is not on offer now: pick one of the replies in the last turn or snapshot", reply)
	case errors.Is(err, engine.ErrEnded):
		return fail(training.CodeNotActive, "the conversation has ended")
	}
	return training.Internal(err)
}

// commitTurn saves the turn, the new state and seq (and the ending) in one
// transaction, then records them in la.
func (s *Server) commitTurn(ctx context.Context, la *liveAttempt, seq int64, o engine.Outcome) error {
	event, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode turn %d: %w", o.Turn, err)
	}
	state, err := json.Marshal(la.sess.State())
	if err != nil {
		return fmt.Errorf("encode state after turn %d: %w", o.Turn, err)
	}
	w := training.TurnWrite{AttemptID: la.id, State: state, LastSeq: seq,
		Turn: training.Turn{Number: o.Turn, Seq: seq, ReplyID: o.Reply.ID, Event: event}}
	if o.Ending != nil {
		summary, err := json.Marshal(la.sess.Scores())
		if err != nil {
			return fmt.Errorf("encode scores: %w", err)
		}
		w.End = &training.Ending{Status: training.StatusFinished, Ending: o.Ending.ID, Outcome: o.Ending.Outcome, Summary: summary}
	}
	if err := s.st.SaveTurn(ctx, w); err != nil {
		return err
	}
	la.rec.State, la.rec.LastSeq, la.rec.Turns = state, seq, o.Turn
	if w.End != nil {
		la.rec.Status, la.rec.Ending, la.rec.Outcome, la.rec.Summary = training.StatusFinished, o.Ending.ID, o.Ending.Outcome, w.End.Summary
	}
	return nil
}
