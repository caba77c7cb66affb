package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBackgroundCheckpoint: what the committer wrote reaches the database
// file itself (not just the WAL) without the writer checkpointing, and an
// idle store runs no checkpoints; WithCheckpointEvery(0) runs none at all.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		every     time.Duration
		wantInDB  bool
		wantAnyCP bool
	}{
		{"every 5ms", 5 * time.Millisecond, true, true},
		{"off", 0, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, clk, path := openTest(t, WithCheckpointEvery(c.every))
			marker := clk.Now().Add(1000 * time.Hour)
			s.Now = func() time.Time { return marker }
			must(t, s.CheckWrite(ctx)) // a few pages: far below the writer's autocheckpoint

			deadline := time.Now().Add(5 * time.Second)
			for c.wantAnyCP && s.Stats().Checkpoints == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if c.wantAnyCP {
				time.Sleep(20 * time.Millisecond) // idle ticks
			}
			before := s.Stats().Checkpoints
			time.Sleep(30 * time.Millisecond)
			if got := s.Stats(); (got.Checkpoints > 0) != c.wantAnyCP || got.Checkpoints != before || got.CheckpointFailures != 0 {
				t.Fatalf("stats %+v (%d before idling); want checkpoints %v, none while idle, no failures", got, before, c.wantAnyCP)
			}

			// The database file alone, without its WAL, holds the write only
			// if a checkpoint copied it there.
			src, err := os.ReadFile(path)
			must(t, err)
			alone := filepath.Join(t.TempDir(), "alone.db")
			must(t, os.WriteFile(alone, src, 0o600))
			db, err := sql.Open("sqlite", alone)
			must(t, err)
			defer db.Close()
			var checked sql.NullInt64
			err = db.QueryRowContext(ctx, "SELECT checked_at FROM health WHERE id = 1").Scan(&checked) // no table yet: all in the WAL
			if got := err == nil && checked.Int64 == marker.UnixMilli(); got != c.wantInDB {
				t.Errorf("database file holds the write: %v (checked_at %v, %v); want %v", got, checked, err, c.wantInDB)
			}
		})
	}
}
