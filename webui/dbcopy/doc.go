// Package dbcopy moves a Parley installation from one database to another:
// a SQLite file into PostgreSQL (parley db copy --from parley.db --to
// postgres://…), or PostgreSQL back into a SQLite file. Every table the
// migrations create is copied row for row (tables.go lists them, and the
// tests fail when a migration adds one the list does not name), inside one
// transaction on the target, which is checked before it commits: the row
// count of every table, and a sample of its rows compared column by column.
//
// The source is read in one snapshot and never written (a SQLite file is
// opened read-only). The target must be empty: its migrations are applied
// first (through the adapter's own Open), and a target that already holds
// any row is refused, so nothing is ever merged or overwritten.
//
// It reads and writes rows with the database drivers directly (pgx and
// modernc.org/sqlite), and takes from the adapters only their migrations
// and schema versions. It treats every column as opaque bytes, text,
// integers or times, and must never import the application core, the
// engine or the web server. docs/storage.md ("Moving an installation")
// describes it for users.
package dbcopy
