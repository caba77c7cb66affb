package dbcopy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"parley/webui/postgres"
)

// DefaultSample is how many rows of each table the check after the copy
// compares column by column, spread evenly over the table.
const DefaultSample = 1000

// ErrTargetNotEmpty is returned when the target already holds rows.
var ErrTargetNotEmpty = errors.New("the target is not empty")

// ErrMismatch is returned when the check after the copy finds a
// difference; nothing was committed.
var ErrMismatch = errors.New("the copy does not match the source")

// Options adjust a copy.
type Options struct {
	// Sample is how many rows of each table to compare with the source
	// after the copy (0: DefaultSample); negative: every row.
	Sample int64
	// Progress receives a line now and then while a large table is copied,
	// and one when each table is done; nil: nothing.
	Progress io.Writer
}

// Report is what a copy did, table by table.
type Report struct {
	From, To  string // the two databases, as messages name them (a URL without its password)
	Tables    []TableReport
	Sequences int // PostgreSQL sequences set to continue after the copied rows
}

// TableReport is one table's counts and comparison.
type TableReport struct {
	Table    string
	Source   int64  // rows in the source
	Target   int64  // rows in the target after the copy
	Compared int64  // rows compared column by column
	Mismatch string // the first difference found; "" when none
}

// reader is one database as the copy reads it, inside its one transaction.
type reader interface {
	where() string
	tables(ctx context.Context) ([]string, error)
	count(ctx context.Context, table string) (int64, error)
	scan(ctx context.Context, t table, every int64) (*cursor, error)
	close()
}

// writer is the target: a reader that inserts too, in one transaction.
type writer interface {
	reader
	insert(ctx context.Context, t table, rows *cursor) (int64, error)
	continueSequences(ctx context.Context) (int, error)
	commit(ctx context.Context) error
}

// Copy moves every row of the installation at from into the empty database
// at to, one a SQLite file and the other a postgres:// URL, in one
// transaction on to that commits only when the check after it (counts and
// a sample of rows) finds the two the same. On any error to is left as it
// was, with this build's migrations applied. from is only read.
func Copy(ctx context.Context, from, to string, o Options) (Report, error) {
	src, dst, err := open(ctx, from, to)
	if err != nil {
		return Report{}, err
	}
	defer src.close()
	defer dst.close()
	tables, err := plan(ctx, src, dst)
	if err != nil {
		return Report{}, err
	}
	if err := checkEmpty(ctx, dst); err != nil {
		return Report{}, err
	}
	p := newProgress(o.Progress)
	rep := Report{From: src.where(), To: dst.where()}
	for _, t := range tables {
		tr, err := copyTable(ctx, src, dst, t, p)
		if err != nil {
			return rep, err
		}
		rep.Tables = append(rep.Tables, tr)
	}
	if rep.Sequences, err = dst.continueSequences(ctx); err != nil {
		return rep, err
	}
	if err := verify(ctx, src, dst, tables, o.Sample, &rep, p); err != nil {
		return rep, err
	}
	return rep, dst.commit(ctx)
}

// open opens the source and the target: one SQLite, one PostgreSQL.
func open(ctx context.Context, from, to string) (reader, writer, error) {
	fromPG, toPG := postgres.IsURL(from), postgres.IsURL(to)
	switch {
	case from == "" || to == "":
		return nil, nil, fmt.Errorf("dbcopy: give both --from and --to: a SQLite file and a postgres:// URL")
	case fromPG && toPG:
		return nil, nil, fmt.Errorf("dbcopy: both are PostgreSQL databases: copy one into another with pg_dump and pg_restore")
	case !fromPG && !toPG:
		return nil, nil, fmt.Errorf("dbcopy: both are SQLite files: copy one with sqlite3 %s \".backup %s\"", from, to)
	}
	var src reader
	var err error
	if fromPG {
		src, err = openPostgresSource(ctx, from)
	} else {
		src, err = openSQLiteSource(ctx, from)
	}
	if err != nil {
		return nil, nil, err
	}
	var dst writer
	if toPG {
		dst, err = openPostgresTarget(ctx, to)
	} else {
		dst, err = openSQLiteTarget(ctx, to)
	}
	if err != nil {
		src.close()
		return nil, nil, err
	}
	return src, dst, nil
}

// plan checks that both databases have exactly the tables the copy knows,
// with the same columns, and describes each copied table (PostgreSQL's
// catalogue says each column's kind).
func plan(ctx context.Context, src reader, dst writer) ([]table, error) {
	for _, db := range []reader{src, dst} {
		names, err := db.tables(ctx)
		if err != nil {
			return nil, err
		}
		if err := checkTables(db.where(), names); err != nil {
			return nil, err
		}
	}
	pg, _ := src.(*postgresDB)
	lite, _ := dst.(*sqliteDB)
	if pg == nil {
		pg, _ = dst.(*postgresDB)
		lite, _ = src.(*sqliteDB)
	}
	var tables []table
	for _, name := range copied {
		t, err := pg.describe(ctx, name)
		if err != nil {
			return nil, err
		}
		declared, err := lite.declared(ctx, name)
		if err != nil {
			return nil, err
		}
		if err := checkSQLiteColumns(lite.where(), t, declared); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// checkEmpty refuses a target that holds any row of a copied table.
func checkEmpty(ctx context.Context, dst writer) error {
	var full []string
	for _, name := range copied {
		n, err := dst.count(ctx, name)
		if err != nil {
			return err
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s: %d rows", name, n))
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("dbcopy: %s already holds data (%s): %w; db copy only fills an empty database, so that "+
			"nothing is ever merged or overwritten: copy into a new one (createdb, or a new file name)",
			dst.where(), strings.Join(full, ", "), ErrTargetNotEmpty)
	}
	return nil
}

// copyTable streams every row of t from src into dst.
func copyTable(ctx context.Context, src reader, dst writer, t table, p *progress) (TableReport, error) {
	total, err := src.count(ctx, t.name)
	if err != nil {
		return TableReport{}, err
	}
	rows, err := src.scan(ctx, t, 1)
	if err != nil {
		return TableReport{}, err
	}
	rows.tick = p.ticker("copying "+t.name, total)
	n, err := dst.insert(ctx, t, rows)
	if cerr := rows.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("dbcopy: %s: read %s: %w", src.where(), t.name, cerr)
	}
	if err != nil {
		return TableReport{}, fmt.Errorf("%w; nothing was committed: the target is as it was", err)
	}
	p.linef("copied %s: %d rows", t.name, n)
	return TableReport{Table: t.name, Source: total}, nil
}
