package postgres

import (
	"context"
	"fmt"
	"parley/webui/training"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// benchState is an engine state of a realistic size (about 1 KiB).
var benchState = []byte(`{"node":"n12","vars":{"trust":3,"anger":1},"seen":["` + strings.Repeat("n", 1000) + `"]}`)

// BenchmarkSaveTurnSerial is one session saving turns back to back: every
// write pays for its own commit (a WAL flush) and round trips.
func BenchmarkSaveTurnSerial(b *testing.B) {
	s := openFresh(b)
	seedAttempts(b, s, 1)
	before, start := s.Stats(), time.Now()
	n := 0
	for b.Loop() {
		n++
		if err := s.SaveTurn(context.Background(), benchTurn("a0", n)); err != nil {
			b.Fatal(err)
		}
	}
	reportWrites(b, s, before, n, time.Since(start))
}

// BenchmarkSaveTurnParallel is many sessions (16 per CPU) saving turns at
// once, with group commit (the default) and without it (maxBatch=1).
func BenchmarkSaveTurnParallel(b *testing.B) {
	for _, maxBatch := range []int{DefaultMaxBatch, 1} {
		b.Run(fmt.Sprintf("maxBatch=%d", maxBatch), func(b *testing.B) {
			const parallelism = 16
			s := openFresh(b, WithMaxBatch(maxBatch))
			seedAttempts(b, s, parallelism*runtime.GOMAXPROCS(0)) // one per RunParallel goroutine
			var next, writes atomic.Int64
			b.SetParallelism(parallelism)
			b.ResetTimer()
			before, start := s.Stats(), time.Now()
			b.RunParallel(func(pb *testing.PB) {
				id := fmt.Sprintf("a%d", next.Add(1)-1)
				for n := 1; pb.Next(); n++ {
					if err := s.SaveTurn(context.Background(), benchTurn(id, n)); err != nil {
						b.Error(err)
						return
					}
					writes.Add(1)
				}
			})
			reportWrites(b, s, before, int(writes.Load()), time.Since(start))
		})
	}
}

func benchTurn(id string, n int) training.TurnWrite {
	w := turnWrite(id, n)
	w.State = benchState
	return w
}

func reportWrites(b *testing.B, s *Store, before Stats, writes int, elapsed time.Duration) {
	after := s.Stats()
	b.ReportMetric(float64(writes)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(after.Commits-before.Commits)/float64(max(writes, 1)), "commits/write")
}
