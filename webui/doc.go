// Package webui is Parley's web server: the HTTP API and the websocket a
// trainee plays on (docs/protocol.md is the contract), the embedded browser
// UI (static/), the identity seam, and the live conversations in memory.
//
// The server is the authority. It runs the engine, commits every turn to the
// store (the training.Store port) before telling the browser about it, and
// resumes and debriefs every attempt on the exact scenario version it was
// played on.
//
// webui depends on the engine and on the application core's records and
// Store port (webui/training); it must never import a database adapter (cmd
// wires webui/store in), the scenarios package or cmd: scenarios arrive
// compiled in Config, with a Compiler for versions that are only in the
// database.
package webui
