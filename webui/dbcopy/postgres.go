package dbcopy

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley/webui/postgres"
)

// postgresDB is a PostgreSQL database in a copy, read or written in one
// transaction on one connection.
type postgresDB struct {
	name string // the URL without its password
	conn *pgx.Conn
	tx   pgx.Tx
}

// openPostgresSource connects and starts a read-only transaction whose
// snapshot the whole copy reads.
func openPostgresSource(ctx context.Context, url string) (*postgresDB, error) {
	p, err := openPostgres(ctx, url, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	err = checkVersion(ctx, "source "+p.name, p.version, postgres.SchemaVersion(),
		fmt.Sprintf("let this build migrate it first (parley user list --db '%s' does, and changes nothing else)", p.name))
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// openPostgresTarget applies this build's migrations (postgres.Open, which
// also refuses a server where commits are not durable), then starts the
// transaction the whole copy is made in, holding every copied table
// locked against writers (a server started on it meanwhile waits).
func openPostgresTarget(ctx context.Context, url string) (*postgresDB, error) {
	st, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: target: %w", err)
	}
	_ = st.Close()
	p, err := openPostgres(ctx, url, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, err
	}
	if _, err := p.tx.Exec(ctx, "SET LOCAL lock_timeout = '10s'"); err != nil {
		p.close()
		return nil, fmt.Errorf("dbcopy: %s: %w", p.name, err)
	}
	if _, err := p.tx.Exec(ctx, "LOCK TABLE "+quoteAll(copied)+" IN EXCLUSIVE MODE"); err != nil {
		p.close()
		return nil, fmt.Errorf("dbcopy: %s: lock its tables: %w (is a Parley server using it? stop it, then copy)", p.name, err)
	}
	return p, nil
}

func openPostgres(ctx context.Context, url string, opts pgx.TxOptions) (*postgresDB, error) {
	name := postgres.Redact(url)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dbcopy: connect to %s: %w (check the URL, that PostgreSQL runs, and that the database exists)", name, err)
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("dbcopy: %s: begin: %w", name, err), conn.Close(ctx))
	}
	return &postgresDB{name: name, conn: conn, tx: tx}, nil
}

func (p *postgresDB) where() string { return p.name }

func (p *postgresDB) version(ctx context.Context) (int64, error) {
	var v *int64
	if err := p.tx.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("dbcopy: %s: read its schema version: %w (is it a Parley database?)", p.name, err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

func (p *postgresDB) tables(ctx context.Context) ([]string, error) {
	rows, _ := p.tx.Query(ctx, "SELECT table_name::text FROM information_schema.tables "+
		"WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("dbcopy: %s: list its tables: %w", p.name, err)
	}
	return names, nil
}

// describe reads table name's columns, their kinds and its primary key.
func (p *postgresDB) describe(ctx context.Context, name string) (table, error) {
	t := table{name: name}
	rows, _ := p.tx.Query(ctx, "SELECT column_name::text, data_type::text FROM information_schema.columns "+
		"WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", name)
	var col, typ string
	_, err := pgx.ForEachRow(rows, []any{&col, &typ}, func() error {
		k, err := kindOfPostgres(name, col, typ)
		t.cols = append(t.cols, column{name: col, kind: k})
		return err
	})
	if err != nil {
		return t, fmt.Errorf("dbcopy: %s: read the columns of %s: %w", p.name, name, err)
	}
	rows, _ = p.tx.Query(ctx, `SELECT a.attname::text FROM pg_index i
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary ORDER BY k.ord`, name)
	if t.pk, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return t, fmt.Errorf("dbcopy: %s: read the primary key of %s: %w", p.name, name, err)
	}
	if len(t.pk) == 0 {
		return t, fmt.Errorf("dbcopy: %s: table %s has no primary key, so its rows cannot be compared in order: "+
			"give it one in a migration", p.name, name)
	}
	return t, nil
}

func (p *postgresDB) count(ctx context.Context, name string) (int64, error) {
	var n int64
	if err := p.tx.QueryRow(ctx, "SELECT count(*) FROM "+quote(name)).Scan(&n); err != nil {
		return 0, fmt.Errorf("dbcopy: %s: count the rows of %s: %w", p.name, name, err)
	}
	return n, nil
}

func (p *postgresDB) scan(ctx context.Context, t table, every int64) (*cursor, error) {
	rows, err := p.tx.Query(ctx, scanQuery(t, every))
	if err != nil {
		return nil, fmt.Errorf("dbcopy: %s: read %s: %w", p.name, t.name, err)
	}
	fetch := func(dst []any) (bool, error) {
		if !rows.Next() {
			return false, rows.Err()
		}
		vals, err := rows.Values()
		copy(dst, vals)
		return true, err
	}
	done := func() error { rows.Close(); return rows.Err() }
	return newCursor(t, fetch, done), nil
}

// insert streams every row of rows into t with COPY.
func (p *postgresDB) insert(ctx context.Context, t table, rows *cursor) (int64, error) {
	n, err := p.tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.names(), rows)
	if err != nil {
		return n, fmt.Errorf("dbcopy: %s: copy into %s (after %d rows read): %w", p.name, t.name, rows.n, err)
	}
	return n, nil
}

// continueSequences sets every sequence that feeds a column (serial or
// identity) of this schema past the largest value copied into it, so the
// next id the database hands out is new. The schema has none today; a
// migration that adds one is covered.
func (p *postgresDB) continueSequences(ctx context.Context) (int, error) {
	rows, _ := p.tx.Query(ctx, `SELECT s.oid::regclass::text, quote_ident(t.relname), quote_ident(a.attname)
		FROM pg_class s
		JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
			AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
		JOIN pg_class t ON t.oid = d.refobjid
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
		WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace`)
	type seq struct{ seq, table, col string }
	seqs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (seq, error) {
		var s seq
		return s, r.Scan(&s.seq, &s.table, &s.col)
	})
	if err != nil {
		return 0, fmt.Errorf("dbcopy: %s: list its sequences: %w", p.name, err)
	}
	for _, s := range seqs {
		q := fmt.Sprintf("SELECT setval($1::regclass, COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)", s.col, s.table)
		if _, err := p.tx.Exec(ctx, q, s.seq); err != nil {
			return 0, fmt.Errorf("dbcopy: %s: continue sequence %s after %s.%s: %w", p.name, s.seq, s.table, s.col, err)
		}
	}
	return len(seqs), nil
}

func (p *postgresDB) commit(ctx context.Context) error {
	if err := p.tx.Commit(ctx); err != nil {
		return fmt.Errorf("dbcopy: %s: commit the copy: %w (nothing was written)", p.name, err)
	}
	return nil
}

// close rolls back what was not committed and disconnects.
func (p *postgresDB) close() {
	ctx := context.Background()
	_ = p.tx.Rollback(ctx)
	_ = p.conn.Close(ctx)
}
