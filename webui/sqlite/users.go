package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
)

// EnsureUser creates the user if it does not exist yet, and otherwise updates
// its display name.
func (s *Store) EnsureUser(ctx context.Context, id, displayName string) error {
	if id == "" {
		return errors.New("store: ensure user: the user id is empty: pass the id from the identity layer")
	}
	now := s.now()
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name
			WHERE display_name <> excluded.display_name`, id, displayName, now)
		if err != nil {
			return writeFailed(fmt.Sprintf("save user %q", id), err)
		}
		return nil
	})
}

// UserName returns the user's display name; an unknown user is ErrNotFound.
func (s *Store) UserName(ctx context.Context, id string) (string, error) {
	var name string
	err := s.read.QueryRowContext(ctx, "SELECT display_name FROM users WHERE id = ?", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: user %q: %w", id, training.ErrNotFound)
	}
	if err != nil {
		return "", readFailed(fmt.Sprintf("read user %q", id), err)
	}
	return name, nil
}
