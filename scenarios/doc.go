// Package scenarios owns Parley's scenario file format: TOML decoded into the
// engine's Spec (Parse, ParseFile), with a position index so that every
// problem points at the line and column it is about.
//
// Parse checks only what decoding can: TOML syntax, value types, unknown and
// missing keys, and values outside what a key accepts, each reported with a
// stable code from docs/scenario-format.md ("Lint codes"). Checks that need
// the whole scenario (duplicate ids, dangling gotos, expressions) belong to
// engine.Compile. docs/scenario.schema.json describes the same format for
// editors; a test keeps it and the loader's key lists in step.
//
// The package depends on the engine, never the reverse, and must not import
// the web UI, the store or cmd.
package scenarios
