package training

import (
	"context"
	"fmt"

	"parley/engine"
)

// Snapshot is everything needed to draw an attempt: built from the
// committed state and the stored turns, so a reload, a dropped network and
// a server restart all look the same.
type Snapshot struct {
	Attempt    Attempt          // as last committed
	Scenario   *engine.Scenario // the version it is played on
	Turn       int              // the session's turn
	Opening    []string         // the scenario's opening lines for this seed
	Transcript []engine.Outcome // every turn so far, in order
	Lines      []string         // the lines said since the last reply
	Replies    []engine.Choice  // on offer now; set only while active
	Mood       []engine.MoodReading
	Ending     *engine.EndingInfo
	// Trainee is whose attempt it is, for someone watching it (Watch):
	// their header names them. The zero Account otherwise.
	Trainee Account
}

// Snapshot is one of u's attempts as it stands.
func (s *Service) Snapshot(ctx context.Context, u User, id string) (Snapshot, error) {
	la, err := s.lockOwn(ctx, u, id)
	if err != nil {
		return Snapshot{}, err
	}
	if err := s.live.refresh(ctx, la); err != nil { // another instance may have moved it on
		s.live.unlock(la)
		return Snapshot{}, err
	}
	return s.snapshotLocked(ctx, la)
}

// snapshotLocked builds the snapshot of a locked attempt, and unlocks it.
func (s *Service) snapshotLocked(ctx context.Context, la *liveAttempt) (Snapshot, error) {
	defer s.live.unlock(la)
	turns, err := s.st.Turns(ctx, la.id)
	if err != nil {
		return Snapshot{}, err
	}
	return buildSnapshot(la, turns)
}

func buildSnapshot(la *liveAttempt, turns []Turn) (Snapshot, error) {
	snap := Snapshot{Attempt: la.rec, Scenario: la.sc, Turn: la.sess.Turn(), Opening: la.sc.Start(la.sess.Seed()).Lines(),
		Transcript: make([]engine.Outcome, 0, len(turns)), Lines: la.sess.Lines(), Mood: la.sess.Mood(),
		Ending: la.sess.Ending()}
	for _, t := range turns {
		o, err := DecodeOutcome(t.Event) // each row by its own version: a practice run's copies may be older
		if err != nil {
			return Snapshot{}, fmt.Errorf("attempt %s turn %d: %w", la.id, t.Number, err)
		}
		snap.Transcript = append(snap.Transcript, o)
	}
	if la.rec.Status == StatusActive {
		replies, err := la.sess.Replies()
		if err != nil {
			return Snapshot{}, fmt.Errorf("attempt %s: %w", la.id, err)
		}
		snap.Replies = replies
	}
	return snap, nil
}
