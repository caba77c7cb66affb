package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
)

const attemptColumns = `id, user_id, scenario_id, version, seed, status, state, last_seq, turns,
	ending, outcome, summary, started_at, updated_at, ended_at, practice_of, practice_from`

// Attempt returns the attempt with the given id.
func (s *Store) Attempt(ctx context.Context, id string) (training.Attempt, error) {
	row := s.read.QueryRowContext(ctx, "SELECT "+attemptColumns+" FROM attempts WHERE id = ?", id)
	a, err := scanAttempt(row)
	if errors.Is(err, sql.ErrNoRows) {
		return training.Attempt{}, fmt.Errorf("store: attempt %q: %w; check the id or start a new attempt", id, training.ErrNotFound)
	}
	if err != nil {
		return training.Attempt{}, readFailed(fmt.Sprintf("read attempt %q", id), err)
	}
	return a, nil
}

// ActiveAttempt returns the user's active scored attempt on the scenario
// (never a practice run), or ErrNotFound if there is none.
func (s *Store) ActiveAttempt(ctx context.Context, userID, scenarioID string) (training.Attempt, error) {
	row := s.read.QueryRowContext(ctx, "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = ? AND scenario_id = ? AND status = 'active' AND practice_of = ''",
		userID, scenarioID)
	a, err := scanAttempt(row)
	if errors.Is(err, sql.ErrNoRows) {
		return training.Attempt{}, fmt.Errorf("store: no active attempt for user %q on scenario %q: %w; start one with CreateAttempt",
			userID, scenarioID, training.ErrNotFound)
	}
	if err != nil {
		return training.Attempt{}, readFailed(fmt.Sprintf("read active attempt of user %q", userID), err)
	}
	return a, nil
}

// AttemptsByUser returns the user's attempts, most recently updated first, at
// most limit of them (limit <= 0: all). An unknown user has no attempts.
func (s *Store) AttemptsByUser(ctx context.Context, userID string, limit int) ([]training.Attempt, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return s.queryAttempts(ctx, fmt.Sprintf("list attempts of user %q", userID), "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = ? ORDER BY updated_at DESC, id LIMIT ?", userID, limit)
}

// AttemptsPage returns at most limit of the user's attempts after the
// cursor, most recently updated first, then by id. No index holds
// updated_at (migration 0002), so it reads the user's rows through
// attempts_by_user and keeps the top limit of them.
func (s *Store) AttemptsPage(ctx context.Context, userID string, after training.AttemptCursor, limit int) ([]training.Attempt, error) {
	what := fmt.Sprintf("list a page of the attempts of user %q", userID)
	if limit <= 0 {
		return nil, fmt.Errorf("store: %s: limit %d: ask for at least one attempt", what, limit)
	}
	query, args := "SELECT "+attemptColumns+" FROM attempts WHERE user_id = ?", []any{userID}
	if !after.IsZero() {
		ms := after.UpdatedAt.UnixMilli()
		query += " AND (updated_at < ? OR (updated_at = ? AND id > ?))"
		args = append(args, ms, ms, after.ID)
	}
	return s.queryAttempts(ctx, what, query+" ORDER BY updated_at DESC, id LIMIT ?", append(args, limit)...)
}

// scanAttempt reads one row selected with attemptColumns.
func scanAttempt(row interface{ Scan(...any) error }) (training.Attempt, error) {
	var a training.Attempt
	var started, updated int64
	var ended sql.NullInt64
	err := row.Scan(&a.ID, &a.UserID, &a.ScenarioID, &a.Version, &a.Seed, &a.Status, &a.State, &a.LastSeq,
		&a.Turns, &a.Ending, &a.Outcome, &a.Summary, &started, &updated, &ended, &a.PracticeOf, &a.PracticeFrom)
	if err != nil {
		return training.Attempt{}, err
	}
	a.StartedAt, a.UpdatedAt = fromMillis(started), fromMillis(updated)
	if ended.Valid {
		a.EndedAt = fromMillis(ended.Int64)
	}
	return a, nil
}

// queryAttempts runs a query selecting attemptColumns on the read pool and
// reads every row; what says what it lists, for errors.
func (s *Store) queryAttempts(ctx context.Context, what, query string, args ...any) ([]training.Attempt, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, readFailed(what, err)
	}
	defer rows.Close()
	var as []training.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, readFailed(what, err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed(what, err)
	}
	return as, nil
}
