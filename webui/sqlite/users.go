package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"
)

const accountColumns = `id, COALESCE(username, ''), display_name, roles, password_hash, disabled_at IS NOT NULL, created_at`

// accountColumnsOf is accountColumns of the users table under alias t.
func accountColumnsOf(t string) string {
	return t + ".id, COALESCE(" + t + ".username, ''), " + t + ".display_name, " + t + ".roles, " + t + ".password_hash, " +
		t + ".disabled_at IS NOT NULL, " + t + ".created_at"
}

func scanAccount(row interface{ Scan(...any) error }) (training.Account, error) {
	var a training.Account
	var roles string
	var created int64
	if err := row.Scan(&a.ID, &a.Username, &a.DisplayName, &roles, &a.PasswordHash, &a.Disabled, &created); err != nil {
		return a, err
	}
	r, err := training.ParseRoles(roles)
	if err != nil {
		return a, fmt.Errorf("user %s: stored roles %q: %w", a.ID, roles, err)
	}
	a.Roles, a.CreatedAt = r, fromMillis(created)
	return a, nil
}

// nullable is NULL for "", so a user from before accounts has no username.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAccount stores a new account (with no Username, a user who cannot
// sign in: how users from before accounts are stored).
func (s *Store) CreateAccount(ctx context.Context, a training.Account) error {
	if a.ID == "" {
		return errors.New("store: create account: the id is empty: use training.NewID")
	}
	created := a.CreatedAt.UnixMilli()
	if a.CreatedAt.IsZero() {
		created = s.now()
	}
	var disabled any
	if a.Disabled {
		disabled = created
	}
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, roles, password_hash, disabled_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, nullable(a.Username), a.DisplayName, a.Roles.String(), a.PasswordHash, disabled, created)
		if isUniqueViolation(err) {
			return fmt.Errorf("store: account %q (%s) exists: %w", a.Username, a.ID, training.ErrConflict)
		}
		if err != nil {
			return writeFailed(fmt.Sprintf("create account %q", a.Username), err)
		}
		return nil
	})
}

// Account reads a user by id.
func (s *Store) Account(ctx context.Context, id string) (training.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: user %q: %w", id, training.ErrNotFound)
	}
	if err != nil {
		return a, readFailed(fmt.Sprintf("read user %q", id), err)
	}
	return a, nil
}

// AccountByUsername reads an account by username.
func (s *Store) AccountByUsername(ctx context.Context, username string) (training.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM users WHERE username = ?", username))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: account %q: %w", username, training.ErrNotFound)
	}
	if err != nil {
		return a, readFailed(fmt.Sprintf("read account %q", username), err)
	}
	return a, nil
}

// Accounts lists the accounts by username.
func (s *Store) Accounts(ctx context.Context) ([]training.Account, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+accountColumns+" FROM users WHERE username IS NOT NULL ORDER BY username")
	if err != nil {
		return nil, readFailed("list accounts", err)
	}
	defer rows.Close()
	var out []training.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, readFailed("list accounts", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("list accounts", err)
	}
	return out, nil
}

// CountAccounts counts the users with a username.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE username IS NOT NULL").Scan(&n); err != nil {
		return 0, readFailed("count accounts", err)
	}
	return n, nil
}

// updateAccount runs one UPDATE of an account's row (and, with endSessions,
// deletes its sessions) in one transaction; an unknown account is
// ErrNotFound.
func (s *Store) updateAccount(ctx context.Context, id, what string, endSessions bool, query string, args ...any) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return writeFailed(what, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return writeFailed(what, err)
		} else if n == 0 {
			return fmt.Errorf("store: %s: account %q: %w", what, id, training.ErrNotFound)
		}
		if endSessions {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return writeFailed(what+": end sessions", err)
			}
		}
		return nil
	})
}

// SetPassword stores a password hash and ends the account's sessions.
func (s *Store) SetPassword(ctx context.Context, id, hash string) error {
	return s.updateAccount(ctx, id, "set password", true,
		"UPDATE users SET password_hash = ? WHERE id = ? AND username IS NOT NULL", hash, id)
}

// SetRoles replaces an account's roles.
func (s *Store) SetRoles(ctx context.Context, id string, roles training.Roles) error {
	return s.updateAccount(ctx, id, "set roles", false,
		"UPDATE users SET roles = ? WHERE id = ? AND username IS NOT NULL", roles.String(), id)
}

// SetDisabled disables an account and ends its sessions, or enables it.
func (s *Store) SetDisabled(ctx context.Context, id string, disabled bool) error {
	if !disabled {
		return s.updateAccount(ctx, id, "enable account", false,
			"UPDATE users SET disabled_at = NULL WHERE id = ? AND username IS NOT NULL", id)
	}
	return s.updateAccount(ctx, id, "disable account", true,
		"UPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ? AND username IS NOT NULL", s.now(), id)
}

// SetDisplayName renames a user.
func (s *Store) SetDisplayName(ctx context.Context, id, name string) error {
	return s.updateAccount(ctx, id, "rename user", false, "UPDATE users SET display_name = ? WHERE id = ?", name, id)
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, ses training.Session) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			ses.TokenHash, ses.UserID, ses.CreatedAt.UnixMilli(), ses.ExpiresAt.UnixMilli())
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: session exists: %w", training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: session of user %q: %w", ses.UserID, training.ErrNotFound)
		case err != nil:
			return writeFailed("create session", err)
		}
		return nil
	})
}

// Session reads a session by its token hash.
func (s *Store) Session(ctx context.Context, tokenHash string) (training.Session, error) {
	ses := training.Session{TokenHash: tokenHash}
	var created, expires int64
	err := s.read.QueryRowContext(ctx, "SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?", tokenHash).
		Scan(&ses.UserID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, fmt.Errorf("store: session: %w", training.ErrNotFound)
	}
	if err != nil {
		return ses, readFailed("read session", err)
	}
	ses.CreatedAt, ses.ExpiresAt = fromMillis(created), fromMillis(expires)
	return ses, nil
}

// ExtendSession moves a session's expiry.
func (s *Store) ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", expires.UnixMilli(), tokenHash); err != nil {
			return writeFailed("extend session", err)
		}
		return nil
	})
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash); err != nil {
			return writeFailed("end session", err)
		}
		return nil
	})
}

// CreateLink stores a one-time link, deleting the user's earlier links of
// the same purpose.
func (s *Store) CreateLink(ctx context.Context, l training.Link) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM links WHERE user_id = ? AND purpose = ?", l.UserID, string(l.Purpose)); err != nil {
			return writeFailed("replace one-time link", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO links (token_hash, purpose, user_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, l.TokenHash, string(l.Purpose), l.UserID, l.CreatedBy, l.CreatedAt.UnixMilli(), l.ExpiresAt.UnixMilli())
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: one-time link exists: %w", training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: one-time link for user %q: %w", l.UserID, training.ErrNotFound)
		case err != nil:
			return writeFailed("create one-time link", err)
		}
		return nil
	})
}

const linkColumns = "token_hash, purpose, user_id, created_by, created_at, expires_at"

func scanLink(row interface{ Scan(...any) error }) (training.Link, error) {
	var l training.Link
	var purpose string
	var created, expires int64
	err := row.Scan(&l.TokenHash, &purpose, &l.UserID, &l.CreatedBy, &created, &expires)
	l.Purpose, l.CreatedAt, l.ExpiresAt = training.LinkPurpose(purpose), fromMillis(created), fromMillis(expires)
	return l, err
}

// Link reads an unexpired link.
func (s *Store) Link(ctx context.Context, tokenHash string, now time.Time) (training.Link, error) {
	l, err := scanLink(s.read.QueryRowContext(ctx, "SELECT "+linkColumns+" FROM links WHERE token_hash = ? AND expires_at > ?",
		tokenHash, now.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("store: one-time link: %w", training.ErrNotFound)
	}
	if err != nil {
		return l, readFailed("read one-time link", err)
	}
	return l, nil
}

// RedeemLink uses a link: deletes it, sets the password, ends the user's
// sessions, and returns the account.
func (s *Store) RedeemLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (training.Account, error) {
	var acc training.Account
	err := s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		var userID string
		err := tx.QueryRowContext(ctx, "DELETE FROM links WHERE token_hash = ? AND expires_at > ? RETURNING user_id",
			tokenHash, now.UnixMilli()).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: one-time link: %w", training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("use one-time link", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userID); err != nil {
			return writeFailed("set password", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return writeFailed("end sessions", err)
		}
		acc, err = scanAccount(tx.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM users WHERE id = ?", userID))
		if err != nil {
			return writeFailed("read account", err)
		}
		return nil
	})
	return acc, err
}

// DeleteExpired removes sessions and links that expired before now.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		n = 0 // a write may run twice (committer.go)
		for _, q := range []string{"DELETE FROM sessions WHERE expires_at <= ?", "DELETE FROM links WHERE expires_at <= ?"} {
			res, err := tx.ExecContext(ctx, q, now.UnixMilli())
			if err != nil {
				return writeFailed("delete expired sessions and links", err)
			}
			m, _ := res.RowsAffected()
			n += m
		}
		return nil
	})
	return int(n), err
}

// LegacyUsers lists the unclaimed users from before accounts.
func (s *Store) LegacyUsers(ctx context.Context) ([]training.LegacyUser, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT u.id, u.display_name, u.created_at, count(a.id), COALESCE(max(a.updated_at), 0)
		FROM users u LEFT JOIN attempts a ON a.user_id = u.id
		WHERE u.username IS NULL AND u.claimed_by = ''
		GROUP BY u.id ORDER BY max(a.updated_at) DESC, u.display_name`)
	if err != nil {
		return nil, readFailed("list users from before accounts", err)
	}
	defer rows.Close()
	var out []training.LegacyUser
	for rows.Next() {
		var u training.LegacyUser
		var created, last int64
		if err := rows.Scan(&u.ID, &u.DisplayName, &created, &u.Attempts, &last); err != nil {
			return nil, readFailed("list users from before accounts", err)
		}
		u.CreatedAt = fromMillis(created)
		if last != 0 {
			u.LastPlayed = fromMillis(last)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("list users from before accounts", err)
	}
	return out, nil
}

// ClaimLegacy moves a legacy user's attempts to an account.
func (s *Store) ClaimLegacy(ctx context.Context, legacyID, accountID string) (int, error) {
	var moved int64
	now := s.now()
	err := s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE id = ? AND username IS NULL AND claimed_by = ''", legacyID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: unclaimed user %q from before accounts: %w", legacyID, training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("claim user", err)
		}
		err = tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE id = ? AND username IS NOT NULL", accountID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: account %q: %w", accountID, training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("claim user", err)
		}
		// One active scored attempt per user and scenario: the legacy one gives way.
		if _, err := tx.ExecContext(ctx, `UPDATE attempts SET status = 'abandoned', ended_at = ?, updated_at = ?
			WHERE user_id = ? AND status = 'active' AND practice_of = ''
			AND scenario_id IN (SELECT scenario_id FROM attempts WHERE user_id = ? AND status = 'active' AND practice_of = '')`,
			now, now, legacyID, accountID); err != nil {
			return writeFailed("claim user: close clashing attempts", err)
		}
		res, err := tx.ExecContext(ctx, "UPDATE attempts SET user_id = ? WHERE user_id = ?", accountID, legacyID)
		if err != nil {
			return writeFailed("claim user: move attempts", err)
		}
		moved, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, "UPDATE users SET claimed_by = ? WHERE id = ?", accountID, legacyID); err != nil {
			return writeFailed("claim user", err)
		}
		return nil
	})
	return int(moved), err
}
