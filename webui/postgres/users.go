package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

// accountColumnsOf is the columns scanAccount reads, of the users table
// under alias t.
func accountColumnsOf(t string) string {
	return t + ".id, COALESCE(" + t + ".username, ''), " + t + ".display_name, " + t + ".roles, " + t + ".password_hash, " +
		t + ".disabled_at IS NOT NULL, " + t + ".created_at"
}

var accountColumns = accountColumnsOf("users")

// scanAccount reads the accountColumns of a row, then more.
func scanAccount(row pgx.Row, more ...any) (training.Account, error) {
	var a training.Account
	var roles string
	if err := row.Scan(append([]any{&a.ID, &a.Username, &a.DisplayName, &roles, &a.PasswordHash, &a.Disabled, &a.CreatedAt}, more...)...); err != nil {
		return a, err
	}
	r, err := training.ParseRoles(roles)
	if err != nil {
		return a, fmt.Errorf("user %s: stored roles %q: %w", a.ID, roles, err)
	}
	a.Roles, a.CreatedAt = r, a.CreatedAt.UTC()
	return a, nil
}

// nullable is NULL for "", so a user from before accounts has no username.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateAccount stores a new account (with no Username, a user who cannot
// sign in: how users from before accounts are stored). A taken id or
// username is ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a training.Account) error {
	if a.ID == "" {
		return errors.New("store: create account: the id is empty: use training.NewID")
	}
	created := a.CreatedAt
	if created.IsZero() {
		created = s.Now()
	}
	var disabled *time.Time
	if a.Disabled {
		disabled = &created
	}
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (id, username, display_name, roles, password_hash, disabled_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, nullable(a.Username), a.DisplayName, a.Roles.String(), a.PasswordHash, disabled, created)
		if isUniqueViolation(err) {
			return fmt.Errorf("store: account %q (%s) exists: %w; pick another username", a.Username, a.ID, training.ErrConflict)
		}
		if err != nil {
			return writeFailed(fmt.Sprintf("create account %q", a.Username), err)
		}
		return nil
	})
}

// Account reads a user by id.
func (s *Store) Account(ctx context.Context, id string) (training.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, "SELECT "+accountColumns+" FROM users WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("store: user %q: %w", id, training.ErrNotFound)
	}
	if err != nil {
		return a, readFailed(fmt.Sprintf("read user %q", id), err)
	}
	return a, nil
}

// AccountByUsername reads an account by username.
func (s *Store) AccountByUsername(ctx context.Context, username string) (training.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, "SELECT "+accountColumns+" FROM users WHERE username = $1", username))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("store: account %q: %w", username, training.ErrNotFound)
	}
	if err != nil {
		return a, readFailed(fmt.Sprintf("read account %q", username), err)
	}
	return a, nil
}

// Accounts lists the accounts by username.
func (s *Store) Accounts(ctx context.Context) ([]training.Account, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+accountColumns+" FROM users WHERE username IS NOT NULL ORDER BY username")
	if err != nil {
		return nil, readFailed("list accounts", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Account, error) { return scanAccount(row) })
	if err != nil {
		return nil, readFailed("list accounts", err)
	}
	return out, nil
}

// CountAccounts counts the users with a username.
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM users WHERE username IS NOT NULL").Scan(&n); err != nil {
		return 0, readFailed("count accounts", err)
	}
	return n, nil
}

// updateAccount runs one UPDATE of an account's row (and, with endSessions,
// deletes its sessions) in one transaction; an unknown account is
// ErrNotFound.
func (s *Store) updateAccount(ctx context.Context, id, what string, endSessions bool, query string, args ...any) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		tag, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return writeFailed(what, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("store: %s: account %q: %w", what, id, training.ErrNotFound)
		}
		if endSessions {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = $1", id); err != nil {
				return writeFailed(what+": end sessions", err)
			}
		}
		return nil
	})
}

// SetPassword stores a password hash and ends the account's sessions.
func (s *Store) SetPassword(ctx context.Context, id, hash string) error {
	return s.updateAccount(ctx, id, "set password", true,
		"UPDATE users SET password_hash = $1 WHERE id = $2 AND username IS NOT NULL", hash, id)
}

// SetRoles replaces an account's roles.
func (s *Store) SetRoles(ctx context.Context, id string, roles training.Roles) error {
	return s.updateAccount(ctx, id, "set roles", false,
		"UPDATE users SET roles = $1 WHERE id = $2 AND username IS NOT NULL", roles.String(), id)
}

// SetDisabled disables an account and ends its sessions, or enables it.
func (s *Store) SetDisabled(ctx context.Context, id string, disabled bool) error {
	if !disabled {
		return s.updateAccount(ctx, id, "enable account", false,
			"UPDATE users SET disabled_at = NULL WHERE id = $1 AND username IS NOT NULL", id)
	}
	return s.updateAccount(ctx, id, "disable account", true,
		"UPDATE users SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2 AND username IS NOT NULL", s.Now(), id)
}

// SetDisplayName renames a user.
func (s *Store) SetDisplayName(ctx context.Context, id, name string) error {
	return s.updateAccount(ctx, id, "rename user", false, "UPDATE users SET display_name = $1 WHERE id = $2", name, id)
}

// CreateSession stores a session; a taken token hash is ErrConflict, an
// unknown user ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, ses training.Session) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
			ses.TokenHash, ses.UserID, ses.CreatedAt, ses.ExpiresAt)
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: session exists: %w; make a new token", training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: session of user %q: %w", ses.UserID, training.ErrNotFound)
		case err != nil:
			return writeFailed("create session", err)
		}
		return nil
	})
}

// Session reads a session by its token hash, expired or not.
func (s *Store) Session(ctx context.Context, tokenHash string) (training.Session, error) {
	ses := training.Session{TokenHash: tokenHash}
	err := s.pool.QueryRow(ctx, "SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = $1", tokenHash).
		Scan(&ses.UserID, &ses.CreatedAt, &ses.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ses, fmt.Errorf("store: session: %w", training.ErrNotFound)
	}
	if err != nil {
		return ses, readFailed("read session", err)
	}
	ses.CreatedAt, ses.ExpiresAt = ses.CreatedAt.UTC(), ses.ExpiresAt.UTC()
	return ses, nil
}

// ExtendSession moves a session's expiry.
func (s *Store) ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		if _, err := tx.Exec(ctx, "UPDATE sessions SET expires_at = $1 WHERE token_hash = $2", expires, tokenHash); err != nil {
			return writeFailed("extend session", err)
		}
		return nil
	})
}

// DeleteSession ends a session; an unknown one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = $1", tokenHash); err != nil {
			return writeFailed("end session", err)
		}
		return nil
	})
}

// CreateLink stores a one-time link, deleting the user's earlier links of
// the same purpose. It locks the user's row first, so two instances making
// links for the same user at once leave only the newest.
func (s *Store) CreateLink(ctx context.Context, l training.Link) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		var one int
		err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", l.UserID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: one-time link for user %q: %w", l.UserID, training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("create one-time link", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM links WHERE user_id = $1 AND purpose = $2", l.UserID, string(l.Purpose)); err != nil {
			return writeFailed("replace one-time link", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO links (token_hash, purpose, user_id, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, l.TokenHash, string(l.Purpose), l.UserID, l.CreatedBy, l.CreatedAt, l.ExpiresAt)
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: one-time link exists: %w; make a new token", training.ErrConflict)
		case err != nil:
			return writeFailed("create one-time link", err)
		}
		return nil
	})
}

const linkColumns = "token_hash, purpose, user_id, created_by, created_at, expires_at"

func scanLink(row pgx.Row) (training.Link, error) {
	var l training.Link
	var purpose string
	err := row.Scan(&l.TokenHash, &purpose, &l.UserID, &l.CreatedBy, &l.CreatedAt, &l.ExpiresAt)
	l.Purpose, l.CreatedAt, l.ExpiresAt = training.LinkPurpose(purpose), l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	return l, err
}

// Link reads an unexpired link; an expired or used one is ErrNotFound.
func (s *Store) Link(ctx context.Context, tokenHash string, now time.Time) (training.Link, error) {
	l, err := scanLink(s.pool.QueryRow(ctx, "SELECT "+linkColumns+" FROM links WHERE token_hash = $1 AND expires_at > $2",
		tokenHash, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return l, fmt.Errorf("store: one-time link: %w", training.ErrNotFound)
	}
	if err != nil {
		return l, readFailed("read one-time link", err)
	}
	return l, nil
}

// RedeemLink uses a link: deletes it, sets the password, ends the user's
// sessions, and returns the account. The DELETE decides: of two instances
// redeeming the same link at once, one finds it gone (ErrNotFound).
func (s *Store) RedeemLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (training.Account, error) {
	var acc training.Account
	err := s.w.do(ctx, func(ctx context.Context, tx tx) error {
		var userID string
		err := tx.QueryRow(ctx, "DELETE FROM links WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id",
			tokenHash, now).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: one-time link: %w", training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("use one-time link", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = $1 WHERE id = $2", passwordHash, userID); err != nil {
			return writeFailed("set password", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = $1", userID); err != nil {
			return writeFailed("end sessions", err)
		}
		acc, err = scanAccount(tx.QueryRow(ctx, "SELECT "+accountColumns+" FROM users WHERE id = $1", userID))
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
	err := s.w.do(ctx, func(ctx context.Context, tx tx) error {
		n = 0
		for _, q := range []string{"DELETE FROM sessions WHERE expires_at <= $1", "DELETE FROM links WHERE expires_at <= $1"} {
			tag, err := tx.Exec(ctx, q, now)
			if err != nil {
				return writeFailed("delete expired sessions and links", err)
			}
			n += tag.RowsAffected()
		}
		return nil
	})
	return int(n), err
}

// LegacyUsers lists the unclaimed users from before accounts, most recently
// played first (those who never played last, as on SQLite).
func (s *Store) LegacyUsers(ctx context.Context) ([]training.LegacyUser, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.display_name, u.created_at, count(a.id), max(a.updated_at)
		FROM users u LEFT JOIN attempts a ON a.user_id = u.id
		WHERE u.username IS NULL AND u.claimed_by = ''
		GROUP BY u.id ORDER BY max(a.updated_at) DESC NULLS LAST, u.display_name`)
	if err != nil {
		return nil, readFailed("list users from before accounts", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.LegacyUser, error) {
		var u training.LegacyUser
		var last *time.Time
		err := row.Scan(&u.ID, &u.DisplayName, &u.CreatedAt, &u.Attempts, &last)
		u.CreatedAt, u.LastPlayed = u.CreatedAt.UTC(), utc(last)
		return u, err
	})
	if err != nil {
		return nil, readFailed("list users from before accounts", err)
	}
	return out, nil
}

// ClaimLegacy moves a legacy user's attempts to an account. It locks the
// legacy user's row first, so two claims of the same user (on two
// instances) happen one after the other and the second finds it claimed.
func (s *Store) ClaimLegacy(ctx context.Context, legacyID, accountID string) (int, error) {
	var moved int64
	now := s.Now()
	err := s.w.do(ctx, func(ctx context.Context, tx tx) error {
		var one int
		err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE id = $1 AND username IS NULL AND claimed_by = '' FOR NO KEY UPDATE",
			legacyID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: unclaimed user %q from before accounts: %w", legacyID, training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("claim user", err)
		}
		err = tx.QueryRow(ctx, "SELECT 1 FROM users WHERE id = $1 AND username IS NOT NULL", accountID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: account %q: %w", accountID, training.ErrNotFound)
		}
		if err != nil {
			return writeFailed("claim user", err)
		}
		// One active scored attempt per user and scenario: the legacy one gives way.
		if _, err := tx.Exec(ctx, `UPDATE attempts SET status = 'abandoned', ended_at = $1, updated_at = $1
			WHERE user_id = $2 AND status = 'active' AND practice_of = ''
			AND scenario_id IN (SELECT scenario_id FROM attempts WHERE user_id = $3 AND status = 'active' AND practice_of = '')`,
			now, legacyID, accountID); err != nil {
			return writeFailed("claim user: close clashing attempts", err)
		}
		tag, err := tx.Exec(ctx, "UPDATE attempts SET user_id = $1 WHERE user_id = $2", accountID, legacyID)
		if violates(err, "attempts_active_by_user_scenario") {
			return fmt.Errorf("store: claim user %q: %w: account %q started an attempt on the same scenario meanwhile; retry",
				legacyID, training.ErrConflict, accountID)
		}
		if err != nil {
			return writeFailed("claim user: move attempts", err)
		}
		moved = tag.RowsAffected()
		if _, err := tx.Exec(ctx, "UPDATE users SET claimed_by = $1 WHERE id = $2", accountID, legacyID); err != nil {
			return writeFailed("claim user", err)
		}
		return nil
	})
	return int(moved), err
}
