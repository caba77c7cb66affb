package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"parley/webui/training"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestMigrationsApplyOnceAcrossOpens(t *testing.T) {
	s, _, path := openTest(t)
	ctx := context.Background()
	other := rawDB(t, path)      // the store keeps its write connection to itself
	must(t, migrate(ctx, other)) // again on a live database
	must(t, s.Close())
	s2 := mustOpen(t, path) // and again at restart

	want, err := loadMigrations(migrationFiles)
	must(t, err)
	var n int
	must(t, s2.read.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n))
	if n != len(want) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(want))
	}
	must(t, s2.Ping(ctx))
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, _, path := openTest(t)
	must(t, s.Close())
	_, err := rawDB(t, path).Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)")
	must(t, err)

	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open on a newer schema: got %v, want an error saying the schema is newer", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr string
	}{
		{"sorted", fstest.MapFS{"migrations/0002_b.sql": sql, "migrations/0001_a.sql": sql}, []int{1, 2}, ""},
		{"bad name", fstest.MapFS{"migrations/init.sql": sql}, nil, "name it NNNN_description.sql"},
		{"zero", fstest.MapFS{"migrations/0000_a.sql": sql}, nil, "name it NNNN_description.sql"},
		{"repeat", fstest.MapFS{"migrations/0001_a.sql": sql, "migrations/001_b.sql": sql}, nil, "repeats version 1"},
		{"none", fstest.MapFS{"migrations": &fstest.MapFile{Mode: fs.ModeDir}}, nil, "no migrations embedded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			must(t, err)
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if len(got) != len(tt.want) || got[0] != tt.want[0] || got[1] != tt.want[1] {
				t.Errorf("versions %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	for _, path := range []string{"", ":memory:", "x.db?mode=ro"} {
		if _, err := Open(context.Background(), path); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
	_, err := Open(context.Background(), t.TempDir()+"/missing/dir/parley.db")
	if err == nil || errors.Is(err, training.ErrNotFound) {
		t.Errorf("Open in a missing directory: got %v, want an open error", err)
	}
}

// rawDB opens a second handle on the database at path, with the store's
// pragmas, closed when the test ends.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := openDB(context.Background(), path, "", 1)
	must(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestPracticeMigrationKeepsAttempts: a database written before practice
// runs (schema 0002) opens with its attempts intact, all of them scored, and
// the one-active-attempt rule still holds.
func TestPracticeMigrationKeepsAttempts(t *testing.T) {
	path := t.TempDir() + "/old.db"
	db := migratedTo(t, path, 2)
	ctx := context.Background()
	_, err := db.ExecContext(ctx, `INSERT INTO users VALUES ('u1', 'Sam', 0);
		INSERT INTO scenario_versions VALUES ('v1', 'sc', x'00', 0);
		INSERT INTO attempts (id, user_id, scenario_id, version, seed, state, started_at, updated_at)
			VALUES ('old', 'u1', 'sc', 'v1', 1, x'7b7d', 0, 0)`)
	must(t, err)
	must(t, db.Close())

	s := mustOpen(t, path)
	a, err := s.ActiveAttempt(ctx, "u1", "sc")
	if err != nil || a.ID != "old" || a.IsPractice() || a.PracticeFrom != 0 {
		t.Fatalf("old active attempt after the migration: %+v, %v; want it, scored", a, err)
	}
	err = s.CreateAttempt(ctx, training.Attempt{ID: "new", UserID: "u1", ScenarioID: "sc", Version: "v1", State: []byte("{}")})
	if !errors.Is(err, training.ErrConflict) {
		t.Errorf("a second active attempt after the migration: %v, want training.ErrConflict", err)
	}
	n, err := s.AbandonIdle(ctx, time.UnixMilli(1))
	if err != nil || n != 1 {
		t.Errorf("sweep after the migration: %d, %v; want 1 attempt abandoned", n, err)
	}
}

// TestTurnsRowidMigrationKeepsTurns: a database written with turns in a
// WITHOUT ROWID table (schemas 0001 to 0008) opens with every turn intact,
// in order, still refusing a duplicate turn, with the table now a rowid one.
func TestTurnsRowidMigrationKeepsTurns(t *testing.T) {
	path := t.TempDir() + "/old.db"
	db := migratedTo(t, path, 8)
	ctx := context.Background()
	_, err := db.ExecContext(ctx, `INSERT INTO users (id, display_name, created_at) VALUES ('u1', 'Sam', 0);
		INSERT INTO scenario_versions VALUES ('v1', 'sc', x'00', 0);
		INSERT INTO attempts (id, user_id, scenario_id, version, seed, state, turns, last_seq, started_at, updated_at)
			VALUES ('b', 'u1', 'sc', 'v1', 1, x'7b7d', 2, 12, 0, 0);
		INSERT INTO turns VALUES ('b', 2, 12, 'r2', x'7b2232227d', 20), ('b', 1, 11, 'r1', x'7b2231227d', 10)`)
	must(t, err)
	must(t, db.Close())

	s := mustOpen(t, path)
	turns, err := s.Turns(ctx, "b")
	if err != nil || len(turns) != 2 || turns[0].Number != 1 || turns[1].Number != 2 ||
		turns[0].Seq != 11 || turns[1].ReplyID != "r2" || string(turns[1].Event) != `{"2"}` {
		t.Fatalf("turns after the migration: %+v, %v; want turns 1 and 2 as written", turns, err)
	}
	err = s.SaveTurn(ctx, training.TurnWrite{AttemptID: "b", Turn: training.Turn{Number: 2, Seq: 13, ReplyID: "again",
		Event: []byte(`{}`)}, State: []byte(`{}`), LastSeq: 13})
	if !errors.Is(err, training.ErrConflict) {
		t.Errorf("a second turn 2 after the migration: %v, want training.ErrConflict", err)
	}
	must(t, s.SaveTurn(ctx, training.TurnWrite{AttemptID: "b", Turn: training.Turn{Number: 3, Seq: 13, ReplyID: "r3",
		Event: []byte(`{}`)}, State: []byte(`{}`), LastSeq: 13}))
	var schema string
	must(t, s.read.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'turns'").Scan(&schema))
	if strings.Contains(strings.ToUpper(schema), "WITHOUT ROWID") {
		t.Errorf("turns is still WITHOUT ROWID after the migration:\n%s", schema)
	}
}

// migratedTo is a raw handle on a new database at path with the migrations
// up to version applied: a database written by an older Parley.
func migratedTo(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	db := rawDB(t, path)
	ctx := context.Background()
	ms, err := loadMigrations(migrationFiles)
	must(t, err)
	_, err = db.ExecContext(ctx, createMigrationsTable)
	must(t, err)
	for _, m := range ms {
		if m.version > version {
			break
		}
		must(t, applyMigration(ctx, db, m))
	}
	return db
}
