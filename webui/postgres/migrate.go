package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema, one numbered file per step:
// migrations/0001_init.sql, then 0002_….sql, and so on. A file is never
// edited once released; a change is a new file. The numbers are this
// adapter's own: they need not match webui/sqlite's.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock is the key of the advisory lock that migrations hold:
// "parley" in ASCII. Instances starting at once wait for each other on it.
const migrationLock int64 = 0x7061726c6579

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer NOT NULL PRIMARY KEY,
	name       text    NOT NULL,
	applied_at timestamptz NOT NULL
)`

// migrate applies, in order, each embedded migration the database has not
// recorded in schema_migrations, all in one transaction that first takes
// the advisory lock migrationLock: when several instances start at once,
// one applies them and the others, once it commits, find nothing to do. A
// failing migration leaves the database as it was. (A future migration
// that cannot run in a transaction, such as CREATE INDEX CONCURRENTLY,
// needs another path.)
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	t, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return writeFailed("begin the migrations", err)
	}
	defer rollback(t)
	if _, err := t.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return writeFailed("take the migrations' advisory lock", err)
	}
	if _, err := t.Exec(ctx, createMigrationsTable); err != nil {
		return writeFailed("create schema_migrations", err)
	}
	applied, err := appliedVersions(ctx, t)
	if err != nil {
		return err
	}
	if newest := maxKey(applied); newest > ms[len(ms)-1].version {
		return fmt.Errorf("store: database schema version %d is newer than this build knows (%d): run a newer Parley",
			newest, ms[len(ms)-1].version)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := t.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("store: apply migration %s: %w (the database was left unchanged; fix the migration)", m.name, err)
		}
		_, err = t.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now())
		if err != nil {
			return writeFailed("record migration "+m.name, err)
		}
	}
	if err := t.Commit(ctx); err != nil {
		return commitFailed(err)
	}
	return nil
}

// appliedVersions reads the versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, t pgx.Tx) (map[int]bool, error) {
	rows, err := t.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, readFailed("read schema versions", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, readFailed("read schema versions", err)
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}

func maxKey(m map[int]bool) int {
	n := 0
	for k := range m {
		n = max(n, k)
	}
	return n
}

// loadMigrations reads the migration files, sorted by version.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		m, err := loadMigration(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 && m.version <= ms[len(ms)-1].version {
			return nil, fmt.Errorf("store: migration %s repeats version %d: give it the next free number", m.name, m.version)
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("store: no migrations embedded: add migrations/0001_init.sql")
	}
	return ms, nil
}

func loadMigration(fsys fs.FS, name string) (migration, error) {
	prefix, _, _ := strings.Cut(name, "_")
	version, err := strconv.Atoi(prefix)
	if err != nil || version < 1 {
		return migration{}, fmt.Errorf("store: migration %s: name it NNNN_description.sql with NNNN >= 1", name)
	}
	body, err := fs.ReadFile(fsys, "migrations/"+name)
	if err != nil {
		return migration{}, fmt.Errorf("store: read migration %s: %w", name, err)
	}
	return migration{version: version, name: name, sql: string(body)}, nil
}
