package postgres

import (
	"context"
	"parley/webui/postgres/pgtest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestIsURLAndRedact(t *testing.T) {
	tests := []struct {
		db, redacted string
		isURL        bool
	}{
		{"postgres://parley:s3cret@db.example.com:5432/parley", "postgres://parley:xxxxx@db.example.com:5432/parley", true},
		{"postgresql://db/parley?sslmode=require", "postgresql://db/parley?sslmode=require", true},
		{"parley.db", "parley.db", false},
		{"/var/lib/parley/postgres.db", "/var/lib/parley/postgres.db", false},
	}
	for _, tt := range tests {
		if got := IsURL(tt.db); got != tt.isURL {
			t.Errorf("IsURL(%q) = %v, want %v", tt.db, got, tt.isURL)
		}
		if got := Redact(tt.db); got != tt.redacted {
			t.Errorf("Redact(%q) = %q, want %q", tt.db, got, tt.redacted)
		}
	}
}

// TestOpenUnreachable needs no server: the error says what to check, and
// never shows the password.
func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://parley:s3cret@127.0.0.1:1/parley?connect_timeout=5")
	if err == nil || !strings.Contains(err.Error(), "check that PostgreSQL is running") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open on a closed port: %v; want advice, without the password", err)
	}
	_, err = Open(ctx, "postgres://%zz")
	if err == nil || !strings.Contains(err.Error(), "postgres://user:password@host") {
		t.Errorf("Open of a malformed URL: %v; want how to write one", err)
	}
}

// TestOpenRefusesUnsyncedCommits: with synchronous_commit off a commit can
// return before it is on disk, so an acknowledged reply could be lost.
func TestOpenRefusesUnsyncedCommits(t *testing.T) {
	db := freshDB(t)
	_, err := Open(context.Background(), db.URL+"&synchronous_commit=off")
	if err == nil || !strings.Contains(err.Error(), "synchronous_commit = off") {
		t.Errorf("Open with synchronous_commit=off: %v; want a refusal", err)
	}
}

// TestMigrateConcurrently: instances starting at once on an empty database
// apply the migrations once, under the advisory lock; opening again
// applies nothing.
func TestMigrateConcurrently(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	const instances = 4
	var wg sync.WaitGroup
	for range instances {
		wg.Go(func() { mustOpen(t, db.URL) })
	}
	wg.Wait()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	applied := func() (n int, last time.Time) {
		t.Helper()
		conn := connect(t, db.URL)
		if err := conn.QueryRow(ctx, "SELECT count(*), max(applied_at) FROM schema_migrations").Scan(&n, &last); err != nil {
			t.Fatal(err)
		}
		return n, last
	}
	n, at := applied()
	if n != len(ms) {
		t.Fatalf("schema_migrations has %d rows after %d instances started at once; want %d", n, instances, len(ms))
	}
	mustOpen(t, db.URL)
	if n2, at2 := applied(); n2 != n || !at2.Equal(at) {
		t.Errorf("opening again changed schema_migrations: %d rows at %v, was %d at %v", n2, at2, n, at)
	}
}

// TestMigrateRefusesNewerDatabase: a database migrated by a newer Parley is
// refused rather than guessed at.
func TestMigrateRefusesNewerDatabase(t *testing.T) {
	db := freshDB(t)
	conn := connect(t, db.URL)
	if _, err := conn.Exec(context.Background(),
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', now())"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), db.URL)
	if err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Errorf("Open of a newer database: %v; want a refusal", err)
	}
	if _, err := conn.Exec(context.Background(), "DELETE FROM schema_migrations WHERE version = 9999"); err != nil {
		t.Fatal(err) // the database goes back to the spares
	}
}

// TestSaveTurnIsHOT: a saved turn updates its attempt without touching an
// index (a heap-only tuple update), as the schema intends: no index holds a
// column a turn changes, and the table leaves room on its pages.
func TestSaveTurnIsHOT(t *testing.T) {
	const turns = 30
	db := migratedDB(t) // its own: the statistics count every update the database has seen
	s, err := Open(context.Background(), db.URL)
	if err != nil {
		t.Fatal(err)
	}
	seedAttempts(t, s, 1)
	for n := 1; n <= turns; n++ {
		if err := s.SaveTurn(context.Background(), turnWrite("a0", n)); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Close() // its backends report their statistics as they exit
	conn := connect(t, db.URL)
	var upd, hot int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		err := conn.QueryRow(context.Background(), `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables
			WHERE relname = 'attempts' AND schemaname = current_schema()`).Scan(&upd, &hot)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(context.Background(), "SELECT pg_stat_clear_snapshot()"); err != nil {
			t.Fatal(err)
		}
		if upd >= turns {
			break
		}
	}
	if upd < turns || hot < upd*9/10 {
		t.Errorf("attempts: %d updates, %d of them HOT; want at least %d, nearly all HOT", upd, hot, turns)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"503 Service Unavailable", 500, "503 Service Unavailable"},
		{"nul\x00byte", 500, "nulbyte"},
		{"bad \xff byte", 500, "bad \uFFFD byte"},
		{"héllo", 2, "h"}, // é is two bytes: never cut in half
		{"héllo", 3, "hé"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in, tt.max); got != tt.want {
			t.Errorf("cleanText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

// connect opens a plain connection, closed when the test ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestSearchPath: a search_path in the URL keeps Parley's tables in a
// schema of their own, migrations included.
func TestSearchPath(t *testing.T) {
	db := pgtest.New(t)
	conn := connect(t, db.URL)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA parley"); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, db.URL+"&search_path=parley")
	seedAttempts(t, s, 1)
	var inSchema, inPublic int
	err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE schemaname = 'parley'), count(*) FILTER (WHERE schemaname = 'public')
		FROM pg_tables WHERE tablename IN ('attempts', 'schema_migrations')`).Scan(&inSchema, &inPublic)
	if err != nil || inSchema != 2 || inPublic != 0 {
		t.Errorf("tables: %d in schema parley, %d in public, %v; want both in parley", inSchema, inPublic, err)
	}
}
