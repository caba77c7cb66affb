package sqlite

import (
	"context"
	"parley/webui/training"
	"strings"
	"time"
)

// sqlInsertOutbox queues one statement; a statement already queued (the
// same id) is kept as it is.
const sqlInsertOutbox = `INSERT INTO xapi_outbox (id, body, created_at, next_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`

// insertOutbox queues a turn's statements in its transaction.
func insertOutbox(ctx context.Context, tx *writeTx, items []training.OutboxItem, now int64) error {
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, sqlInsertOutbox, it.ID, it.Body, now, now); err != nil {
			return writeFailed("queue an xAPI statement", err)
		}
	}
	return nil
}

// DueStatements lists unsent statements due at now, oldest first.
func (s *Store) DueStatements(ctx context.Context, now time.Time, limit int) ([]training.OutboxItem, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, body, created_at, tries FROM xapi_outbox INDEXED BY xapi_outbox_due
		WHERE sent_at IS NULL AND next_at <= ? ORDER BY next_at, created_at, id LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, readFailed("read the xAPI outbox", err)
	}
	defer rows.Close()
	var out []training.OutboxItem
	for rows.Next() {
		var it training.OutboxItem
		var created int64
		if err := rows.Scan(&it.ID, &it.Body, &created, &it.Tries); err != nil {
			return nil, readFailed("read the xAPI outbox", err)
		}
		it.CreatedAt = fromMillis(created)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("read the xAPI outbox", err)
	}
	return out, nil
}

// markOutbox runs one UPDATE over the statements with ids.
func (s *Store) markOutbox(ctx context.Context, what, set string, ids []string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	q := "UPDATE xapi_outbox SET " + set + " WHERE id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
	for _, id := range ids {
		args = append(args, id)
	}
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return writeFailed(what, err)
		}
		return nil
	})
}

// MarkSent records statements as delivered.
func (s *Store) MarkSent(ctx context.Context, ids []string, at time.Time) error {
	return s.markOutbox(ctx, "mark xAPI statements sent", "sent_at = ?, last_error = ''", ids, at.UnixMilli())
}

// MarkFailed counts a failed try and sets the next.
func (s *Store) MarkFailed(ctx context.Context, ids []string, next time.Time, why string) error {
	if len(why) > 500 {
		why = why[:500]
	}
	return s.markOutbox(ctx, "mark xAPI statements failed", "tries = tries + 1, next_at = ?, last_error = ?", ids, next.UnixMilli(), why)
}

// OutboxCounts counts the statements waiting and sent.
func (s *Store) OutboxCounts(ctx context.Context) (waiting, sent int, err error) {
	err = s.read.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FILTER (WHERE sent_at IS NOT NULL) FROM xapi_outbox").
		Scan(&waiting, &sent)
	if err != nil {
		return 0, 0, readFailed("count the xAPI outbox", err)
	}
	return waiting, sent, nil
}
