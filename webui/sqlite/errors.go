package sqlite

import (
	"errors"

	sqlite3 "modernc.org/sqlite/lib"
)

// ErrClosed means the Store was closed. Every other error a caller tests
// for is the port's: training.ErrNotFound and training.ErrConflict, wrapped
// with a message that names the record and says what to do next.
var ErrClosed = errors.New("store: closed: open the database again with sqlite.Open")

// sqliteCode is the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var e interface{ Code() int }
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUniqueViolation reports whether err is a primary key or unique constraint
// failure.
func isUniqueViolation(err error) bool {
	code := sqliteCode(err)
	return code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// isForeignKeyViolation reports whether err is a foreign key failure.
func isForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}
