// Package training is Parley's application core, independent of HTTP and of
// any database:
//
//   - the records of training (users' attempts at scenarios and their turns)
//     and the Store port that a database adapter implements (webui/sqlite is
//     the SQLite one);
//   - one error type with codes (Error), which every edge maps to its own
//     answer, and the errors a Store returns (ErrNotFound, ErrConflict);
//   - the Catalog of scenarios on offer and of every version played;
//   - the attempt lifecycle, Service: start, snapshot (resume), choose with
//     the seq rule, give up, list, debrief, practise and the sweep, over
//     live sessions kept in memory, with the ownership policy. Its methods
//     return core types (Snapshot, TurnResult, Debrief, ...), never a
//     transport's frames.
//
// It must never import net/http, a database driver, the websocket library
// or any other Parley package but the engine (cmd/parley/layers_test.go).
package training
