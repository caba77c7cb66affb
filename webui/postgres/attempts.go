package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateAttempt stores a new active attempt with the engine's initial state.
// The user and the scenario version must exist (CreateAccount,
// SaveScenarioVersion), else ErrNotFound. A user has at most one active
// scored attempt per scenario (a unique index: the database decides, for
// every instance): a second one, or a reused id, is ErrConflict. Status
// and Turns are set by the store, and the times too unless a.StartedAt is
// given (the Service stamps it).
func (s *Store) CreateAttempt(ctx context.Context, a training.Attempt) error {
	if err := checkNewAttempt(a); err != nil {
		return err
	}
	now := s.Now()
	if !a.StartedAt.IsZero() {
		now = time.UnixMilli(a.StartedAt.UnixMilli())
	}
	st := statement{sql: sqlCreateAttempt + " ON CONFLICT DO NOTHING", args: attemptArgs(a, now)}
	return s.w.doStatement(ctx, st, func(ctx context.Context, tx tx) error {
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

// sqlCreateAttempt inserts a new active attempt. In a pipelined batch it
// runs with ON CONFLICT DO NOTHING, so that a taken id or a second active
// attempt inserts nothing instead of failing the batch; insertAttempt,
// without it, then says which.
const sqlCreateAttempt = `INSERT INTO attempts
	(id, user_id, scenario_id, version, seed, status, state, last_seq, started_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $8)`

func attemptArgs(a training.Attempt, now time.Time) []any {
	return []any{a.ID, a.UserID, a.ScenarioID, a.Version, a.Seed, a.State, a.LastSeq, now}
}

func insertAttempt(ctx context.Context, tx tx, a training.Attempt, now time.Time) error {
	_, err := tx.Exec(ctx, sqlCreateAttempt, attemptArgs(a, now)...)
	switch {
	case violates(err, "attempts_active_by_user_scenario"):
		return fmt.Errorf("store: create attempt %q: %w: user %q already has an active attempt on scenario %q; "+
			"resume that one (ActiveAttempt) or end it (EndAttempt) first", a.ID, training.ErrConflict, a.UserID, a.ScenarioID)
	case isUniqueViolation(err):
		return fmt.Errorf("store: create attempt %q: %w: the id is taken; use a fresh id", a.ID, training.ErrConflict)
	case violates(err, "attempts_user_id_fkey"):
		return fmt.Errorf("store: create attempt %q: user %q: %w; create the user first", a.ID, a.UserID, training.ErrNotFound)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: create attempt %q: version %q of scenario %q: %w; save it with SaveScenarioVersion first",
			a.ID, a.Version, a.ScenarioID, training.ErrNotFound)
	case err != nil:
		return writeFailed(fmt.Sprintf("create attempt %q", a.ID), err)
	}
	return nil
}

// sqlEndAttempt ends an attempt that is still active.
const sqlEndAttempt = `UPDATE attempts SET status = $1, ending = $2, outcome = $3, summary = $4, ended_at = $5, updated_at = $5
	WHERE id = $6 AND status = 'active'`

// sqlEndAttemptAt is sqlEndAttempt, provided the attempt still holds $7
// turns: the scores were computed on those.
const sqlEndAttemptAt = sqlEndAttempt + ` AND turns = $7`

// EndAttempt ends an active attempt without a final turn, for example when
// the trainee gives up (StatusGivenUp), provided it still holds turns turns.
// Ending an attempt that is not active, or that has another number of turns,
// is ErrConflict; an unknown id is ErrNotFound.
func (s *Store) EndAttempt(ctx context.Context, id string, turns int, status training.Status, summary []byte) error {
	if err := status.CheckFinal(); err != nil {
		return err
	}
	now := s.Now()
	args := append(endArgs(id, training.Ending{Status: status, Summary: summary}, now), turns)
	st := statement{sql: sqlEndAttemptAt, args: args}
	return s.w.doStatement(ctx, st, func(ctx context.Context, tx tx) error {
		tag, err := tx.Exec(ctx, sqlEndAttemptAt, args...)
		if err != nil {
			return writeFailed(fmt.Sprintf("end attempt %q", id), err)
		}
		if tag.RowsAffected() != 1 {
			return explainNotAt(ctx, tx, id, turns, "end it")
		}
		return nil
	})
}

func endArgs(id string, e training.Ending, now time.Time) []any {
	return []any{string(e.Status), e.Ending, e.Outcome, e.Summary, now, id}
}

func endAttempt(ctx context.Context, tx tx, id string, e training.Ending, now time.Time) error {
	tag, err := tx.Exec(ctx, sqlEndAttempt, endArgs(id, e, now)...)
	if err != nil {
		return writeFailed(fmt.Sprintf("end attempt %q", id), err)
	}
	if tag.RowsAffected() != 1 {
		return explainNotActive(ctx, tx, id, "end it")
	}
	return nil
}

// AbandonIdle marks as abandoned every active attempt, scored or practice,
// whose last update is before olderThan, and returns how many it marked.
func (s *Store) AbandonIdle(ctx context.Context, olderThan time.Time) (int, error) {
	now := s.Now()
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, tx tx) error {
		n = 0
		for _, q := range abandonQueries {
			tag, err := tx.Exec(ctx, q, now, olderThan)
			if err != nil {
				return writeFailed("abandon idle attempts", err)
			}
			n += tag.RowsAffected()
		}
		return nil
	})
	return int(n), err
}

// abandonQueries close the idle active attempts: the scored ones, then the
// practice runs. Each WHERE implies the predicate of a partial index that
// holds active attempts only, so the planner can read those and never the
// (much longer) history.
var abandonQueries = []string{
	`UPDATE attempts SET status = 'abandoned', ended_at = $1, updated_at = $1
		WHERE status = 'active' AND practice_of = '' AND updated_at < $2`,
	`UPDATE attempts SET status = 'abandoned', ended_at = $1, updated_at = $1
		WHERE status = 'active' AND practice_of <> '' AND updated_at < $2`,
}

// explainNotActive says why an update guarded by status = 'active' matched
// no row: the attempt does not exist (ErrNotFound) or it has ended
// (ErrConflict). It returns nil if the attempt is in fact active.
func explainNotActive(ctx context.Context, tx tx, id, action string) error {
	var status string
	err := tx.QueryRow(ctx, "SELECT status FROM attempts WHERE id = $1", id).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("store: attempt %q: %w; check the id or start a new attempt", id, training.ErrNotFound)
	case err != nil:
		return readFailed(fmt.Sprintf("read attempt %q", id), err)
	case training.Status(status) != training.StatusActive:
		return fmt.Errorf("store: attempt %q is %s, not active, so you cannot %s: %w; start a new attempt",
			id, status, action, training.ErrConflict)
	}
	return nil
}

// explainNotAt says why an update of attempt id guarded by its turn count
// matched nothing: explainNotActive's answers, or ErrConflict when it has
// another number of turns than want.
func explainNotAt(ctx context.Context, tx tx, id string, want int, action string) error {
	if err := explainNotActive(ctx, tx, id, action); err != nil {
		return err
	}
	var turns int
	if err := tx.QueryRow(ctx, "SELECT turns FROM attempts WHERE id = $1", id).Scan(&turns); err != nil {
		return readFailed(fmt.Sprintf("read attempt %q", id), err)
	}
	return fmt.Errorf("store: attempt %q has %d turns, not %d, so you cannot %s: %w; read it again",
		id, turns, want, action, training.ErrConflict)
}
