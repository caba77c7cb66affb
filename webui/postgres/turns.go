package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

// The statements of every SaveTurn. pgx prepares each once per connection.
const (
	// sqlAdvanceAttempt is the optimistic concurrency control of turns: it
	// matches the attempt only while it is active and has exactly turns =
	// the turn's number - 1. Under READ COMMITTED a concurrent update of the
	// same row (another instance saving the same turn) makes this one wait
	// for it, then re-check its WHERE on the new row and match nothing.
	sqlAdvanceAttempt = `UPDATE attempts SET state = $1, last_seq = $2, turns = turns + 1, updated_at = $3
		WHERE id = $4 AND status = 'active' AND turns = $5`
	sqlInsertTurn = `INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`
	// sqlInsertOutbox queues one statement; a statement already queued (the
	// same id) is kept as it is.
	sqlInsertOutbox = `INSERT INTO xapi_outbox (id, body, created_at, next_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (id) DO NOTHING`

	// sqlSaveTurn is a whole SaveTurn as one statement, for the pipelined
	// batch: the guarded update of sqlAdvanceAttempt (which also ends the
	// attempt when $9, the final status, is not NULL), and, only if it
	// matched, the turn and the outbox statements ($13, $14: ids and
	// bodies). It inserts one turn, or changes nothing: the 0-row case that
	// saveTurn explains. Setting status to itself leaves the update HOT.
	sqlSaveTurn = `WITH adv AS (
		UPDATE attempts SET state = $1, last_seq = $2, turns = turns + 1, updated_at = $3,
			status = coalesce($9::text, status),
			ending = CASE WHEN $9::text IS NULL THEN ending ELSE $10::text END,
			outcome = CASE WHEN $9::text IS NULL THEN outcome ELSE $11::text END,
			summary = CASE WHEN $9::text IS NULL THEN summary ELSE $12::bytea END,
			ended_at = CASE WHEN $9::text IS NULL THEN ended_at ELSE $3 END
		WHERE id = $4 AND status = 'active' AND turns = $5
		RETURNING id, turns),
	outbox AS (
		INSERT INTO xapi_outbox (id, body, created_at, next_at)
		SELECT o.id, o.body, $3, $3 FROM adv, unnest($13::text[], $14::bytea[]) AS o (id, body)
		ON CONFLICT (id) DO NOTHING)
	INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at)
	SELECT id, turns, $6, $7, $8, $3 FROM adv`
)

// SaveTurn atomically stores one turn and the attempt's new state, last
// sequence number, outbox statements and, when w.End is set, its ending. It
// returns nil only once the turn is committed; concurrent calls share one
// commit.
//
// w.Turn.Number must be the attempt's Turns+1. A turn number already saved,
// a gap, or an attempt that is no longer active is ErrConflict, and nothing
// changes; an unknown attempt is ErrNotFound.
func (s *Store) SaveTurn(ctx context.Context, w training.TurnWrite) error {
	if err := checkTurnWrite(w); err != nil {
		return err
	}
	now := s.Now()
	return s.w.doStatement(ctx, saveTurnStatement(w, now), func(ctx context.Context, tx tx) error {
		return saveTurn(ctx, tx, w, now)
	})
}

// saveTurnStatement is w as sqlSaveTurn.
func saveTurnStatement(w training.TurnWrite, now time.Time) statement {
	var status, ending, outcome *string
	var summary []byte
	if e := w.End; e != nil {
		st := string(e.Status)
		status, ending, outcome, summary = &st, &e.Ending, &e.Outcome, e.Summary
	}
	var ids []string // nil (NULL, no rows) for none: no allocation
	var bodies [][]byte
	for _, it := range w.Outbox {
		ids, bodies = append(ids, it.ID), append(bodies, it.Body)
	}
	t := w.Turn
	return statement{sql: sqlSaveTurn, args: []any{w.State, w.LastSeq, now, w.AttemptID, t.Number - 1,
		t.Seq, t.ReplyID, t.Event, status, ending, outcome, summary, ids, bodies}}
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

func saveTurn(ctx context.Context, tx tx, w training.TurnWrite, now time.Time) error {
	if err := advanceAttempt(ctx, tx, w, now); err != nil {
		return err
	}
	if err := insertTurn(ctx, tx, w, now); err != nil {
		return err
	}
	for _, it := range w.Outbox {
		if _, err := tx.Exec(ctx, sqlInsertOutbox, it.ID, it.Body, now); err != nil {
			return writeFailed("queue an xAPI statement", err)
		}
	}
	if w.End != nil {
		return endAttempt(ctx, tx, w.AttemptID, *w.End, now)
	}
	return nil
}

// advanceAttempt moves the attempt to its state after the turn, provided it
// is active and the turn is the next one.
func advanceAttempt(ctx context.Context, tx tx, w training.TurnWrite, now time.Time) error {
	tag, err := tx.Exec(ctx, sqlAdvanceAttempt, w.State, w.LastSeq, now, w.AttemptID, w.Turn.Number-1)
	if err != nil {
		return writeFailed(fmt.Sprintf("save turn %d of attempt %q", w.Turn.Number, w.AttemptID), err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if err := explainNotActive(ctx, tx, w.AttemptID, "save a turn"); err != nil {
		return err
	}
	return turnOutOfOrder(ctx, tx, w)
}

// turnOutOfOrder explains why an active attempt refused turn w.Turn.Number.
func turnOutOfOrder(ctx context.Context, tx tx, w training.TurnWrite) error {
	var turns int
	if err := tx.QueryRow(ctx, "SELECT turns FROM attempts WHERE id = $1", w.AttemptID).Scan(&turns); err != nil {
		return readFailed(fmt.Sprintf("read attempt %q", w.AttemptID), err)
	}
	return fmt.Errorf("store: save turn %d of attempt %q: %w: the attempt has %d turns, so the next is %d; "+
		"reload the attempt and continue from its state", w.Turn.Number, w.AttemptID, training.ErrConflict, turns, turns+1)
}

func insertTurn(ctx context.Context, tx tx, w training.TurnWrite, now time.Time) error {
	t := w.Turn
	_, err := tx.Exec(ctx, sqlInsertTurn, w.AttemptID, t.Number, t.Seq, t.ReplyID, t.Event, now)
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
	what := fmt.Sprintf("read turns of attempt %q", attemptID)
	rows, err := s.pool.Query(ctx, `SELECT turn, seq, reply_id, event, created_at
		FROM turns WHERE attempt_id = $1 ORDER BY turn`, attemptID)
	if err != nil {
		return nil, readFailed(what, err)
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Turn, error) {
		var t training.Turn
		err := row.Scan(&t.Number, &t.Seq, &t.ReplyID, &t.Event, &t.CreatedAt)
		t.CreatedAt = t.CreatedAt.UTC()
		return t, err
	})
	if err != nil {
		return nil, readFailed(what, err)
	}
	if len(ts) == 0 {
		if _, err := s.Attempt(ctx, attemptID); err != nil {
			return nil, err
		}
		return []training.Turn{}, nil
	}
	return ts, nil
}
