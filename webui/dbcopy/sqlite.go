package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"parley/webui/sqlite"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteDB is a SQLite file in a copy, read or written in one transaction
// on one connection.
type sqliteDB struct {
	path string
	db   *sql.DB
	tx   *sql.Tx
}

// openSQLiteSource opens the file at path read-only and starts the read
// transaction the whole copy reads in (one snapshot, even if a server
// writes meanwhile).
func openSQLiteSource(ctx context.Context, path string) (*sqliteDB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("dbcopy: source %s: %w; pass the file the server uses (its --db)", path, err)
	}
	s, err := openSQLite(ctx, path, "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	err = checkVersion(ctx, "source "+path, s.version, sqlite.SchemaVersion(),
		fmt.Sprintf("let this build migrate it first (parley user list --db %s does, and changes nothing else)", path))
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// openSQLiteTarget creates the file at path if need be, applies this
// build's migrations (sqlite.Open), and starts the write transaction the
// whole copy is made in (BEGIN IMMEDIATE: no other writer meanwhile).
func openSQLiteTarget(ctx context.Context, path string) (*sqliteDB, error) {
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: target %s: %w", path, err)
	}
	if err := st.Close(); err != nil {
		return nil, fmt.Errorf("dbcopy: target %s: %w", path, err)
	}
	return openSQLite(ctx, path, path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
}

func openSQLite(ctx context.Context, path, dsn string) (*sqliteDB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("dbcopy: open %s: %w (check that it is a SQLite file you may read)", path, err), db.Close())
	}
	return &sqliteDB{path: path, db: db, tx: tx}, nil
}

func (s *sqliteDB) where() string { return s.path }

func (s *sqliteDB) version(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	if err := s.tx.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("dbcopy: %s: read its schema version: %w (is it a Parley database?)", s.path, err)
	}
	return v.Int64, nil
}

func (s *sqliteDB) tables(ctx context.Context) ([]string, error) {
	rows, err := s.tx.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
	if err != nil {
		return nil, fmt.Errorf("dbcopy: %s: list its tables: %w", s.path, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("dbcopy: %s: list its tables: %w", s.path, err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// declared is each column of table name with its declared type.
func (s *sqliteDB) declared(ctx context.Context, name string) (map[string]string, error) {
	rows, err := s.tx.QueryContext(ctx, "SELECT name, type FROM pragma_table_info(?)", name)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: %s: read the columns of %s: %w", s.path, name, err)
	}
	defer rows.Close()
	cols := map[string]string{}
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			return nil, fmt.Errorf("dbcopy: %s: read the columns of %s: %w", s.path, name, err)
		}
		cols[n] = typ
	}
	return cols, rows.Err()
}

func (s *sqliteDB) count(ctx context.Context, name string) (int64, error) {
	var n int64
	if err := s.tx.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(name)).Scan(&n); err != nil {
		return 0, fmt.Errorf("dbcopy: %s: count the rows of %s: %w", s.path, name, err)
	}
	return n, nil
}

func (s *sqliteDB) scan(ctx context.Context, t table, every int64) (*cursor, error) {
	rows, err := s.tx.QueryContext(ctx, scanQuery(t, every))
	if err != nil {
		return nil, fmt.Errorf("dbcopy: %s: read %s: %w", s.path, t.name, err)
	}
	ptrs := make([]any, len(t.cols))
	fetch := func(dst []any) (bool, error) {
		if !rows.Next() {
			return false, rows.Err()
		}
		for i := range dst {
			ptrs[i] = &dst[i]
		}
		return true, rows.Scan(ptrs...)
	}
	return newCursor(t, fetch, rows.Close), nil
}

// insert writes every row of rows into t, in the transaction.
func (s *sqliteDB) insert(ctx context.Context, t table, rows *cursor) (int64, error) {
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quote(t.name), quoteAll(t.names()),
		strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", "))
	stmt, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("dbcopy: %s: prepare the insert into %s: %w", s.path, t.name, err)
	}
	defer stmt.Close()
	args := make([]any, len(t.cols))
	for rows.Next() {
		for i, v := range rows.row {
			args[i] = v
			if tm, ok := v.(time.Time); ok {
				args[i] = tm.UnixMilli()
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return rows.n, fmt.Errorf("dbcopy: %s: insert row %d of %s: %w", s.path, rows.n, t.name, err)
		}
	}
	return rows.n, rows.Err()
}

// continueSequences: SQLite's rowids (and AUTOINCREMENT's sqlite_sequence)
// follow the largest id inserted by themselves.
func (s *sqliteDB) continueSequences(context.Context) (int, error) { return 0, nil }

func (s *sqliteDB) commit(context.Context) error {
	if err := s.tx.Commit(); err != nil {
		return fmt.Errorf("dbcopy: %s: commit the copy: %w (nothing was written)", s.path, err)
	}
	return nil
}

// close rolls back what was not committed and closes the file.
func (s *sqliteDB) close() {
	_ = s.tx.Rollback()
	_ = s.db.Close()
}
