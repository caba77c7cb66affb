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

// TestConformanceInstances runs the checks that need several Stores on one
// database (several Parley instances), three here, on a fresh database.
func TestConformanceInstances(t *testing.T) {
	storetest.RunInstances(t, func(t *testing.T) []training.Store {
		db := freshDB(t)
		return []training.Store{mustOpen(t, db.URL), mustOpen(t, db.URL), mustOpen(t, db.URL)}
	})
}
