// Package sqlite keeps Parley's durable records — users, the exact scenario
// versions that were played, attempts and their turns — in an embedded SQLite
// database (modernc.org/sqlite, pure Go, no cgo).
//
// Every write goes through one committer goroutine that groups concurrent
// writes into a single transaction, so many websocket sessions share one
// fsync. A write method returns nil only after its transaction is durably
// committed (journal_mode=WAL, synchronous=FULL). Reads use a separate pool of
// connections and see every write that has been acknowledged.
//
// It is the SQLite adapter of the application core's Store port
// (webui/training): the records it keeps are training's, and so are the errors
// callers test for (training.ErrNotFound, training.ErrConflict). It treats the
// engine's state, events and scores as opaque JSON bytes, and must never
// import the engine, the scenarios package or the web server;
// docs/storage.md describes the schema and the durability guarantees.
package sqlite
