// Package training is Parley's application core, independent of HTTP and of
// any database: the records of training (users' attempts at scenarios and
// their turns), the errors every edge maps (ErrNotFound, ErrConflict), and
// the Store port that a database adapter implements (webui/store is the
// SQLite one).
//
// It is the first step of issue 8: the attempt lifecycle (start, choose,
// give up, resume, snapshot, debrief, practice, sweep), the live sessions
// and the catalog of scenario versions still live in package webui and move
// here next (docs/architecture.md). It must never import net/http, a
// database driver, the websocket library or any other Parley package but
// the engine.
package training
