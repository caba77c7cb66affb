package dbcopy

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// kind is what a column holds, the same on both databases.
type kind int

const (
	kindText  kind = iota // text
	kindBytes             // bytea; SQLite BLOB
	kindInt               // integer, bigint; SQLite INTEGER
	kindTime              // timestamptz; SQLite INTEGER milliseconds since the epoch, UTC
)

func (k kind) String() string {
	return [...]string{"text", "bytes", "integer", "time"}[k]
}

// column is one column of a copied table.
type column struct {
	name string
	kind kind
}

// table is one copied table as both databases have it: its columns in
// PostgreSQL's order, and its primary key, by which rows are read in the
// same order on both sides (text compares by bytes on both: SQLite's
// BINARY collation, PostgreSQL's "C").
type table struct {
	name string
	cols []column
	pk   []string
}

func (t table) names() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.name
	}
	return out
}

// kindOfPostgres maps PostgreSQL's information_schema data_type.
func kindOfPostgres(table, col, dataType string) (kind, error) {
	switch dataType {
	case "text":
		return kindText, nil
	case "bytea":
		return kindBytes, nil
	case "smallint", "integer", "bigint":
		return kindInt, nil
	case "timestamp with time zone":
		return kindTime, nil
	}
	return 0, fmt.Errorf("dbcopy: column %s.%s has PostgreSQL type %s, which db copy does not know how to move: "+
		"teach webui/dbcopy (schema.go) the type", table, col, dataType)
}

// sqliteType is the declared type a SQLite column of kind k has.
func sqliteType(k kind) string {
	switch k {
	case kindText:
		return "TEXT"
	case kindBytes:
		return "BLOB"
	}
	return "INTEGER"
}

// checkTables checks that a database's tables are exactly those the copy
// knows (copied and notCopied): a table it does not know would be left
// behind, so the copy refuses to start.
func checkTables(where string, have []string) error {
	known := map[string]bool{}
	for _, t := range copied {
		known[t] = true
	}
	for t := range notCopied {
		known[t] = true
	}
	var unknown, missing []string
	for _, t := range have {
		if !known[t] {
			unknown = append(unknown, t)
		}
		delete(known, t)
	}
	missing = slices.Sorted(maps.Keys(known))
	slices.Sort(unknown)
	if len(unknown) > 0 {
		return fmt.Errorf("dbcopy: %s has table(s) %s that db copy does not know, and would leave behind: "+
			"either it holds tables of another program (give Parley a database, or a schema through search_path, of its own), "+
			"or this build of Parley is incomplete (a migration added a table without teaching webui/dbcopy's tables.go: report it)",
			where, strings.Join(unknown, ", "))
	}
	if len(missing) > 0 {
		return fmt.Errorf("dbcopy: %s lacks table(s) %s: it is not a Parley database at this build's schema version",
			where, strings.Join(missing, ", "))
	}
	return nil
}

// checkSQLiteColumns checks that a SQLite table has exactly t's columns,
// each with the declared type its kind is stored as.
func checkSQLiteColumns(where string, t table, declared map[string]string) error {
	for _, c := range t.cols {
		got, ok := declared[c.name]
		if !ok {
			return fmt.Errorf("dbcopy: %s: table %s has no column %s, which PostgreSQL's has: the two schemas differ "+
				"(a bug in Parley's migrations; report it)", where, t.name, c.name)
		}
		if want := sqliteType(c.kind); !strings.EqualFold(got, want) {
			return fmt.Errorf("dbcopy: %s: column %s.%s is %s, want %s to hold PostgreSQL's %s: the two schemas differ "+
				"(a bug in Parley's migrations; report it)", where, t.name, c.name, got, want, c.kind)
		}
		delete(declared, c.name)
	}
	if len(declared) > 0 {
		return fmt.Errorf("dbcopy: %s: table %s has column(s) %s that PostgreSQL's lacks: the two schemas differ "+
			"(a bug in Parley's migrations; report it)", where, t.name, strings.Join(slices.Sorted(maps.Keys(declared)), ", "))
	}
	return nil
}

// normalise turns a value read from either database into the form the copy
// passes on and compares: nil, string, []byte, int64 or a UTC time.
func normalise(v any, c column) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.kind {
	case kindText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		}
	case kindBytes:
		switch v := v.(type) {
		case []byte:
			if v == nil { // an empty blob, not NULL (which drivers make of a nil slice)
				return []byte{}, nil
			}
			return v, nil
		case string:
			return []byte(v), nil
		}
	case kindInt:
		switch v := v.(type) {
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		case int16:
			return int64(v), nil
		}
	case kindTime:
		switch v := v.(type) {
		case time.Time:
			return v.UTC(), nil
		case int64: // SQLite: milliseconds
			return time.UnixMilli(v).UTC(), nil
		}
	}
	return nil, fmt.Errorf("dbcopy: column %s holds a %T, want %s: the row is not what the schema says; "+
		"check the database with its own tools", c.name, v, c.kind)
}

// equal compares two normalised values of kind k. Times compare to the
// millisecond, the precision SQLite keeps.
func equal(a, b any, k kind) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch k {
	case kindBytes:
		return bytes.Equal(a.([]byte), b.([]byte))
	case kindTime:
		return a.(time.Time).UnixMilli() == b.(time.Time).UnixMilli()
	}
	return a == b
}

// describeValue shows a value in a message, shortened.
func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return describeValue(string(v))
	case string:
		if len(v) > 60 {
			return fmt.Sprintf("%q… (%d bytes)", v[:60], len(v))
		}
		return fmt.Sprintf("%q", v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// quote quotes an identifier for either database.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// scanQuery reads t's rows in primary-key order; with every > 1, only the
// first row and each every-th after it (a sample spread over the table).
// The same text runs on SQLite and PostgreSQL.
func scanQuery(t table, every int64) string {
	cols, pk := quoteAll(t.names()), quoteAll(t.pk)
	if every <= 1 {
		return fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", cols, quote(t.name), pk)
	}
	return fmt.Sprintf("SELECT %s FROM (SELECT %s, row_number() OVER (ORDER BY %s) AS dbcopy_rn FROM %s) AS s "+
		"WHERE (dbcopy_rn - 1) %% %d = 0 ORDER BY dbcopy_rn", cols, cols, pk, quote(t.name), every)
}

// checkVersion refuses a source whose schema is not exactly this build's.
func checkVersion(ctx context.Context, where string, read func(context.Context) (int64, error), latest int, howToMigrate string) error {
	v, err := read(ctx)
	if err != nil {
		return err
	}
	switch {
	case v > int64(latest):
		return fmt.Errorf("dbcopy: %s has schema version %d, newer than this build knows (%d): copy it with the Parley release that wrote it", where, v, latest)
	case v < int64(latest):
		return fmt.Errorf("dbcopy: %s has schema version %d, older than this build's (%d): %s, then copy it", where, v, latest, howToMigrate)
	}
	return nil
}
