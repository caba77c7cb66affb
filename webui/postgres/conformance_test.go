package postgres

import (
	"parley/webui/training"
	"parley/webui/training/storetest"
	"testing"
)

// TestConformance runs the Store port's conformance suite against
// PostgreSQL, on a fresh database for each check (a copy of a migrated
// template), with the real clock. The checks run in parallel: each has its
// own database, and most of their time is spent waiting for the server's
// fsyncs.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) training.Store {
		t.Parallel()
		return openFresh(t)
	})
}
