package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per step:
// migrations/0001_init.sql, migrations/0002_....sql, and so on. A file is
// never edited once released; a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
) STRICT`

// migrate applies, in order, each embedded migration the database has not
// recorded in schema_migrations, each in its own transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return writeFailed("create schema_migrations", err)
	}
	if err := checkNotNewer(ctx, db, ms[len(ms)-1].version); err != nil {
		return err
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
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

// checkNotNewer refuses a database migrated by a newer build of Parley.
func checkNotNewer(ctx context.Context, db *sql.DB, latest int) error {
	var applied sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&applied); err != nil {
		return readFailed("read schema version", err)
	}
	if applied.Int64 > int64(latest) {
		return fmt.Errorf("store: database schema version %d is newer than this build knows (%d): run a newer Parley",
			applied.Int64, latest)
	}
	return nil
}

// applyMigration runs m in a transaction unless it is already recorded. The
// check happens inside the transaction (BEGIN IMMEDIATE), so two processes
// opening the same file cannot both apply it.
func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return writeFailed("begin migration "+m.name, err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	err = tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n)
	if err != nil {
		return readFailed("check migration "+m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("store: apply migration %s: %w (the database was left unchanged; fix the migration)", m.name, err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().UnixMilli())
	if err != nil {
		return writeFailed("record migration "+m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return writeFailed("commit migration "+m.name, err)
	}
	return nil
}
