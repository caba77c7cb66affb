// Package postgres keeps Parley's durable records — users and accounts,
// the exact scenario versions that were played, attempts and their turns,
// cohorts, reviews and the xAPI outbox — in a PostgreSQL database, through
// github.com/jackc/pgx/v5 and its connection pool.
//
// It is the PostgreSQL adapter of the application core's Store port
// (webui/training), beside webui/sqlite, and passes the same conformance
// suite (webui/training/storetest). The records it keeps are training's,
// and so are the errors callers test for (training.ErrNotFound,
// training.ErrConflict). It treats the engine's state, events and scores as
// opaque bytes, and must never import the engine, the scenarios package or
// the web server.
//
// Several Parley instances may share one database: the rules a write must
// respect (one active scored attempt per user and scenario; a turn is the
// attempt's next one) are checked by the database (a unique index, a
// conditional update), never from memory. Every write returns nil only once
// its transaction is committed with synchronous_commit on (Open refuses a
// database where it, or fsync, is off). Concurrent writes share
// transactions, each under its own savepoint, as on SQLite (committer.go).
// Migrations are embedded and applied by Open in one transaction that
// holds an advisory lock, so instances starting at once apply them once.
// docs/storage.md describes the schema and the guarantees.
package postgres
