package store

import (
	"context"
	"database/sql"
	"fmt"
)

// writeTx is the batch transaction as a writeFunc sees it. Its ExecContext
// runs the hot statements (savepoints, the per-turn writes) from statements
// prepared once on the write connection, so SQLite does not parse them again
// for every write; any other query runs as usual.
type writeTx struct {
	*sql.Tx
	prepared map[string]*sql.Stmt
}

// ExecContext executes query in the transaction.
func (tx *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := tx.prepared[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// The savepoint around each write of a batch.
const (
	sqlSavepoint  = "SAVEPOINT write"
	sqlRollbackTo = "ROLLBACK TO write"
	sqlRelease    = "RELEASE write"
)

// prepare prepares queries on db, whose one connection must be free.
func prepare(ctx context.Context, db *sql.DB, queries []string) (map[string]*sql.Stmt, error) {
	prepared := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
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
