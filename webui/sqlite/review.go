package sqlite

import (
	"context"
	"fmt"
	"parley/webui/training"
	"time"
)

// Manages reports whether managerID manages a cohort traineeID is in.
func (s *Store) Manages(ctx context.Context, managerID, traineeID string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members m JOIN cohort_managers g ON g.cohort_id = m.cohort_id
		WHERE m.user_id = ? AND g.user_id = ?`, traineeID, managerID).Scan(&n)
	if err != nil {
		return false, readFailed("check who manages a trainee", err)
	}
	return n > 0, nil
}

// ShareAttempt lets a user read an attempt.
func (s *Store) ShareAttempt(ctx context.Context, attemptID, userID string, at time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO attempt_shares (attempt_id, user_id, shared_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			attemptID, userID, at.UnixMilli())
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: share attempt %q with %q: %w", attemptID, userID, training.ErrNotFound)
		case err != nil:
			return writeFailed("share an attempt", err)
		}
		return nil
	})
}

// SharedWith lists the users an attempt is shared with.
func (s *Store) SharedWith(ctx context.Context, attemptID string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT user_id FROM attempt_shares WHERE attempt_id = ? ORDER BY shared_at, user_id", attemptID)
	if err != nil {
		return nil, readFailed("list an attempt's shares", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, readFailed("list an attempt's shares", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddComment stores a comment.
func (s *Store) AddComment(ctx context.Context, c training.Comment) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO turn_comments (id, attempt_id, turn, author_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			c.ID, c.AttemptID, c.Turn, c.AuthorID, c.Body, c.CreatedAt.UnixMilli())
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: comment %q exists: %w", c.ID, training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: comment on attempt %q by %q: %w", c.AttemptID, c.AuthorID, training.ErrNotFound)
		case err != nil:
			return writeFailed("add a comment", err)
		}
		return nil
	})
}

// Comments lists an attempt's comments, oldest first.
func (s *Store) Comments(ctx context.Context, attemptID string) ([]training.Comment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.attempt_id, c.turn, c.author_id, u.display_name, c.body, c.created_at
		FROM turn_comments c JOIN users u ON u.id = c.author_id WHERE c.attempt_id = ? ORDER BY c.created_at, c.id`, attemptID)
	if err != nil {
		return nil, readFailed("list an attempt's comments", err)
	}
	defer rows.Close()
	var out []training.Comment
	for rows.Next() {
		var c training.Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.AttemptID, &c.Turn, &c.AuthorID, &c.AuthorName, &c.Body, &at); err != nil {
			return nil, readFailed("list an attempt's comments", err)
		}
		c.CreatedAt = fromMillis(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("list an attempt's comments", err)
	}
	return out, nil
}
