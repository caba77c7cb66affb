package postgres

import (
	"context"
	"fmt"
	"os"
	"parley/webui/postgres/pgtest"
	"parley/webui/training"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestMain runs the tests, then removes the throwaway cluster they started.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// template is a database migrated once, which migratedDB copies; nil until
// the first test asks.
var (
	templateMu sync.Mutex
	template   *pgtest.DB
)

// migratedDB is a new database with the schema applied: a copy of the
// template, faster than migrating each one.
func migratedDB(t testing.TB) pgtest.DB {
	t.Helper()
	templateMu.Lock()
	defer templateMu.Unlock() // also when pgtest skips the test
	if template == nil {
		db := pgtest.New(t)
		s, err := Open(context.Background(), db.URL)
		if err != nil {
			t.Fatalf("migrate the template database: %v", err)
		}
		_ = s.Close() // a template must have no connections
		template = &db
	}
	return pgtest.Copy(t, *template)
}

// A spare is a migrated database that tests borrow, one at a time, and
// empty before use. CREATE DATABASE takes 100–300 ms on the development
// VM and writes some 16 MB (the catalogs are copied), so the conformance
// suite's fifty checks reuse a few databases instead; emptying one takes a
// few milliseconds.
type spare struct {
	db    pgtest.DB
	conn  *pgx.Conn // kept open to empty it
	empty string    // TRUNCATE of every table a test may write
}

const maxSpares = 2 // as many as checks run at once: -parallel, GOMAXPROCS (2) by default

var (
	idle     = make(chan *spare, maxSpares)
	sparesMu sync.Mutex
	made     int // spares made so far
)

// freshDB lends the test an empty migrated database until it ends.
func freshDB(t testing.TB) pgtest.DB {
	t.Helper()
	sp := borrow(t)
	t.Cleanup(func() { idle <- sp }) // after the test's own cleanups: its store is closed by then
	if _, err := sp.conn.Exec(context.Background(), sp.empty); err != nil {
		t.Fatalf("empty the database %s: %v", sp.db, err)
	}
	return sp.db
}

// borrow takes an idle spare, makes one if there are fewer than
// maxSpares, or waits for one.
func borrow(t testing.TB) *spare {
	t.Helper()
	select {
	case sp := <-idle:
		return sp
	default:
	}
	sparesMu.Lock()
	mine := made < maxSpares
	if mine {
		made++
	}
	sparesMu.Unlock()
	if mine {
		return newSpare(t)
	}
	return <-idle
}

func newSpare(t testing.TB) *spare {
	t.Helper()
	db := migratedDB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	var tables string
	err = conn.QueryRow(ctx, `SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables
		WHERE schemaname = current_schema() AND tablename NOT IN ('schema_migrations', 'health')`).Scan(&tables)
	if err != nil {
		t.Fatal(err)
	}
	// health keeps its one row, as the migration made it.
	return &spare{db: db, conn: conn, empty: "TRUNCATE " + tables + "; UPDATE health SET checked_at = 'epoch'"}
}

// openFresh opens a Store on an empty migrated database, closed when the
// test ends.
func openFresh(t testing.TB, opts ...Option) *Store {
	t.Helper()
	return mustOpen(t, freshDB(t).URL, opts...)
}

func mustOpen(t testing.TB, url string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// seedAttempts makes n users u0.., a scenario version and one active
// attempt a0.. each, concurrently (so the committer groups the writes).
func seedAttempts(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	if err := s.SaveScenarioVersion(ctx, "sc", "v1", []byte("src")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			uid := fmt.Sprintf("u%d", i)
			if err := s.CreateAccount(ctx, training.Account{ID: uid, DisplayName: uid}); err != nil {
				t.Error(err)
				return
			}
			a := training.Attempt{ID: fmt.Sprintf("a%d", i), UserID: uid, ScenarioID: "sc", Version: "v1", State: []byte(`{}`)}
			if err := s.CreateAttempt(ctx, a); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// turnWrite is turn n of attempt id.
func turnWrite(id string, n int) training.TurnWrite {
	return training.TurnWrite{AttemptID: id, Turn: training.Turn{Number: n, Seq: int64(n), ReplyID: "r", Event: []byte(`{}`)},
		State: fmt.Appendf(nil, `{"turn":%d}`, n), LastSeq: int64(n)}
}
