package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateCohort stores a cohort and makes its creator its manager, in one
// transaction. A taken id is ErrConflict; an unknown creator ErrNotFound.
func (s *Store) CreateCohort(ctx context.Context, c training.Cohort) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO cohorts (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)",
			c.ID, c.Name, c.CreatedBy, c.CreatedAt)
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: cohort %q exists: %w; use a fresh id", c.ID, training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: cohort %q: its creator %q: %w", c.ID, c.CreatedBy, training.ErrNotFound)
		case err != nil:
			return writeFailed(fmt.Sprintf("create cohort %q", c.Name), err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO cohort_managers (cohort_id, user_id) VALUES ($1, $2)", c.ID, c.CreatedBy); err != nil {
			return writeFailed(fmt.Sprintf("create cohort %q: its manager", c.Name), err)
		}
		return nil
	})
}

const cohortColumns = "c.id, c.name, c.created_by, c.created_at"

func scanCohort(row pgx.Row) (training.Cohort, error) {
	var c training.Cohort
	err := row.Scan(&c.ID, &c.Name, &c.CreatedBy, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// Cohort reads a cohort.
func (s *Store) Cohort(ctx context.Context, id string) (training.Cohort, error) {
	c, err := scanCohort(s.pool.QueryRow(ctx, "SELECT "+cohortColumns+" FROM cohorts c WHERE c.id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("store: cohort %q: %w", id, training.ErrNotFound)
	}
	if err != nil {
		return c, readFailed(fmt.Sprintf("read cohort %q", id), err)
	}
	return c, nil
}

func (s *Store) cohortList(ctx context.Context, what, query string, args ...any) ([]training.Cohort, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, readFailed(what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Cohort, error) { return scanCohort(row) })
	if err != nil {
		return nil, readFailed(what, err)
	}
	return out, nil
}

// Cohorts lists every cohort, newest first.
func (s *Store) Cohorts(ctx context.Context) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list cohorts", "SELECT "+cohortColumns+" FROM cohorts c ORDER BY c.created_at DESC, c.id")
}

// CohortsManagedBy lists the cohorts a user manages, newest first.
func (s *Store) CohortsManagedBy(ctx context.Context, userID string) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list a manager's cohorts", "SELECT "+cohortColumns+
		" FROM cohorts c JOIN cohort_managers m ON m.cohort_id = c.id WHERE m.user_id = $1 ORDER BY c.created_at DESC, c.id", userID)
}

// CohortsOf lists the cohorts a user is a member of, newest first.
func (s *Store) CohortsOf(ctx context.Context, userID string) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list a trainee's cohorts", "SELECT "+cohortColumns+
		" FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id WHERE m.user_id = $1 ORDER BY c.created_at DESC, c.id", userID)
}

// insertPair inserts a row linking a cohort and a user, ignoring a repeat;
// an unknown cohort or user is ErrNotFound.
func (s *Store) insertPair(ctx context.Context, what, query string, cohortID, userID string, args ...any) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, query, append([]any{cohortID, userID}, args...)...)
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: %s: cohort %q or user %q: %w", what, cohortID, userID, training.ErrNotFound)
		case err != nil:
			return writeFailed(what, err)
		}
		return nil
	})
}

// AddCohortManager makes a user a manager of a cohort; again is a no-op.
func (s *Store) AddCohortManager(ctx context.Context, cohortID, userID string) error {
	return s.insertPair(ctx, "add a cohort's manager",
		"INSERT INTO cohort_managers (cohort_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", cohortID, userID)
}

// CohortManagers lists the ids of a cohort's managers.
func (s *Store) CohortManagers(ctx context.Context, cohortID string) ([]string, error) {
	return s.ids(ctx, "list a cohort's managers", "SELECT user_id FROM cohort_managers WHERE cohort_id = $1 ORDER BY user_id", cohortID)
}

// ids runs a query of one text column.
func (s *Store) ids(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, readFailed(what, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, readFailed(what, err)
	}
	return out, nil
}

// AddMember adds a user to a cohort; again is a no-op (the first join
// stands).
func (s *Store) AddMember(ctx context.Context, cohortID, userID string, at time.Time) error {
	return s.insertPair(ctx, "add a cohort's member",
		"INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", cohortID, userID, at)
}

// RemoveMember takes a user out of a cohort; one who is not a member is
// ErrNotFound.
func (s *Store) RemoveMember(ctx context.Context, cohortID, userID string) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM cohort_members WHERE cohort_id = $1 AND user_id = $2", cohortID, userID)
		if err != nil {
			return writeFailed("remove a cohort's member", err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("store: %q is not a member of cohort %q: %w", userID, cohortID, training.ErrNotFound)
		}
		return nil
	})
}

// Members lists a cohort's members with their accounts, by display name.
func (s *Store) Members(ctx context.Context, cohortID string) ([]training.Member, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+accountColumnsOf("u")+", m.joined_at FROM cohort_members m JOIN users u ON u.id = m.user_id"+
		" WHERE m.cohort_id = $1 ORDER BY u.display_name, u.id", cohortID)
	if err != nil {
		return nil, readFailed("list a cohort's members", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Member, error) {
		var m training.Member
		var err error
		m.Account, err = scanAccount(row, &m.JoinedAt)
		m.JoinedAt = m.JoinedAt.UTC()
		return m, err
	})
	if err != nil {
		return nil, readFailed("list a cohort's members", err)
	}
	return out, nil
}

// SetAssignment assigns a scenario to a cohort, or replaces the
// assignment's due date and pass marks. An unknown cohort is ErrNotFound.
func (s *Store) SetAssignment(ctx context.Context, a training.Assignment) error {
	marks := ""
	if len(a.PassMarks) > 0 {
		b, err := json.Marshal(a.PassMarks)
		if err != nil {
			return fmt.Errorf("store: pass marks: %w", err)
		}
		marks = string(b)
	}
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cohort_assignments (cohort_id, scenario_id, due_at, pass_marks, assigned_by, assigned_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (cohort_id, scenario_id) DO UPDATE SET due_at = excluded.due_at, pass_marks = excluded.pass_marks`,
			a.CohortID, a.ScenarioID, orNull(a.Due), marks, a.AssignedBy, a.AssignedAt)
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: assign to cohort %q by %q: %w", a.CohortID, a.AssignedBy, training.ErrNotFound)
		case err != nil:
			return writeFailed("assign a scenario", err)
		}
		return nil
	})
}

// RemoveAssignment takes an assignment back; an unknown one is ErrNotFound.
func (s *Store) RemoveAssignment(ctx context.Context, cohortID, scenarioID string) error {
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM cohort_assignments WHERE cohort_id = $1 AND scenario_id = $2", cohortID, scenarioID)
		if err != nil {
			return writeFailed("remove an assignment", err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("store: cohort %q has no assignment %q: %w", cohortID, scenarioID, training.ErrNotFound)
		}
		return nil
	})
}

// Assignments lists a cohort's assignments, earliest due first (those
// without a due date last), then by scenario.
func (s *Store) Assignments(ctx context.Context, cohortID string) ([]training.Assignment, error) {
	rows, err := s.pool.Query(ctx, `SELECT cohort_id, scenario_id, due_at, pass_marks, assigned_by, assigned_at
		FROM cohort_assignments WHERE cohort_id = $1 ORDER BY due_at IS NULL, due_at, scenario_id`, cohortID)
	if err != nil {
		return nil, readFailed("list a cohort's assignments", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (training.Assignment, error) {
		var a training.Assignment
		var due *time.Time
		var marks string
		if err := row.Scan(&a.CohortID, &a.ScenarioID, &due, &marks, &a.AssignedBy, &a.AssignedAt); err != nil {
			return a, err
		}
		a.Due, a.AssignedAt = utc(due), a.AssignedAt.UTC()
		if marks != "" {
			if err := json.Unmarshal([]byte(marks), &a.PassMarks); err != nil {
				return a, fmt.Errorf("the pass marks of %s in cohort %s: %w", a.ScenarioID, a.CohortID, err)
			}
		}
		return a, nil
	})
	if err != nil {
		return nil, readFailed("list a cohort's assignments", err)
	}
	return out, nil
}
