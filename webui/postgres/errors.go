package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrClosed means the Store was closed. Every other error a caller tests
// for is the port's: training.ErrNotFound and training.ErrConflict, wrapped
// with a message that names the record and says what to do next.
var ErrClosed = errors.New("store: closed: open the database again with postgres.Open")

// SQLSTATE codes the store reacts to (PostgreSQL's appendix A).
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// pgError is err's PostgreSQL error, or nil when the server did not answer
// with one (a network error, a cancelled context).
func pgError(err error) *pgconn.PgError {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// isUniqueViolation reports whether err is a primary key or unique
// constraint failure.
func isUniqueViolation(err error) bool {
	e := pgError(err)
	return e != nil && e.Code == codeUniqueViolation
}

// isForeignKeyViolation reports whether err is a foreign key failure.
func isForeignKeyViolation(err error) bool {
	e := pgError(err)
	return e != nil && e.Code == codeForeignKeyViolation
}

// violates reports whether err is a failure of the named constraint or
// index.
func violates(err error, constraint string) bool {
	e := pgError(err)
	return e != nil && e.ConstraintName == constraint
}

// writeFailed wraps an unexpected database error on the write path.
func writeFailed(what string, err error) error {
	return fmt.Errorf("store: %s: %w (nothing was saved; retry, and check that PostgreSQL is up and reachable "+
		"and its disk not full if it keeps failing)", what, err)
}

// commitFailed wraps an error of COMMIT. If the server answered, the
// transaction was rolled back; if the connection failed, nobody can tell
// whether it was committed.
func commitFailed(err error) error {
	if pgError(err) != nil {
		return writeFailed("commit", err)
	}
	return fmt.Errorf("store: commit: %w (the connection failed while committing, so the write may or may not "+
		"have been saved: read it back before retrying, and check that PostgreSQL is up and reachable)", err)
}

// readFailed wraps an unexpected database error on the read path.
func readFailed(what string, err error) error {
	return fmt.Errorf("store: %s: %w (check that PostgreSQL is up and reachable, and that the database was "+
		"migrated by this build of Parley)", what, err)
}
