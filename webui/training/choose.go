package training

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"parley/engine"
)

// TurnResult is what a choice did.
type TurnResult struct {
	// Again is set when the seq was already applied: nothing else is set,
	// and the answer is its acknowledgement again.
	Again    bool
	Scenario *engine.Scenario // the version the attempt is played on
	Outcome  engine.Outcome   // the turn, as committed
	Replies  []engine.Choice  // on offer next
	Ended    *Ended           // set when this turn ended the attempt
}

// Ended is how an attempt ended.
type Ended struct {
	Status Status
	Ending *engine.EndingInfo // nil unless the scenario reached an ending
}

// MaxTurns bounds one attempt's replies. A scenario may loop (a question
// asked again and again), but no call is this long: the bound keeps an
// attempt's state, transcript and debrief, rewritten or sent whole, from
// growing without end under a scripted client.
const MaxTurns = 500

// Choose applies reply to u's attempt id as message seq: the engine moves,
// the turn is committed, and only then is the result returned. A seq
// already applied is answered Again; one that skips ahead is CodeBadSeq. If
// the commit fails the session is dropped from memory, so the next call
// reloads it as stored. The database decides: when another instance moved
// the attempt on, or applied this seq first, the answer is as if this
// instance had always known (stale.go).
func (s *Service) Choose(ctx context.Context, u User, id string, seq int64, reply string) (TurnResult, error) {
	return onceMoreIfStale(id, seq, func() (TurnResult, error) { return s.choose(ctx, u, id, seq, reply) })
}

func (s *Service) choose(ctx context.Context, u User, id string, seq int64, reply string) (TurnResult, error) {
	la, err := s.lockOwn(ctx, u, id)
	if err != nil {
		return TurnResult{}, err
	}
	defer s.live.unlock(la)
	if again, err := checkSeq(la, seq); again || err != nil {
		return TurnResult{Again: again}, s.live.staleOr(la, err)
	}
	if err := checkActive(la); err != nil {
		return TurnResult{}, err
	}
	if la.rec.Turns >= MaxTurns {
		return TurnResult{}, Errorf(CodeTooManyTurns,
			"this call has gone on for %d replies, the most one attempt may have: end it to read your debrief, then start again", MaxTurns)
	}
	o, err := la.sess.Choose(reply)
	if err != nil {
		return TurnResult{}, s.live.staleOr(la, chooseFailed(reply, err))
	}
	next, err := la.sess.Replies()
	if err != nil {
		s.live.evict(la)
		return TurnResult{}, Internal(fmt.Errorf("attempt %s after reply %q: %w", la.id, reply, err))
	}
	if err := s.commitTurn(ctx, u, la, seq, o); err != nil {
		s.live.evict(la)
		if errors.Is(err, ErrConflict) {
			return s.lostRace(ctx, la.id, seq, err)
		}
		return TurnResult{}, s.commitFailed(ctx, la.id, err)
	}
	res := TurnResult{Scenario: la.sc, Outcome: o, Replies: next}
	if la.sess.Ended() {
		res.Ended = ended(la)
	}
	return res, nil
}

func ended(la *liveAttempt) *Ended {
	return &Ended{Status: la.rec.Status, Ending: la.sess.Ending()}
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
		return false, Errorf(CodeBadSeq, "seq %d is ahead: the last applied for attempt %q is %d, so send %d",
			seq, la.id, last, last+1)
	}
}

func checkActive(la *liveAttempt) error {
	if la.rec.Status != StatusActive {
		return Errorf(CodeNotActive, "attempt %q is %s: start a new one", la.id, la.rec.Status)
	}
	return nil
}

// chooseFailed maps the engine's refusal to an error code.
func chooseFailed(reply string, err error) error {
	switch {
	case errors.Is(err, engine.ErrNotOffered), errors.Is(err, engine.ErrUnknownReply):
		return Errorf(CodeReplyNotOffered, "reply %q is not on offer now: pick one of the replies in the last turn or snapshot", reply)
	case errors.Is(err, engine.ErrEnded):
		return Errorf(CodeNotActive, "the conversation has ended")
	}
	return Internal(err)
}

// commitFailed explains a failed write after the in-memory session was
// dropped: an attempt that ended meanwhile (for example abandoned by the
// sweep) is not_active; anything else is internal, and nothing was applied.
func (s *Service) commitFailed(ctx context.Context, id string, err error) error {
	if errors.Is(err, ErrConflict) {
		if a, rerr := s.st.Attempt(ctx, id); rerr == nil && a.Status != StatusActive {
			return Errorf(CodeNotActive, "attempt %q is %s: start a new one", id, a.Status)
		}
	}
	return Internal(err)
}

// commitTurn saves the turn, the new state and seq (and the ending) in one
// transaction, then records them in la.
func (s *Service) commitTurn(ctx context.Context, u User, la *liveAttempt, seq int64, o engine.Outcome) error {
	event, err := EncodeOutcome(o)
	if err != nil {
		return fmt.Errorf("encode turn %d: %w", o.Turn, err)
	}
	state := EncodeSession(la.sess)
	w := TurnWrite{AttemptID: la.id, State: state, LastSeq: seq,
		Turn: Turn{Number: o.Turn, Seq: seq, ReplyID: o.Reply.ID, Event: event}}
	if o.Ending != nil {
		summary, err := EncodeScores(la.sess.Scores())
		if err != nil {
			return fmt.Errorf("encode scores: %w", err)
		}
		w.End = &Ending{Status: StatusFinished, Ending: o.Ending.ID, Outcome: o.Ending.Outcome, Summary: summary}
	}
	if s.cfg.XAPI != nil {
		if w.Outbox, err = s.statements(ctx, u, la, o); err != nil {
			return err
		}
	}
	if err := s.st.SaveTurn(ctx, w); err != nil {
		return err
	}
	la.rec.State, la.rec.LastSeq, la.rec.Turns = state, seq, o.Turn
	if w.End != nil {
		la.rec.Status, la.rec.Ending, la.rec.Outcome, la.rec.Summary = StatusFinished, o.Ending.ID, o.Ending.Outcome, w.End.Summary
	}
	return nil
}

// statements are the xAPI statements about a turn: the reply, and when it
// ended the attempt, completed and passed or failed, at the marks the
// trainee is held to (HeldMarks), as their debrief says.
func (s *Service) statements(ctx context.Context, u User, la *liveAttempt, o engine.Outcome) ([]OutboxItem, error) {
	now := s.cfg.Now()
	x := xapiBuilder{home: strings.TrimSuffix(s.cfg.XAPI.HomePage, "/"), u: u, a: la.rec, sc: la.sc}
	reply, err := x.replyStatement(o, now)
	if err != nil {
		return nil, err
	}
	out := []OutboxItem{reply}
	if o.Ending != nil {
		held, err := s.Held(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		scores := la.sess.Scores()
		held.Of(la.rec.ScenarioID).Apply(scores)
		end, err := x.endStatements(o.Ending, scores, now.Sub(la.rec.StartedAt), now)
		if err != nil {
			return nil, err
		}
		out = append(out, end...)
	}
	return out, nil
}
