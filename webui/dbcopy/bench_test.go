package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"parley/webui/postgres/pgtest"
)

// fillRealistic adds attempts of 12 turns each whose state (1.5 KB) and
// events (400 B) are about the size Parley writes for a bundled scenario,
// through one transaction and prepared statements.
func fillRealistic(b *testing.B, path string, attempts int) int64 {
	b.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	state, event := make([]byte, 1500), make([]byte, 400)
	for i := range state {
		state[i] = 'a' + byte(i%26)
	}
	copy(event, state)
	insA, _ := tx.Prepare("INSERT INTO attempts (id, user_id, scenario_id, version, seed, status, state, turns, started_at, updated_at) " +
		"VALUES (?, 'u-sam', 'short-call', 'v1', ?, 'finished', ?, 12, ?, ?)")
	insT, _ := tx.Prepare("INSERT INTO turns (attempt_id, turn, seq, reply_id, event, created_at) VALUES (?, ?, ?, 'own', ?, ?)")
	for i := range attempts {
		id := fmt.Sprintf("bench-%07d", i)
		if _, err := insA.Exec(id, i, state, t0+int64(i), t0+int64(i)); err != nil {
			b.Fatal(err)
		}
		for turn := 1; turn <= 12; turn++ {
			if _, err := insT.Exec(id, turn, turn, event, t0+int64(i)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return int64(attempts * 13)
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCopy copies an installation of 2,000 attempts (26,000 rows,
// about 13 MB) from SQLite into PostgreSQL, and back into SQLite, with the
// default sample. It reports the copying process's CPU time per row (the
// PostgreSQL server's is not counted) beside the wall time per copy.
func BenchmarkCopy(b *testing.B) {
	ctx := context.Background()
	src := newSQLite(b, true)
	rows := fillRealistic(b, src, 2000)
	pg := pgtest.New(b).URL
	if _, err := Copy(ctx, src, pg, Options{}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		from string
		to   func() string
	}{
		{"sqlite-to-postgres", src, func() string { return pgtest.New(b).URL }},
		{"postgres-to-sqlite", pg, func() string { return filepath.Join(b.TempDir(), "copy.db") }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				to := c.to()
				b.StartTimer()
				before := cpuTime()
				if _, err := Copy(ctx, c.from, to, Options{}); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - before
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(int64(b.N)*rows), "cpu-ns/row")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
