// Package engine runs Parley's scripted client conversations.
//
// It owns the compiled scenario (Compile), the conversation (Session: pull
// the client's lines and the replies on offer, Choose one, read what
// happened), the session's whole state, compact and binary for storing
// (AppendState, ResumeBinary, ReadStateHead) or as JSON for people and
// older records (State, Resume, ResumeState), scoring
// (Scores, Debrief) and the analysis of a scenario's every path (Explore:
// reachability, score bounds, the ideal path).
//
// The engine is pure: it imports the standard library's pure parts and
// github.com/expr-lang/expr only, and never touches files, the network, a
// database, the clock or global randomness. What varies (the seed, the
// replies) is handed to it. purity_test.go keeps it that way.
package engine
