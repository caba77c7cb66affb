package sqlite

import (
	"parley/webui/training"
	"parley/webui/training/storetest"
	"path/filepath"
	"testing"
)

// TestConformance runs the Store port's conformance suite against SQLite,
// on a fresh database file for each check, with the real clock.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) training.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	})
}

// TestConformanceInstances runs the checks that need several Stores on one
// database file, as several processes would open it: three here.
func TestConformanceInstances(t *testing.T) {
	storetest.RunInstances(t, func(t *testing.T) []training.Store {
		path := filepath.Join(t.TempDir(), "parley.db")
		return []training.Store{mustOpen(t, path), mustOpen(t, path), mustOpen(t, path)}
	})
}
