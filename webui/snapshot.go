package webui

import (
	"context"
	"encoding/json"
	"fmt"
	"parley/webui/training"

	"parley/engine"
)

// snapshot is everything needed to draw one of u's attempts: built from the
// committed state and the stored turns, so a reload, a dropped network and a
// server restart all look the same. seq is echoed when it answers a message.
func (s *Server) snapshot(ctx context.Context, u User, id string, seq int64) (snapshotFrame, error) {
	la, err := s.lockOwn(ctx, u, id)
	if err != nil {
		return snapshotFrame{}, err
	}
	defer s.live.unlock(la)
	turns, err := s.st.Turns(ctx, id)
	if err != nil {
		return snapshotFrame{}, err
	}
	return buildSnapshot(la, turns, seq)
}

// lockOwn locks u's attempt id, or says why not.
func (s *Server) lockOwn(ctx context.Context, u User, id string) (*liveAttempt, error) {
	la, err := s.live.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	if la.rec.UserID != u.ID {
		s.live.unlock(la)
		return nil, fail(training.CodeNotYours, "attempt %q belongs to someone else", id)
	}
	return la, nil
}

func buildSnapshot(la *liveAttempt, turns []training.Turn, seq int64) (snapshotFrame, error) {
	f := snapshotFrame{Type: "snapshot", Seq: seq, Attempt: head(la), Opening: nonNil(la.sc.Start(la.sess.Seed()).Lines()),
		Transcript: make([]turnView, 0, len(turns)), Lines: nonNil(la.sess.Lines()), Replies: []engine.Choice{},
		Mood: la.sess.Mood(), Ending: la.sess.Ending()}
	for _, t := range turns {
		var o engine.Outcome
		if err := json.Unmarshal(t.Event, &o); err != nil {
			return snapshotFrame{}, fmt.Errorf("attempt %s turn %d: stored event is not an engine outcome: %w", la.id, t.Number, err)
		}
		f.Transcript = append(f.Transcript, viewTurn(la.id, la.sc, o))
	}
	if la.rec.Status == training.StatusActive {
		replies, err := la.sess.Replies()
		if err != nil {
			return snapshotFrame{}, fmt.Errorf("attempt %s: %w", la.id, err)
		}
		f.Replies = replies
	}
	return f, nil
}

func head(la *liveAttempt) attemptHead {
	return attemptHead{ID: la.id, Scenario: la.rec.ScenarioID, Title: la.sc.Title, Status: string(la.rec.Status),
		Turn: la.sess.Turn(), LastSeq: la.rec.LastSeq, Practice: practiceOf(la.rec)}
}
