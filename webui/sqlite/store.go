package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"parley/webui/training"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DefaultMaxBatch is how many queued writes the committer groups into one
// transaction at most.
const DefaultMaxBatch = 256

// DefaultCommitWindow is how long a committer that found company in its last
// batch waits before the next, so that more writes share its commit.
const DefaultCommitWindow = 2 * time.Millisecond

// pragmas run on every connection. WAL lets readers proceed while the
// committer writes; synchronous=FULL syncs the WAL at every commit, so an
// acknowledged write survives a crash or power loss.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
	"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(2)"

// Store is the SQLite-backed store. Its methods are safe for concurrent use.
type Store struct {
	// Now is the clock used for every timestamp the store writes. Open sets
	// it to time.Now; tests may replace it right after Open.
	Now func() time.Time

	read  *sql.DB // pool of query-only connections
	write *sql.DB // the one write connection, used only by the committer
	w     *committer
	cp    *checkpointer // nil when WithCheckpointEvery(0)

	closeOnce sync.Once
	closeErr  error
}

// Option adjusts how Open configures the Store.
type Option func(*options)

type options struct {
	maxBatch   int
	window     time.Duration
	checkpoint time.Duration
}

// WithMaxBatch caps how many writes share one transaction (default
// DefaultMaxBatch). 1 turns group commit off, one fsync per write.
func WithMaxBatch(n int) Option {
	return func(o *options) { o.maxBatch = max(n, 1) }
}

// WithCommitWindow sets how long the committer waits for more writes before
// a commit when the previous commit held more than one (default
// DefaultCommitWindow). A lone writer never waits. 0 never waits.
func WithCommitWindow(d time.Duration) Option {
	return func(o *options) { o.window = max(d, 0) }
}

// WithCheckpointEvery sets how often a background connection copies the
// WAL back into the database file (default DefaultCheckpointEvery). 0 leaves
// it all to the writer's own checkpoint, inside a commit.
func WithCheckpointEvery(d time.Duration) Option {
	return func(o *options) { o.checkpoint = max(d, 0) }
}

// Open opens the database file at path, creating it if needed, and applies
// any migrations it has not seen yet.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := options{maxBatch: DefaultMaxBatch, window: DefaultCommitWindow, checkpoint: DefaultCheckpointEvery}
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	// The write connection keeps SQLite's default page cache (2 MiB): SQLite
	// scans the cache's hash table at every commit, and since turns are
	// appended (migration 0009) a 32 MiB cache cost more in that scan than
	// it saved in reads (docs/storage.md).
	// The writer checkpoints every 10,000 WAL pages rather than 1,000, so a
	// page that many turns rewrite is copied back once; the background
	// checkpointer (checkpoint.go) copies most pages before then, off the
	// commit path.
	write, err := openDB(ctx, path, "&_txlock=immediate&_pragma=wal_autocheckpoint(10000)", 1)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, write); err != nil {
		return nil, errors.Join(err, write.Close())
	}
	read, err := openDB(ctx, path, "&_pragma=query_only(1)", max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		return nil, errors.Join(err, write.Close())
	}
	w, err := newCommitter(ctx, write, o.maxBatch, o.window,
		sqlAdvanceAttempt, sqlInsertTurn, sqlEndAttempt, sqlInsertOutbox, sqlInsertAttempt)
	if err != nil {
		return nil, errors.Join(err, read.Close(), write.Close())
	}
	s := &Store{Now: time.Now, read: read, write: write, w: w}
	if o.checkpoint > 0 {
		cpdb, err := openDB(ctx, path, "", 1)
		if err != nil {
			return nil, errors.Join(err, read.Close(), write.Close())
		}
		s.cp = startCheckpointer(cpdb, o.checkpoint, w.commits.Load)
	}
	return s, nil
}

func checkPath(path string) error {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, ":memory:") {
		return fmt.Errorf("store: database path %q: pass the path of a file, such as parley.db (no '?', not :memory:)", path)
	}
	return nil
}

// openDB opens a handle on path with the shared pragmas plus extra DSN
// parameters, holding at most conns connections, and checks it works.
func openDB(ctx context.Context, path, extra string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path+"?"+pragmas+extra)
	if err != nil {
		return nil, fmt.Errorf("store: open database %q: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf(
			"store: open database %q: %w (check that its directory exists and is writable)", path, err), db.Close())
	}
	return db, nil
}

// Close waits for every queued write to commit, then closes the database.
// Writes after Close fail with ErrClosed. Close is safe to call twice.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.w.close()
		var cperr error
		if s.cp != nil {
			cperr = s.cp.close()
		}
		if err := errors.Join(cperr, s.write.Close(), s.read.Close()); err != nil {
			s.closeErr = fmt.Errorf("store: close database: %w", err)
		}
	})
	return s.closeErr
}

// Ping checks that the database answers a query, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	var version sql.NullInt64
	err := s.read.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&version)
	if err != nil {
		return readFailed("ping", err)
	}
	return nil
}

// CheckWrite commits a write, as a turn would be committed (through the
// committer, synced), for health checks: it fails when the database can be
// read but no longer written.
func (s *Store) CheckWrite(ctx context.Context) error {
	now := s.now()
	return s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE health SET checked_at = ? WHERE id = 1", now); err != nil {
			return writeFailed("health check", err)
		}
		return nil
	})
}

// Stats reports how much the committer and the background checkpointer
// have done since Open.
func (s *Store) Stats() Stats {
	st := s.w.stats()
	if s.cp != nil {
		st.Checkpoints, st.CheckpointFailures = s.cp.runs.Load(), s.cp.failures.Load()
	}
	return st
}

// now is the store clock in the unit the schema uses.
func (s *Store) now() int64 {
	return s.Now().UnixMilli()
}

// fromMillis turns a stored timestamp back into a time.
func fromMillis(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

// Store implements the application core's Store port.
var _ training.Store = (*Store)(nil)
