package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
)

// CreatePractice stores a new active practice run: an attempt that starts
// from the state before turn a.PracticeFrom of the ended attempt
// a.PracticeOf. In one transaction it inserts the attempt and copies the
// source's turns 1 .. PracticeFrom-1 into it (same seq, reply, event and
// time), so the practice run's turn numbers are the engine's turn numbers.
//
// The caller passes ID, UserID, PracticeOf, PracticeFrom and State (the
// engine's state after the copied turns). ScenarioID, Version and Seed are
// the source's; Turns is PracticeFrom-1 and LastSeq the seq of the last
// copied turn (0 if none). Any other field is ignored.
//
// An unknown source is ErrNotFound. A source of another user, a source still
// active, a PracticeFrom beyond its turns, or a taken id is ErrConflict.
// Practice runs never count as the user's active attempt on the scenario
// (ActiveAttempt), so they can be active beside it.
// A user with maxActive active practice runs already gets
// ErrTooManyPractice. The count is taken in the write transaction, which
// holds the database's write lock (BEGIN IMMEDIATE), so no other write can
// add a practice run between the count and the insert.
func (s *Store) CreatePractice(ctx context.Context, a training.Attempt, maxActive int) error {
	switch {
	case a.ID == "" || a.UserID == "" || a.PracticeOf == "":
		return errors.New("store: create practice run: ID, UserID and PracticeOf are all required")
	case a.PracticeFrom < 1:
		return fmt.Errorf("store: create practice run %q: PracticeFrom is %d: turns are numbered from 1", a.ID, a.PracticeFrom)
	case maxActive < 1:
		return fmt.Errorf("store: create practice run %q: maxActive is %d: pass the cap, 1 or more", a.ID, maxActive)
	case len(a.State) == 0:
		return fmt.Errorf("store: create practice run %q: State is empty: pass the engine's state before turn %d",
			a.ID, a.PracticeFrom)
	}
	now := s.now()
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if err := practiceCap(ctx, tx, a, maxActive); err != nil {
			return err
		}
		return insertPractice(ctx, tx, a, now)
	})
}

// ActivePracticeRuns counts the user's active practice runs (an unknown
// user has none).
func (s *Store) ActivePracticeRuns(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx,
		"SELECT count(*) FROM attempts WHERE user_id = ? AND status = 'active' AND practice_of <> ''", userID).Scan(&n)
	if err != nil {
		return 0, readFailed(fmt.Sprintf("count active practice runs of user %q", userID), err)
	}
	return n, nil
}

// practiceCap refuses a's practice run if its user has maxActive active
// ones already.
func practiceCap(ctx context.Context, tx *writeTx, a training.Attempt, maxActive int) error {
	var n int
	err := tx.QueryRowContext(ctx,
		"SELECT count(*) FROM attempts WHERE user_id = ? AND status = 'active' AND practice_of <> ''", a.UserID).Scan(&n)
	if err != nil {
		return readFailed(fmt.Sprintf("count active practice runs of user %q", a.UserID), err)
	}
	if n >= maxActive {
		return fmt.Errorf("store: create practice run %q: user %q has %d active practice runs: %w; finish or give up one first",
			a.ID, a.UserID, n, training.ErrTooManyPractice)
	}
	return nil
}

func insertPractice(ctx context.Context, tx *writeTx, a training.Attempt, now int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO attempts
		(id, user_id, scenario_id, version, seed, status, state, last_seq, turns,
		 practice_of, practice_from, started_at, updated_at)
		SELECT ?, user_id, scenario_id, version, seed, 'active', ?,
			(SELECT coalesce(max(seq), 0) FROM turns WHERE attempt_id = src.id AND turn < ?), ? - 1,
			id, ?, ?, ?
		FROM attempts AS src WHERE id = ? AND user_id = ? AND status <> 'active' AND turns >= ?`,
		a.ID, a.State, a.PracticeFrom, a.PracticeFrom, a.PracticeFrom, now, now, a.PracticeOf, a.UserID, a.PracticeFrom)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: create practice run %q: %w: the id is taken; use a fresh id", a.ID, training.ErrConflict)
	}
	if err != nil {
		return writeFailed(fmt.Sprintf("create practice run %q", a.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return explainNoPractice(ctx, tx, a)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at)
		SELECT ?, turn, seq, reply_id, event, created_at FROM turns WHERE attempt_id = ? AND turn < ?`,
		a.ID, a.PracticeOf, a.PracticeFrom)
	if err != nil {
		return writeFailed(fmt.Sprintf("copy turns of attempt %q into practice run %q", a.PracticeOf, a.ID), err)
	}
	return nil
}

// explainNoPractice says why no practice run could be made from a's source.
func explainNoPractice(ctx context.Context, tx *writeTx, a training.Attempt) error {
	var user string
	var status training.Status
	var turns int
	err := tx.QueryRowContext(ctx, "SELECT user_id, status, turns FROM attempts WHERE id = ?", a.PracticeOf).
		Scan(&user, &status, &turns)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: practise from attempt %q: %w; check the id", a.PracticeOf, training.ErrNotFound)
	case err != nil:
		return readFailed(fmt.Sprintf("read attempt %q", a.PracticeOf), err)
	case user != a.UserID:
		return fmt.Errorf("store: practise from attempt %q: %w: it belongs to another user; practise from one of user %q's attempts",
			a.PracticeOf, training.ErrConflict, a.UserID)
	case status == training.StatusActive:
		return fmt.Errorf("store: practise from attempt %q: %w: it is still active; finish it or give up first",
			a.PracticeOf, training.ErrConflict)
	}
	return fmt.Errorf("store: practise from turn %d of attempt %q: %w: it has %d turns; pick a turn from 1 to %d",
		a.PracticeFrom, a.PracticeOf, training.ErrConflict, turns, turns)
}
