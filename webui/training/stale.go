package training

import (
	"context"
	"errors"
	"fmt"
)

// Another instance sharing the database may have moved an attempt on since
// this one loaded it (the trainee reconnected there, or plays in two tabs
// on two instances). A live session is then stale, and the database
// decides:
//   - Choose applies a reply on the session it holds; SaveTurn is
//     conditional on the stored turn count, so a stale session's write
//     fails (ErrConflict) and changes nothing. Choose then reads the
//     attempt: a seq it already holds is answered as a repeated seq (the
//     loser of a race between two instances, or a retry of a reply applied
//     elsewhere); otherwise it reloads and tries once more. A seq that
//     looks ahead, or a reply not on offer, on a session not freshly
//     loaded, is also tried once more from the store before it is refused.
//   - Snapshot and GiveUp read the attempt first (refresh): they are rare,
//     and a snapshot must never show a stale turn.
//
// The hot path, a reply on a session that is current, costs no extra read.

// errStale says a live session was behind the database: it was dropped,
// and the caller tries once more from the store.
var errStale = errors.New("the live session was behind the database")

// onceMoreIfStale runs try, and once more when it found its live session
// behind the database (the retry loads the attempt as stored); a second
// errStale means another instance keeps moving the attempt on.
func onceMoreIfStale[T any](id string, seq int64, try func() (T, error)) (T, error) {
	res, err := try()
	if errors.Is(err, errStale) {
		res, err = try()
	}
	if errors.Is(err, errStale) {
		var zero T
		return zero, Internal(fmt.Errorf("attempt %s: another instance keeps moving it on; send seq %d again", id, seq))
	}
	return res, err
}

// refresh makes la agree with the database: when the stored attempt's turn
// count, last seq or status differ from la's, its session is resumed from
// the stored state. The caller holds la locked.
func (l *liveAttempts) refresh(ctx context.Context, la *liveAttempt) error {
	if la.fresh {
		return nil
	}
	rec, err := l.st.Attempt(ctx, la.id)
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, "there is no attempt %q: start a new one", la.id)
	}
	if err != nil {
		return err
	}
	if rec.Turns == la.rec.Turns && rec.LastSeq == la.rec.LastSeq && rec.Status == la.rec.Status {
		return nil
	}
	if err := l.resume(ctx, la, rec); err != nil {
		l.evict(la)
		return err
	}
	return nil
}

// staleOr is err, or errStale when la was not freshly loaded and err could
// come from a stale session (a seq ahead of it, a reply it does not offer);
// la is then dropped so that the retry loads the attempt as stored.
func (l *liveAttempts) staleOr(la *liveAttempt, err error) error {
	code := AsError(err).Code
	if la.fresh || (code != CodeBadSeq && code != CodeReplyNotOffered && code != CodeNotActive) {
		return err
	}
	l.evict(la)
	return errStale
}

// lostRace answers a SaveTurn that the database refused (ErrConflict) for
// seq: when the stored attempt already holds seq, another instance (or a
// tab there) applied it first, and the answer is the repeated seq's; an
// attempt that ended is not_active; otherwise the session was stale and is
// tried again (errStale). la was already dropped from memory.
func (s *Service) lostRace(ctx context.Context, id string, seq int64, err error) (TurnResult, error) {
	a, rerr := s.st.Attempt(ctx, id)
	switch {
	case rerr != nil:
		return TurnResult{}, Internal(errors.Join(err, rerr))
	case a.LastSeq >= seq:
		return TurnResult{Again: true}, nil
	case a.Status != StatusActive:
		return TurnResult{}, Errorf(CodeNotActive, "attempt %q is %s: start a new one", id, a.Status)
	}
	return TurnResult{}, errStale
}

// StoredSnapshot is attempt id as the database holds it, read without
// keeping it in memory and without asking who wants it: the transport
// forwards it to those it already let watch the attempt (their instance
// does not serve the trainee, so its memory would only go stale).
func (s *Service) StoredSnapshot(ctx context.Context, id string) (Snapshot, error) {
	a, err := s.st.Attempt(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Snapshot{}, Errorf(CodeNotFound, "there is no attempt %q", id)
	}
	if err != nil {
		return Snapshot{}, err
	}
	return s.snapshotOf(ctx, a)
}

// snapshotOf builds the snapshot of the stored attempt a.
func (s *Service) snapshotOf(ctx context.Context, a Attempt) (Snapshot, error) {
	la := &liveAttempt{id: a.ID}
	if err := s.live.resume(ctx, la, a); err != nil {
		return Snapshot{}, err
	}
	turns, err := s.st.Turns(ctx, a.ID)
	if err != nil {
		return Snapshot{}, fmt.Errorf("read the turns of attempt %s: %w", a.ID, err)
	}
	return buildSnapshot(la, turns)
}
