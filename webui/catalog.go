package webui

import "parley/webui/training"

// The catalog of scenario versions is the core's (training.Catalog); these
// names keep the server's API for cmd/parley and the tests.
type (
	// Scenario is one scenario the server offers: training.Scenario.
	Scenario = training.Scenario
	// Analyser checks a scenario's analysis within its budgets:
	// training.Analyser.
	Analyser = training.Analyser
	// Compiler compiles a scenario's source: training.Compiler.
	Compiler = training.Compiler
)

// AnalysedMessage is what the server logs once every scenario it started
// with has been analysed (Config.Analyse): from then on, scoring never waits
// for an analysis.
const AnalysedMessage = training.AnalysedMessage

// ErrRejected marks an Update refused for the scenario itself (its id is
// taken, or it fails its analysis): offering the same source again is
// refused again. Other errors may pass on a retry.
var ErrRejected = training.ErrRejected
