package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// writeTx is the batch transaction as a writeFunc sees it: the write
// connection, between BEGIN IMMEDIATE and COMMIT. The committer keeps that
// connection for itself and runs the transaction statements on it directly,
// rather than through database/sql's Tx, which starts a goroutine per
// transaction to watch its context. Hot statements (transaction control,
// savepoints, the per-turn writes) are prepared once, so SQLite does not
// parse them again for every write; any other query runs as usual.
type writeTx struct {
	conn     *sql.Conn
	prepared map[string]*sql.Stmt
}

// ExecContext executes query in the transaction.
func (tx *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := tx.prepared[query]; ok {
		return st.ExecContext(ctx, args...)
	}
	return tx.conn.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row, in the
// transaction.
func (tx *writeTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.conn.QueryRowContext(ctx, query, args...)
}

// Transaction control and the savepoint around each write of a batch.
const (
	sqlBegin      = "BEGIN IMMEDIATE" // take the write lock now: never "database is locked" half-way
	sqlCommit     = "COMMIT"
	sqlRollback   = "ROLLBACK"
	sqlSavepoint  = "SAVEPOINT write"
	sqlRollbackTo = "ROLLBACK TO write"
	sqlRelease    = "RELEASE write"
)

// prepare prepares queries on conn.
func prepare(ctx context.Context, conn *sql.Conn, queries []string) (map[string]*sql.Stmt, error) {
	prepared := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := conn.PrepareContext(ctx, q)
		if err != nil {
			closeStatements(prepared)
			return nil, fmt.Errorf("store: prepare %q: %w (the schema may be out of date: check the migrations)", q, err)
		}
		prepared[q] = st
	}
	return prepared, nil
}

func closeStatements(prepared map[string]*sql.Stmt) {
	for _, st := range prepared {
		_ = st.Close() // the connection closes next; nothing to report
	}
}
