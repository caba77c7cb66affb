package postgres

import (
	"context"
	"fmt"
	"net/url"
	"parley/webui/training"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultMaxBatch is how many queued writes the committer groups into one
// transaction at most.
const DefaultMaxBatch = 256

// Store is the PostgreSQL-backed store. Its methods are safe for concurrent
// use, and several Stores (in several processes) may share one database.
type Store struct {
	// Now is the clock used for every timestamp the store writes. Open sets
	// it to time.Now; tests may replace it right after Open.
	Now func() time.Time

	pool *pgxpool.Pool
	w    *committer
	name string // the database URL without its password, for messages

	closeOnce sync.Once
}

// Stats counts the committer's work since Open.
type Stats struct {
	Commits int64 // transactions committed
	Writes  int64 // writes committed; Writes/Commits is the mean batch size
	Waits   int64 // batches whose leader waited the commit window for company
}

// Option adjusts how Open configures the Store.
type Option func(*options)

type options struct {
	maxBatch int
	window   time.Duration
}

// WithMaxBatch caps how many writes share one transaction (default
// DefaultMaxBatch). 1 turns group commit off: one commit per write.
func WithMaxBatch(n int) Option {
	return func(o *options) { o.maxBatch = max(n, 1) }
}

// IsURL reports whether db names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Redact is the URL db without its password, to print or log.
func Redact(db string) string {
	u, err := url.Parse(db)
	if err != nil {
		return "the PostgreSQL URL (unreadable: check its syntax)"
	}
	return u.Redacted()
}

// Open connects to the database at dbURL (postgres://user:password@host/db;
// pgx's pool_max_conns and PostgreSQL's usual parameters are accepted),
// checks that commits are durable there, and applies the migrations it has
// not seen yet.
func Open(ctx context.Context, dbURL string, opts ...Option) (*Store, error) {
	o := options{maxBatch: DefaultMaxBatch, window: DefaultCommitWindow}
	for _, opt := range opts {
		opt(&o)
	}
	name := Redact(dbURL)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("store: database URL %s: %w (write it as postgres://user:password@host:5432/database)", name, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect to %s: %w", name, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to %s: %w (check that PostgreSQL is running, the address and "+
			"credentials in the URL, and that the database exists: createdb it first)", name, err)
	}
	if err := checkDurable(ctx, pool, name); err != nil {
		pool.Close()
		return nil, err
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{Now: time.Now, pool: pool, w: newCommitter(pool, o.maxBatch, o.window), name: name}, nil
}

// checkDurable refuses a server where a commit may return before it is on
// disk: Parley acknowledges a reply only once it is committed.
func checkDurable(ctx context.Context, pool *pgxpool.Pool, name string) error {
	var syncCommit, fsync string
	err := pool.QueryRow(ctx, "SELECT current_setting('synchronous_commit'), current_setting('fsync')").Scan(&syncCommit, &fsync)
	if err != nil {
		return readFailed("read synchronous_commit and fsync", err)
	}
	if syncCommit == "off" || fsync == "off" {
		return fmt.Errorf("store: %s has synchronous_commit = %s and fsync = %s: an acknowledged reply could be lost "+
			"in a crash; turn both on (postgresql.conf, or ALTER ROLE … SET synchronous_commit = on)", name, syncCommit, fsync)
	}
	return nil
}

// Close waits for every queued write to commit, then closes the pool.
// Writes after Close fail with ErrClosed. Close is safe to call twice.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.w.close()
		s.pool.Close()
	})
	return nil
}

// Ping checks that the database answers a query, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	var version *int64
	if err := s.pool.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&version); err != nil {
		return readFailed("ping "+s.name, err)
	}
	return nil
}

// CheckWrite commits a write, as a turn would be committed (through the
// committer), for health checks: it fails when the database can be read but
// no longer written.
func (s *Store) CheckWrite(ctx context.Context) error {
	now := s.Now()
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		if _, err := tx.Exec(ctx, "UPDATE health SET checked_at = $1 WHERE id = 1", now); err != nil {
			return writeFailed("health check", err)
		}
		return nil
	})
}

// Stats reports how much the committer has done since Open.
func (s *Store) Stats() Stats {
	return s.w.stats()
}

// utc is t in UTC, and the zero time for nil (a NULL column).
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// orNull is nil (NULL) for the zero time.
func orNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Store implements the application core's Store port.
var _ training.Store = (*Store)(nil)
