// Package webui is Parley's web transport: the HTTP API and the websocket a
// trainee plays on (docs/protocol.md is the contract), their wire types
// (views.go, ws_frames.go), the map from error codes to HTTP statuses and
// error frames, connection limits, the identity seam and the embedded
// browser UI (static/).
//
// What a trainee does is the application core's (webui/training): each
// handler asks training.Service and turns its result into the JSON it sends.
// The core commits every turn to the store before the handler answers, and
// resumes and debriefs every attempt on the exact scenario version it was
// played on. Server keeps its API (New, Run, Sweep, Update, Withdraw) and
// delegates to the core.
//
// webui depends on the engine and on the application core; it must never
// import a database adapter (cmd wires webui/sqlite in), the scenarios
// package or cmd: scenarios arrive compiled in Config, with a Compiler for
// versions that are only in the database.
package webui
