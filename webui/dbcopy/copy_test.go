package dbcopy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"parley/webui/postgres"
	"parley/webui/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestCopyRoundTrip copies a SQLite installation into PostgreSQL and back
// into a new SQLite file, which must hold exactly the rows of the first:
// every table, every column, NULLs, bytes and times to the millisecond.
// The sample (7 rows a table) makes the check read spread-out rows of the
// larger tables on both databases.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	from := newSQLite(t, true)
	addTurns(t, from, 200)
	pg := pgtest.New(t).URL
	var progress bytes.Buffer
	rep, err := Copy(ctx, from, pg, Options{Sample: 7, Progress: &progress})
	if err != nil {
		t.Fatalf("copy into PostgreSQL: %v\n%s", err, progress.String())
	}
	want := map[string]int64{"users": 3, "scenario_versions": 2, "attempts": 203, "turns": 1004, "sessions": 1,
		"links": 1, "cohorts": 1, "cohort_managers": 1, "cohort_members": 1, "cohort_assignments": 2,
		"turn_comments": 1, "attempt_shares": 1, "xapi_outbox": 2}
	if len(rep.Tables) != len(copied) {
		t.Fatalf("the report has %d tables, want %d: %+v", len(rep.Tables), len(copied), rep.Tables)
	}
	for _, tr := range rep.Tables {
		if tr.Source != want[tr.Table] || tr.Target != want[tr.Table] || tr.Mismatch != "" {
			t.Errorf("%s: %+v; want %d rows on both sides and no mismatch", tr.Table, tr, want[tr.Table])
		}
		if wantCompared := min(want[tr.Table], 8); tr.Compared < wantCompared-1 || tr.Compared > wantCompared {
			t.Errorf("%s: compared %d rows, want about %d (a sample of 7)", tr.Table, tr.Compared, wantCompared)
		}
	}
	if !strings.Contains(progress.String(), "copied turns: 1004 rows") {
		t.Errorf("the progress lines do not say that turns were copied:\n%s", progress.String())
	}

	back := filepath.Join(t.TempDir(), "back.db")
	if _, err := Copy(ctx, pg, back, Options{Sample: -1}); err != nil {
		t.Fatalf("copy back into SQLite: %v", err)
	}
	if a, b := dumpSQLite(t, from), dumpSQLite(t, back); a != b {
		t.Errorf("the round trip changed rows:\n--- before\n%s\n--- after\n%s", a, b)
	}
}

// TestCopyLeavesTheSourceAlone: the source file's bytes are the same after
// a copy (it is opened read-only). A reader of a database in WAL mode may
// leave an empty -wal file beside it, as any reader does: that is not a
// change.
func TestCopyLeavesTheSourceAlone(t *testing.T) {
	from := newSQLite(t, true)
	before := hashFiles(t, from)
	if _, err := Copy(context.Background(), from, pgtest.New(t).URL, Options{}); err != nil {
		t.Fatal(err)
	}
	if after := hashFiles(t, from); after != before {
		t.Errorf("the source changed during the copy:\n%s\n%s", before, after)
	}
}

func hashFiles(t *testing.T, path string) string {
	t.Helper()
	var out []string
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) || err == nil && len(data) == 0 {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		out = append(out, p+" "+hex.EncodeToString(sum[:]))
	}
	return strings.Join(out, "\n")
}

// pgCount counts a table's rows on PostgreSQL.
func pgCount(t *testing.T, url, table string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgExec(t *testing.T, url string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// migrated is a new PostgreSQL database with Parley's schema.
func migrated(t *testing.T) string {
	t.Helper()
	url := pgtest.New(t).URL
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return url
}

// emptyEverywhere fails t unless every copied table of url is empty.
func emptyEverywhere(t *testing.T, url string) {
	t.Helper()
	for _, name := range copied {
		if n := pgCount(t, url, name); n != 0 {
			t.Errorf("after the failed copy the target's %s holds %d rows, want none", name, n)
		}
	}
}

// TestCopyRefusesATargetWithData: a target with one account is refused,
// and keeps that account and nothing else.
func TestCopyRefusesATargetWithData(t *testing.T) {
	from := newSQLite(t, true)
	to := migrated(t)
	pgExec(t, to, "INSERT INTO users (id, display_name, created_at) VALUES ('someone', 'Someone', now())")
	_, err := Copy(context.Background(), from, to, Options{})
	if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "users: 1 rows") {
		t.Fatalf("copy into a target with a user: %v; want ErrTargetNotEmpty naming users", err)
	}
	if n := pgCount(t, to, "users"); n != 1 {
		t.Errorf("the refused target has %d users, want its 1", n)
	}
	if n := pgCount(t, to, "attempts"); n != 0 {
		t.Errorf("the refused target has %d attempts, want none", n)
	}

	back := newSQLite(t, true) // and the other way: a SQLite file with rows
	if _, err := Copy(context.Background(), migrated(t), back, Options{}); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("copy from an empty PostgreSQL into a SQLite file with rows: %v; want ErrTargetNotEmpty", err)
	}
}

// TestCopyIsAllOrNothing: a row PostgreSQL refuses (a comment on an attempt
// that does not exist, which SQLite kept because foreign keys were off when
// it was written) fails the copy after several tables were written, and
// the target is left empty.
func TestCopyIsAllOrNothing(t *testing.T) {
	from := newSQLite(t, true)
	db := "?_pragma=foreign_keys(0)"
	execSQLiteDSN(t, from+db, `INSERT INTO turn_comments (id, attempt_id, turn, author_id, body, created_at)
		VALUES ('orphan', 'no-such-attempt', 1, 'u-ada', 'lost', 1)`)
	to := pgtest.New(t).URL
	_, err := Copy(context.Background(), from, to, Options{})
	if err == nil || !strings.Contains(err.Error(), "turn_comments") || !strings.Contains(err.Error(), "nothing was committed") {
		t.Fatalf("copy with an orphan comment: %v; want an error naming turn_comments that says nothing was committed", err)
	}
	emptyEverywhere(t, to)
}

func execSQLiteDSN(t *testing.T, dsn, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

// TestCopyFindsADifference: a trigger on the target that changes a name as
// it is written makes the check after the copy fail, name the row and the
// column, and leave the target empty.
func TestCopyFindsADifference(t *testing.T) {
	from := newSQLite(t, true)
	to := migrated(t)
	pgExec(t, to, `CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN NEW.display_name := upper(NEW.display_name); RETURN NEW; END $$`,
		`CREATE TRIGGER shout BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION shout()`)
	rep, err := Copy(context.Background(), from, to, Options{})
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("copy through a changing trigger: %v; want ErrMismatch", err)
	}
	if got := rep.Tables[0]; got.Table != "users" || !strings.Contains(got.Mismatch, `row (id="u-ada"): column display_name is "Ada" in the source, "ADA" in the target`) {
		t.Errorf("the report's users row: %+v; want the mismatch of u-ada's display_name", got)
	}
	emptyEverywhere(t, to)
}

// TestCopyRefusesOtherSchemaVersions: a source written by a newer Parley is
// refused, and so is an older one, which this build must migrate first.
func TestCopyRefusesOtherSchemaVersions(t *testing.T) {
	for _, c := range []struct {
		name, stmt, want string
	}{
		{"newer", "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)",
			"schema version 9999, newer than this build knows"},
		{"older", "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)",
			"older than this build's"},
	} {
		t.Run(c.name, func(t *testing.T) {
			from := newSQLite(t, true)
			execSQLite(t, from, c.stmt)
			to := pgtest.New(t).URL
			_, err := Copy(context.Background(), from, to, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("copy: %v; want an error saying %q", err, c.want)
			}
		})
	}
}

// TestCopyRefusesTwoOfAKind: SQLite to SQLite and PostgreSQL to PostgreSQL
// have better tools, which the message names.
func TestCopyRefusesTwoOfAKind(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"a.db", "b.db", ".backup"},
		{"postgres://x/a", "postgresql://x/b", "pg_dump"},
		{"", "b.db", "give both"},
	} {
		if _, err := Copy(context.Background(), c.from, c.to, Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Copy(%q, %q): %v; want an error mentioning %s", c.from, c.to, err, c.want)
		}
	}
}
