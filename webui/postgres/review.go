package postgres

import (
	"context"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

// Manages reports whether managerID manages a cohort traineeID is in.
func (s *Store) Manages(ctx context.Context, managerID, traineeID string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohort_members m JOIN cohort_managers g ON g.cohort_id = m.cohort_id
		WHERE m.user_id = $1 AND g.user_id = $2)`, traineeID, managerID).Scan(&ok)
	if err != nil {
		return false, readFailed("check who manages a trainee", err)
	}
	return ok, nil
}

// ShareAttempt lets a user read an attempt; again is a no-op. An unknown
// attempt or user is ErrNotFound.
func (s *Store) ShareAttempt(ctx context.Context, attemptID, userID string, at time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO attempt_shares (attempt_id, user_id, shared_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			attemptID, userID, at)
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: share attempt %q with %q: %w", attemptID, userID, training.ErrNotFound)
		case err != nil:
			return writeFailed("share an attempt", err)
		}
		return nil
	})
}

// SharedWith lists the ids of the users an attempt is shared with.
func (s *Store) SharedWith(ctx context.Context, attemptID string) ([]string, error) {
	return s.ids(ctx, "list an attempt's shares",
		"SELECT user_id FROM attempt_shares WHERE attempt_id = $1 ORDER BY shared_at, user_id", attemptID)
}

// AddComment stores a comment; an unknown attempt or author is
// ErrNotFound, a taken id ErrConflict.
func (s *Store) AddComment(ctx context.Context, c training.Comment) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO turn_comments (id, attempt_id, turn, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			c.ID, c.AttemptID, c.Turn, c.AuthorID, c.Body, c.CreatedAt)
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: comment %q exists: %w; use a fresh id", c.ID, training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: comment on attempt %q by %q: %w", c.AttemptID, c.AuthorID, training.ErrNotFound)
		case err != nil:
			return writeFailed("add a comment", err)
		}
		return nil
	})
}

// Comments lists an attempt's comments, oldest first, with their authors'
// display names.
func (s *Store) Comments(ctx context.Context, attemptID string) ([]training.Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.attempt_id, c.turn, c.author_id, u.display_name, c.body, c.created_at
		FROM turn_comments c JOIN users u ON u.id = c.author_id WHERE c.attempt_id = $1 ORDER BY c.created_at, c.id`, attemptID)
	if err != nil {
		return nil, readFailed("list an attempt's comments", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Comment, error) {
		var c training.Comment
		err := row.Scan(&c.ID, &c.AttemptID, &c.Turn, &c.AuthorID, &c.AuthorName, &c.Body, &c.CreatedAt)
		c.CreatedAt = c.CreatedAt.UTC()
		return c, err
	})
	if err != nil {
		return nil, readFailed("list an attempt's comments", err)
	}
	return out, nil
}
