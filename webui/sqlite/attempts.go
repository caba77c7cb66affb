package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"
)

// CreateAttempt stores a new active attempt with the engine's initial state.
// The user and the scenario version must exist (EnsureUser,
// SaveScenarioVersion), else ErrNotFound. A user has at most one active
// attempt per scenario: a second one, or a reused id, is ErrConflict.
// Status and Turns are set by the store, and the times too unless
// a.StartedAt is given (the Service stamps it).
func (s *Store) CreateAttempt(ctx context.Context, a training.Attempt) error {
	if err := checkNewAttempt(a); err != nil {
		return err
	}
	now := s.now()
	if !a.StartedAt.IsZero() {
		now = a.StartedAt.UnixMilli()
	}
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		return insertAttempt(ctx, tx, a, now)
	})
}

func checkNewAttempt(a training.Attempt) error {
	switch {
	case a.ID == "" || a.UserID == "" || a.ScenarioID == "" || a.Version == "":
		return errors.New("store: create attempt: ID, UserID, ScenarioID and Version are all required")
	case a.IsPractice() || a.PracticeFrom != 0:
		return fmt.Errorf("store: create attempt %q: it names a practice source: create practice runs with CreatePractice", a.ID)
	case a.Status != "" && a.Status != training.StatusActive:
		return fmt.Errorf("store: create attempt %q: a new attempt is %q; leave training.Status empty", a.ID, training.StatusActive)
	case len(a.State) == 0:
		return fmt.Errorf("store: create attempt %q: State is empty: pass the new session's stored state (training.EncodeSession)", a.ID)
	}
	return nil
}

// sqlInsertAttempt is prepared once by Open: every start runs it.
const sqlInsertAttempt = `INSERT INTO attempts
	(id, user_id, scenario_id, version, seed, status, state, last_seq, started_at, updated_at)
	VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`

func insertAttempt(ctx context.Context, tx *writeTx, a training.Attempt, now int64) error {
	_, err := tx.ExecContext(ctx, sqlInsertAttempt, a.ID, a.UserID, a.ScenarioID, a.Version, a.Seed, a.State, a.LastSeq, now, now)
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("store: create attempt %q: %w: the id is taken, or user %q already has an active attempt "+
			"on scenario %q; resume that one (ActiveAttempt) or end it (EndAttempt) first",
			a.ID, training.ErrConflict, a.UserID, a.ScenarioID)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: create attempt %q: user %q or version %q of scenario %q: %w; "+
			"call EnsureUser and SaveScenarioVersion first", a.ID, a.UserID, a.Version, a.ScenarioID, training.ErrNotFound)
	case err != nil:
		return writeFailed(fmt.Sprintf("create attempt %q", a.ID), err)
	}
	return nil
}

// EndAttempt ends an active attempt without a final turn, for example when
// the trainee gives up (StatusGivenUp), provided it still holds turns turns.
// Ending an attempt that is not active, or that has another number of turns,
// is ErrConflict; an unknown id is ErrNotFound.
func (s *Store) EndAttempt(ctx context.Context, id string, turns int, status training.Status, summary []byte) error {
	if err := status.CheckFinal(); err != nil {
		return err
	}
	now := s.now()
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, sqlEndAttemptAt, status, "", "", summary, now, now, id, turns)
		if err != nil {
			return writeFailed(fmt.Sprintf("end attempt %q", id), err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return explainNotAt(ctx, tx, id, turns, "end it")
		}
		return nil
	})
}

// sqlEndAttemptAt is sqlEndAttempt, provided the attempt still holds a
// given number of turns: the scores were computed on those.
const sqlEndAttemptAt = sqlEndAttempt + ` AND turns = ?`

func endAttempt(ctx context.Context, tx *writeTx, id string, e training.Ending, now int64) error {
	res, err := tx.ExecContext(ctx, sqlEndAttempt, e.Status, e.Ending, e.Outcome, e.Summary, now, now, id)
	if err != nil {
		return writeFailed(fmt.Sprintf("end attempt %q", id), err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return explainNotActive(ctx, tx, id, "end it")
	}
	return nil
}

// AbandonIdle marks as abandoned every active attempt, scored or practice,
// whose last update is before olderThan, and returns how many it marked.
func (s *Store) AbandonIdle(ctx context.Context, olderThan time.Time) (int, error) {
	var n int64
	err := s.w.do(ctx, abandonIdle(s.now(), olderThan.UnixMilli(), &n))
	return int(n), err
}

// abandonIdle is AbandonIdle's write; it counts the attempts it marks in *n.
func abandonIdle(now, olderThan int64, n *int64) writeFunc {
	return func(ctx context.Context, tx *writeTx) error {
		*n = 0 // a write may run twice (committer.go)
		for _, q := range abandonQueries {
			res, err := tx.ExecContext(ctx, q, now, now, olderThan)
			if err != nil {
				return writeFailed("abandon idle attempts", err)
			}
			m, err := res.RowsAffected()
			if err != nil {
				return writeFailed("abandon idle attempts", err)
			}
			*n += m
		}
		return nil
	}
}

// abandonQueries close the idle active attempts: the scored ones, then the
// practice runs. Each walks a partial index that holds active attempts only,
// so the sweep reads those and never the (much longer) history.
var abandonQueries = []string{
	`UPDATE attempts INDEXED BY attempts_active_by_user_scenario
		SET status = 'abandoned', ended_at = ?, updated_at = ?
		WHERE status = 'active' AND practice_of = '' AND updated_at < ?`,
	`UPDATE attempts INDEXED BY attempts_active_practice
		SET status = 'abandoned', ended_at = ?, updated_at = ?
		WHERE status = 'active' AND practice_of <> '' AND updated_at < ?`,
}

// explainNotActive says why an update guarded by status = 'active' matched
// no row: the attempt does not exist (ErrNotFound) or it has ended
// (ErrConflict). It returns nil if the attempt is in fact active.
func explainNotActive(ctx context.Context, tx *writeTx, id, action string) error {
	var status training.Status
	err := tx.QueryRowContext(ctx, "SELECT status FROM attempts WHERE id = ?", id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: attempt %q: %w; check the id or start a new attempt", id, training.ErrNotFound)
	case err != nil:
		return readFailed(fmt.Sprintf("read attempt %q", id), err)
	case status != training.StatusActive:
		return fmt.Errorf("store: attempt %q is %s, not active, so you cannot %s: %w; start a new attempt",
			id, status, action, training.ErrConflict)
	}
	return nil
}

// explainNotAt says why an update of attempt id guarded by its turn count
// matched nothing: explainNotActive's answers, or ErrConflict when it has
// another number of turns than want.
func explainNotAt(ctx context.Context, tx *writeTx, id string, want int, action string) error {
	if err := explainNotActive(ctx, tx, id, action); err != nil {
		return err
	}
	var turns int
	if err := tx.QueryRowContext(ctx, "SELECT turns FROM attempts WHERE id = ?", id).Scan(&turns); err != nil {
		return readFailed(fmt.Sprintf("read attempt %q", id), err)
	}
	return fmt.Errorf("store: attempt %q has %d turns, not %d, so you cannot %s: %w; read it again",
		id, turns, want, action, training.ErrConflict)
}
