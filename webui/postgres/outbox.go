package postgres

import (
	"context"
	"parley/webui/training"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DueStatements lists up to limit unsent statements due at now, oldest
// first (a negative limit: all, as on SQLite).
func (s *Store) DueStatements(ctx context.Context, now time.Time, limit int) ([]training.OutboxItem, error) {
	var lim *int // NULL: no limit
	if limit >= 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT id, body, created_at, tries FROM xapi_outbox
		WHERE sent_at IS NULL AND next_at <= $1 ORDER BY next_at, created_at, id LIMIT $2`, now, lim)
	if err != nil {
		return nil, readFailed("read the xAPI outbox", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.OutboxItem, error) {
		var it training.OutboxItem
		err := row.Scan(&it.ID, &it.Body, &it.CreatedAt, &it.Tries)
		it.CreatedAt = it.CreatedAt.UTC()
		return it, err
	})
	if err != nil {
		return nil, readFailed("read the xAPI outbox", err)
	}
	return out, nil
}

// markOutbox runs one UPDATE over the statements with ids ($1); args are
// $2 onwards.
func (s *Store) markOutbox(ctx context.Context, what, query string, ids []string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		if _, err := tx.Exec(ctx, query, append([]any{ids}, args...)...); err != nil {
			return writeFailed(what, err)
		}
		return nil
	})
}

// MarkSent records statements as delivered.
func (s *Store) MarkSent(ctx context.Context, ids []string, at time.Time) error {
	return s.markOutbox(ctx, "mark xAPI statements sent",
		"UPDATE xapi_outbox SET sent_at = $2, last_error = '' WHERE id = ANY($1)", ids, at)
}

// MarkFailed counts a failed try of each statement and puts its next try
// at next, keeping why (at most 500 bytes of it, as valid text).
func (s *Store) MarkFailed(ctx context.Context, ids []string, next time.Time, why string) error {
	why = cleanText(why, 500)
	return s.markOutbox(ctx, "mark xAPI statements failed",
		"UPDATE xapi_outbox SET tries = tries + 1, next_at = $2, last_error = $3 WHERE id = ANY($1)", ids, next, why)
}

// cleanText makes s fit a text column: PostgreSQL refuses NUL and invalid
// UTF-8 there (SQLite keeps any bytes). It is for diagnostics only, such as
// an LRS's error: records are validated by the core.
func cleanText(s string, maxBytes int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) > maxBytes {
		s = strings.ToValidUTF8(s[:maxBytes], "") // drops a rune cut in half
	}
	return s
}

// OutboxCounts counts the statements waiting and sent.
func (s *Store) OutboxCounts(ctx context.Context) (waiting, sent int, err error) {
	err = s.pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FILTER (WHERE sent_at IS NOT NULL) FROM xapi_outbox").
		Scan(&waiting, &sent)
	if err != nil {
		return 0, 0, readFailed("count the xAPI outbox", err)
	}
	return waiting, sent, nil
}
