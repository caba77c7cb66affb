package sqlite

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
)

// The statements of every SaveTurn, prepared once by Open.
const (
	sqlAdvanceAttempt = `UPDATE attempts SET state = ?, last_seq = ?, turns = turns + 1, updated_at = ?
		WHERE id = ? AND status = 'active' AND turns = ?`
	sqlInsertTurn = `INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	sqlEndAttempt = `UPDATE attempts SET status = ?, ending = ?, outcome = ?, summary = ?, ended_at = ?, updated_at = ?
		WHERE id = ? AND status = 'active'`
)

// SaveTurn atomically stores one turn and the attempt's new state, last
// sequence number and, when w.End is set, its ending. It returns nil only
// once the turn is durably committed; concurrent calls share one commit.
//
// w.Turn.Number must be the attempt's Turns+1. A turn number already saved,
// a gap, or an attempt that is no longer active is ErrConflict, and nothing
// changes; an unknown attempt is ErrNotFound.
func (s *Store) SaveTurn(ctx context.Context, w training.TurnWrite) error {
	if err := checkTurnWrite(w); err != nil {
		return err
	}
	now := s.now()
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		return saveTurn(ctx, tx, w, now)
	})
}

func checkTurnWrite(w training.TurnWrite) error {
	switch {
	case w.AttemptID == "":
		return errors.New("store: save turn: AttemptID is empty: pass the id of the attempt being played")
	case w.Turn.Number < 1:
		return fmt.Errorf("store: save turn %d of attempt %q: turns are numbered from 1", w.Turn.Number, w.AttemptID)
	case len(w.State) == 0 || len(w.Turn.Event) == 0:
		return fmt.Errorf("store: save turn %d of attempt %q: State (the stored session) and training.Turn.Event (the outcome's JSON) are required",
			w.Turn.Number, w.AttemptID)
	case w.End != nil:
		return w.End.Status.CheckFinal()
	}
	return nil
}

func saveTurn(ctx context.Context, tx *writeTx, w training.TurnWrite, now int64) error {
	if err := advanceAttempt(ctx, tx, w, now); err != nil {
		return err
	}
	if err := insertTurn(ctx, tx, w, now); err != nil {
		return err
	}
	if err := insertOutbox(ctx, tx, w.Outbox, now); err != nil {
		return err
	}
	if w.End != nil {
		return endAttempt(ctx, tx, w.AttemptID, *w.End, now)
	}
	return nil
}

// advanceAttempt moves the attempt to its state after the turn, provided it
// is active and the turn is the next one.
func advanceAttempt(ctx context.Context, tx *writeTx, w training.TurnWrite, now int64) error {
	res, err := tx.ExecContext(ctx, sqlAdvanceAttempt, w.State, w.LastSeq, now, w.AttemptID, w.Turn.Number-1)
	if err != nil {
		return writeFailed(fmt.Sprintf("save turn %d of attempt %q", w.Turn.Number, w.AttemptID), err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}
	if err := explainNotActive(ctx, tx, w.AttemptID, "save a turn"); err != nil {
		return err
	}
	return turnOutOfOrder(ctx, tx, w)
}

// turnOutOfOrder explains why an active attempt refused turn w.Turn.Number.
func turnOutOfOrder(ctx context.Context, tx *writeTx, w training.TurnWrite) error {
	var turns int
	if err := tx.QueryRowContext(ctx, "SELECT turns FROM attempts WHERE id = ?", w.AttemptID).Scan(&turns); err != nil {
		return readFailed(fmt.Sprintf("read attempt %q", w.AttemptID), err)
	}
	return fmt.Errorf("store: save turn %d of attempt %q: %w: the attempt has %d turns, so the next is %d; "+
		"reload the attempt and continue from its state", w.Turn.Number, w.AttemptID, training.ErrConflict, turns, turns+1)
}

func insertTurn(ctx context.Context, tx *writeTx, w training.TurnWrite, now int64) error {
	t := w.Turn
	_, err := tx.ExecContext(ctx, sqlInsertTurn, w.AttemptID, t.Number, t.Seq, t.ReplyID, t.Event, now)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: save turn %d of attempt %q: %w: the turn is already saved; reload the attempt",
			t.Number, w.AttemptID, training.ErrConflict)
	}
	if err != nil {
		return writeFailed(fmt.Sprintf("save turn %d of attempt %q", t.Number, w.AttemptID), err)
	}
	return nil
}

// Turns returns the attempt's turns in order. An attempt with no turns yet
// gives an empty slice; an unknown attempt is ErrNotFound.
func (s *Store) Turns(ctx context.Context, attemptID string) ([]training.Turn, error) {
	ts, err := s.queryTurns(ctx, attemptID)
	if err != nil {
		return nil, readFailed(fmt.Sprintf("read turns of attempt %q", attemptID), err)
	}
	if len(ts) == 0 {
		if _, err := s.Attempt(ctx, attemptID); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

func (s *Store) queryTurns(ctx context.Context, attemptID string) ([]training.Turn, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT turn, seq, reply_id, event, created_at
		FROM turns WHERE attempt_id = ? ORDER BY turn`, attemptID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ts := []training.Turn{}
	for rows.Next() {
		var t training.Turn
		var created int64
		if err := rows.Scan(&t.Number, &t.Seq, &t.ReplyID, &t.Event, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = fromMillis(created)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}
