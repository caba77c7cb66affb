package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"parley/webui/sqlite"
)

// t0 is a time in the fixture, in SQLite's milliseconds.
const t0 = int64(1_764_000_000_123)

// fixture is one row for every copied table, each with the values that
// are easy to lose on the way: NULLs, NUL bytes, non-ASCII text, large
// integers, empty blobs.
var fixture = []string{
	`INSERT INTO users (id, username, display_name, password_hash, roles, disabled_at, claimed_by, created_at) VALUES
		('u-ada', 'ada', 'Ada', '$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA', 'admin,manager', NULL, '', 1764000000123),
		('u-legacy', NULL, 'Zoë 🚀 "quoted"', '', '', 1764000000999, 'u-ada', 1),
		('u-sam', 'sam', 'Sam', '$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA', 'trainee', NULL, '', 1764000000500)`,
	`INSERT INTO scenario_versions (version, scenario_id, source, created_at) VALUES
		('v1', 'short-call', X'00ff0a7b7d', 1764000000000),
		('v2', 'short-call', X'', 1764000000001)`,
	`INSERT INTO attempts (id, user_id, scenario_id, version, seed, status, state, last_seq, turns, ending, outcome,
		summary, started_at, updated_at, ended_at, practice_of, practice_from) VALUES
		('a-done', 'u-sam', 'short-call', 'v1', -9223372036854775808, 'finished', X'7b2276223a317d', 2, 2, 'win', 'success',
		 X'7b7d', 1764000000200, 1764000000300, 1764000000300, '', 0),
		('a-live', 'u-sam', 'short-call', 'v2', 9223372036854775807, 'active', X'00', 1, 1, '', '',
		 NULL, 1764000000400, 1764000000401, NULL, '', 0),
		('a-practice', 'u-sam', 'short-call', 'v1', 7, 'active', X'01', 3, 1, '', '', NULL, 5, 6, NULL, 'a-done', 2)`,
	`INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at) VALUES
		('a-done', 1, 1, 'own', X'7b7d', 1764000000250),
		('a-done', 2, 2, 'offer', X'7b2274223a325c75303030307d', 1764000000300),
		('a-live', 1, 1099511627776, 'ask', X'', 1764000000401),
		('a-practice', 1, 3, 'own', X'00', 6)`,
	`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('h1', 'u-sam', 1764000000000, 1764999999999)`,
	`INSERT INTO links (token_hash, purpose, user_id, created_by, created_at, expires_at) VALUES
		('l1', 'invite', 'u-legacy', 'u-ada', 1764000000000, 1764000999000)`,
	`INSERT INTO cohorts (id, name, created_by, created_at) VALUES ('c1', 'Autumn intake', 'u-ada', 1764000000010)`,
	`INSERT INTO cohort_managers (cohort_id, user_id) VALUES ('c1', 'u-ada')`,
	`INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES ('c1', 'u-sam', 1764000000020)`,
	`INSERT INTO cohort_assignments (cohort_id, scenario_id, due_at, pass_marks, assigned_by, assigned_at) VALUES
		('c1', 'short-call', NULL, '', 'u-ada', 1764000000030),
		('c1', 'late-shipment', 1765000000000, '{"empathy":70}', 'u-ada', 1764000000031)`,
	`INSERT INTO turn_comments (id, attempt_id, turn, author_id, body, created_at) VALUES
		('k1', 'a-done', 0, 'u-ada', 'Well done —
two lines', 1764000000500)`,
	`INSERT INTO attempt_shares (attempt_id, user_id, shared_at) VALUES ('a-done', 'u-ada', 1764000000600)`,
	`INSERT INTO xapi_outbox (id, body, created_at, tries, next_at, last_error, sent_at) VALUES
		('x1', X'7b7d', 1764000000300, 0, 1764000000300, '', 1764000000301),
		('x2', X'7b7d', 1764000000300, 3, 1764000009000, 'LRS said 503', NULL)`,
}

// newSQLite makes a migrated SQLite file in a temporary folder, with the
// fixture's rows when fill is true, and returns its path.
func newSQLite(t testing.TB, fill bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if fill {
		execSQLite(t, path, fixture...)
	}
	return path
}

// execSQLite runs statements on the file at path, foreign keys checked.
func execSQLite(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// addTurns adds n attempts of 5 turns each, for tables larger than a sample.
func addTurns(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("INSERT INTO attempts (id, user_id, scenario_id, version, seed, status, state, started_at, updated_at) VALUES ")
	for i := range n {
		fmt.Fprintf(&b, "%s('bulk-%05d', 'u-sam', 'short-call', 'v1', %d, 'abandoned', X'7b7d', %d, %d)",
			map[bool]string{true: ", "}[i > 0], i, i, t0+int64(i), t0+int64(i))
	}
	stmts := []string{b.String()}
	b.Reset()
	b.WriteString("INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at) VALUES ")
	for i := range n {
		for turn := 1; turn <= 5; turn++ {
			fmt.Fprintf(&b, "%s('bulk-%05d', %d, %d, 'r%d', CAST('{\"n\":%d}' AS BLOB), %d)",
				map[bool]string{true: ", "}[i > 0 || turn > 1], i, turn, turn, turn, i, t0+int64(i*5+turn))
		}
	}
	execSQLite(t, path, append(stmts, b.String())...)
}

// dumpSQLite is every row of every copied table of the file at path, as
// text, in a fixed order: what two files must share to hold the same
// installation.
func dumpSQLite(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, name := range copied {
		rows, err := db.Query("SELECT * FROM " + name + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", name)
			for i, v := range vals {
				fmt.Fprintf(&b, " %s=%T:%q", cols[i], v, fmt.Sprint(v))
			}
			b.WriteString("\n")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
