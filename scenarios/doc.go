// Package scenarios owns Parley's scenario file format (docs/scenario-format.md):
// decoding TOML into the engine's Spec with a position for every entry, lint
// rules, test plans, drawings of a scenario's graph (WriteMermaid, WriteDOT),
// and the bundled .toml files (in bundled/, beside their test plans) embedded
// in the binary.
//
// Parse (and ParseFile, a thin wrapper) checks only what decoding can: TOML
// syntax, value types, unknown and missing keys, and values outside what a key
// accepts, each reported at a line and column with a stable code from the
// format's "Lint codes" table. Checks that need the whole scenario (duplicate
// ids, dangling gotos, expressions) belong to engine.Compile. Input is
// bounded before the TOML decoder sees it: at most 4 MiB, nested at most 32
// levels deep.
//
// docs/scenario.schema.json describes the same format for editors (Taplo,
// Even Better TOML); a test keeps its keys and the loader's in step.
//
// The package depends on the engine, never the reverse, and must not import
// the web UI, its store or cmd.
package scenarios
