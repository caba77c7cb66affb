package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"parley/webui/training"
	"time"
)

// CreateCohort stores a cohort and makes its creator its manager.
func (s *Store) CreateCohort(ctx context.Context, c training.Cohort) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO cohorts (id, name, created_by, created_at) VALUES (?, ?, ?, ?)",
			c.ID, c.Name, c.CreatedBy, c.CreatedAt.UnixMilli())
		switch {
		case isUniqueViolation(err):
			return fmt.Errorf("store: cohort %q exists: %w", c.ID, training.ErrConflict)
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: cohort %q: its creator %q: %w", c.ID, c.CreatedBy, training.ErrNotFound)
		case err != nil:
			return writeFailed(fmt.Sprintf("create cohort %q", c.Name), err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO cohort_managers (cohort_id, user_id) VALUES (?, ?)", c.ID, c.CreatedBy); err != nil {
			return writeFailed(fmt.Sprintf("create cohort %q: its manager", c.Name), err)
		}
		return nil
	})
}

const cohortColumns = "c.id, c.name, c.created_by, c.created_at"

func scanCohort(row interface{ Scan(...any) error }) (training.Cohort, error) {
	var c training.Cohort
	var created int64
	err := row.Scan(&c.ID, &c.Name, &c.CreatedBy, &created)
	c.CreatedAt = fromMillis(created)
	return c, err
}

// Cohort reads a cohort.
func (s *Store) Cohort(ctx context.Context, id string) (training.Cohort, error) {
	c, err := scanCohort(s.read.QueryRowContext(ctx, "SELECT "+cohortColumns+" FROM cohorts c WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: cohort %q: %w", id, training.ErrNotFound)
	}
	if err != nil {
		return c, readFailed(fmt.Sprintf("read cohort %q", id), err)
	}
	return c, nil
}

func (s *Store) cohortList(ctx context.Context, what, query string, args ...any) ([]training.Cohort, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, readFailed(what, err)
	}
	defer rows.Close()
	var out []training.Cohort
	for rows.Next() {
		c, err := scanCohort(rows)
		if err != nil {
			return nil, readFailed(what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed(what, err)
	}
	return out, nil
}

// Cohorts lists every cohort, newest first.
func (s *Store) Cohorts(ctx context.Context) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list cohorts", "SELECT "+cohortColumns+" FROM cohorts c ORDER BY c.created_at DESC, c.id")
}

// CohortsManagedBy lists the cohorts a user manages.
func (s *Store) CohortsManagedBy(ctx context.Context, userID string) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list a manager's cohorts", "SELECT "+cohortColumns+
		" FROM cohorts c JOIN cohort_managers m ON m.cohort_id = c.id WHERE m.user_id = ? ORDER BY c.created_at DESC, c.id", userID)
}

// CohortsOf lists the cohorts a user is a member of.
func (s *Store) CohortsOf(ctx context.Context, userID string) ([]training.Cohort, error) {
	return s.cohortList(ctx, "list a trainee's cohorts", "SELECT "+cohortColumns+
		" FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id WHERE m.user_id = ? ORDER BY c.created_at DESC, c.id", userID)
}

// insertLink inserts a row linking a cohort and a user, ignoring a repeat.
func (s *Store) insertLink(ctx context.Context, what, query string, cohortID, userID string, args ...any) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, query, append([]any{cohortID, userID}, args...)...)
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: %s: cohort %q or user %q: %w", what, cohortID, userID, training.ErrNotFound)
		case err != nil:
			return writeFailed(what, err)
		}
		return nil
	})
}

// AddCohortManager makes a user a manager of a cohort.
func (s *Store) AddCohortManager(ctx context.Context, cohortID, userID string) error {
	return s.insertLink(ctx, "add a cohort's manager",
		"INSERT INTO cohort_managers (cohort_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", cohortID, userID)
}

// CohortManagers lists the ids of a cohort's managers.
func (s *Store) CohortManagers(ctx context.Context, cohortID string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT user_id FROM cohort_managers WHERE cohort_id = ? ORDER BY user_id", cohortID)
	if err != nil {
		return nil, readFailed("list a cohort's managers", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, readFailed("list a cohort's managers", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddMember adds a user to a cohort.
func (s *Store) AddMember(ctx context.Context, cohortID, userID string, at time.Time) error {
	return s.insertLink(ctx, "add a cohort's member",
		"INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", cohortID, userID, at.UnixMilli())
}

// RemoveMember takes a user out of a cohort.
func (s *Store) RemoveMember(ctx context.Context, cohortID, userID string) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?", cohortID, userID)
		if err != nil {
			return writeFailed("remove a cohort's member", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: %q is not a member of cohort %q: %w", userID, cohortID, training.ErrNotFound)
		}
		return nil
	})
}

// Members lists a cohort's members, by display name.
func (s *Store) Members(ctx context.Context, cohortID string) ([]training.Member, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+accountColumnsOf("u")+", m.joined_at FROM cohort_members m JOIN users u ON u.id = m.user_id"+
		" WHERE m.cohort_id = ? ORDER BY u.display_name, u.id", cohortID)
	if err != nil {
		return nil, readFailed("list a cohort's members", err)
	}
	defer rows.Close()
	var out []training.Member
	for rows.Next() {
		var m training.Member
		var joined int64
		if m.Account, err = scanAccount(scanPlus{rows, []any{&joined}}); err != nil {
			return nil, readFailed("list a cohort's members", err)
		}
		m.JoinedAt = fromMillis(joined)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("list a cohort's members", err)
	}
	return out, nil
}

// scanPlus scans a row's account columns and then more.
type scanPlus struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// SetAssignment assigns a scenario to a cohort, or updates the assignment.
func (s *Store) SetAssignment(ctx context.Context, a training.Assignment) error {
	marks := ""
	if len(a.PassMarks) > 0 {
		b, err := json.Marshal(a.PassMarks)
		if err != nil {
			return fmt.Errorf("store: pass marks: %w", err)
		}
		marks = string(b)
	}
	var due any
	if !a.Due.IsZero() {
		due = a.Due.UnixMilli()
	}
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cohort_assignments (cohort_id, scenario_id, due_at, pass_marks, assigned_by, assigned_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (cohort_id, scenario_id) DO UPDATE SET due_at = excluded.due_at, pass_marks = excluded.pass_marks`,
			a.CohortID, a.ScenarioID, due, marks, a.AssignedBy, a.AssignedAt.UnixMilli())
		switch {
		case isForeignKeyViolation(err):
			return fmt.Errorf("store: assign to cohort %q: %w", a.CohortID, training.ErrNotFound)
		case err != nil:
			return writeFailed("assign a scenario", err)
		}
		return nil
	})
}

// RemoveAssignment takes an assignment back.
func (s *Store) RemoveAssignment(ctx context.Context, cohortID, scenarioID string) error {
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM cohort_assignments WHERE cohort_id = ? AND scenario_id = ?", cohortID, scenarioID)
		if err != nil {
			return writeFailed("remove an assignment", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: cohort %q has no assignment %q: %w", cohortID, scenarioID, training.ErrNotFound)
		}
		return nil
	})
}

// Assignments lists a cohort's assignments.
func (s *Store) Assignments(ctx context.Context, cohortID string) ([]training.Assignment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT cohort_id, scenario_id, due_at, pass_marks, assigned_by, assigned_at
		FROM cohort_assignments WHERE cohort_id = ? ORDER BY due_at IS NULL, due_at, scenario_id`, cohortID)
	if err != nil {
		return nil, readFailed("list a cohort's assignments", err)
	}
	defer rows.Close()
	var out []training.Assignment
	for rows.Next() {
		var a training.Assignment
		var due sql.NullInt64
		var marks string
		var at int64
		if err := rows.Scan(&a.CohortID, &a.ScenarioID, &due, &marks, &a.AssignedBy, &at); err != nil {
			return nil, readFailed("list a cohort's assignments", err)
		}
		if due.Valid {
			a.Due = fromMillis(due.Int64)
		}
		if marks != "" {
			if err := json.Unmarshal([]byte(marks), &a.PassMarks); err != nil {
				return nil, readFailed("read an assignment's pass marks", err)
			}
		}
		a.AssignedAt = fromMillis(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, readFailed("list a cohort's assignments", err)
	}
	return out, nil
}
