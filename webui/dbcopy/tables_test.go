package dbcopy

import (
	"context"
	"strings"
	"testing"
)

// TestEveryTableIsKnown: the tables this build's migrations create, on
// SQLite and on PostgreSQL, are exactly those tables.go copies or says
// why it does not. A migration that adds a table fails this test until
// the copy knows the table.
func TestEveryTableIsKnown(t *testing.T) {
	ctx := context.Background()
	lite, err := openSQLiteSource(ctx, newSQLite(t, false))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.close()
	pg, err := openPostgresSource(ctx, migrated(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.close()
	for _, db := range []reader{lite, pg} {
		names, err := db.tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkTables(db.where(), names); err != nil {
			t.Error(err)
		}
	}
	for _, name := range copied { // and both schemas agree on every column
		tbl, err := pg.describe(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		declared, err := lite.declared(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkSQLiteColumns("sqlite", tbl, declared); err != nil {
			t.Error(err)
		}
	}
}

// TestCheckTables: what checkTables says of a database with a table too
// many, or one too few.
func TestCheckTables(t *testing.T) {
	all := append([]string{"schema_migrations", "health"}, copied...)
	for _, c := range []struct {
		name string
		have []string
		want string
	}{
		{"exact", all, ""},
		{"a new table", append(all[:len(all):len(all)], "badges"), "table(s) badges that db copy does not know"},
		{"a missing table", all[1:], "lacks table(s) schema_migrations"},
	} {
		err := checkTables("db", c.have)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}

// TestCheckSQLiteColumns: a column missing, extra or of another type.
func TestCheckSQLiteColumns(t *testing.T) {
	tbl := table{name: "t", cols: []column{{"id", kindText}, {"at", kindTime}, {"body", kindBytes}}, pk: []string{"id"}}
	for _, c := range []struct {
		name     string
		declared map[string]string
		want     string
	}{
		{"same", map[string]string{"id": "TEXT", "at": "INTEGER", "body": "BLOB"}, ""},
		{"missing", map[string]string{"id": "TEXT", "body": "BLOB"}, "has no column at"},
		{"extra", map[string]string{"id": "TEXT", "at": "INTEGER", "body": "BLOB", "x": "TEXT"}, "column(s) x that PostgreSQL's lacks"},
		{"type", map[string]string{"id": "TEXT", "at": "TEXT", "body": "BLOB"}, "t.at is TEXT, want INTEGER"},
	} {
		err := checkSQLiteColumns("db", tbl, c.declared)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}
