package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

const attemptColumns = `id, user_id, scenario_id, version, seed, status, state, last_seq, turns,
	ending, outcome, summary, started_at, updated_at, ended_at, practice_of, practice_from`

// Attempt returns the attempt with the given id.
func (s *Store) Attempt(ctx context.Context, id string) (training.Attempt, error) {
	a, err := scanAttempt(s.pool.QueryRow(ctx, "SELECT "+attemptColumns+" FROM attempts WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
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
	a, err := scanAttempt(s.pool.QueryRow(ctx, "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = $1 AND scenario_id = $2 AND status = 'active' AND practice_of = ''",
		userID, scenarioID))
	if errors.Is(err, pgx.ErrNoRows) {
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
	var lim *int // NULL: no limit
	if limit > 0 {
		lim = &limit
	}
	return s.queryAttempts(ctx, fmt.Sprintf("list attempts of user %q", userID), "SELECT "+attemptColumns+
		" FROM attempts WHERE user_id = $1 ORDER BY updated_at DESC, id LIMIT $2", userID, lim)
}

// AttemptsPage returns at most limit of the user's attempts after the
// cursor, most recently updated first, then by id. No index holds
// updated_at (so a turn stays a HOT update): it reads the user's rows
// through attempts_by_user and keeps the top limit of them.
func (s *Store) AttemptsPage(ctx context.Context, userID string, after training.AttemptCursor, limit int) ([]training.Attempt, error) {
	what := fmt.Sprintf("list a page of the attempts of user %q", userID)
	if limit <= 0 {
		return nil, fmt.Errorf("store: %s: limit %d: ask for at least one attempt", what, limit)
	}
	query, args := "SELECT "+attemptColumns+" FROM attempts WHERE user_id = $1", []any{userID}
	if !after.IsZero() {
		// (updated_at DESC, id ASC) is not one row comparison: spelt out.
		query += " AND (updated_at < $2 OR (updated_at = $2 AND id > $3))"
		args = append(args, after.UpdatedAt, after.ID)
	}
	args = append(args, limit)
	return s.queryAttempts(ctx, what, fmt.Sprintf("%s ORDER BY updated_at DESC, id LIMIT $%d", query, len(args)), args...)
}

// queryAttempts runs a query selecting attemptColumns and reads every row;
// what says what it lists, for errors.
func (s *Store) queryAttempts(ctx context.Context, what, query string, args ...any) ([]training.Attempt, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, readFailed(what, err)
	}
	as, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Attempt, error) { return scanAttempt(row) })
	if err != nil {
		return nil, readFailed(what, err)
	}
	return as, nil
}

// scanAttempt reads one row selected with attemptColumns.
func scanAttempt(row pgx.Row) (training.Attempt, error) {
	var a training.Attempt
	var status string
	var started, updated time.Time
	var ended *time.Time
	err := row.Scan(&a.ID, &a.UserID, &a.ScenarioID, &a.Version, &a.Seed, &status, &a.State, &a.LastSeq,
		&a.Turns, &a.Ending, &a.Outcome, &a.Summary, &started, &updated, &ended, &a.PracticeOf, &a.PracticeFrom)
	if err != nil {
		return training.Attempt{}, err
	}
	a.Status, a.StartedAt, a.UpdatedAt, a.EndedAt = training.Status(status), started.UTC(), updated.UTC(), utc(ended)
	return a, nil
}
