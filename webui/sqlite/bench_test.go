package sqlite

import (
	"context"
	"fmt"
	"parley/webui/training"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchState is an engine state of a realistic size (about 1 KiB).
var benchState = []byte(`{"node":"n12","vars":{"trust":3,"anger":1},"seen":["` + strings.Repeat("n", 1000) + `"]}`)

// BenchmarkSaveTurnSerial is one session saving turns back to back: every
// write pays for its own fsync.
func BenchmarkSaveTurnSerial(b *testing.B) {
	s, _, _ := openTest(b)
	seedAttempts(b, s, 1)
	before, start, cpu := s.Stats(), time.Now(), cpuTime(b)
	n := 0
	for b.Loop() {
		n++
		must(b, s.SaveTurn(context.Background(), benchTurn("a0", n)))
	}
	reportWrites(b, s, before, n, time.Since(start), cpuTime(b)-cpu)
}

// BenchmarkSaveTurnParallel is many sessions (16 per CPU) saving turns at
// once, with group commit (the default) and without it (maxBatch=1).
func BenchmarkSaveTurnParallel(b *testing.B) {
	for _, maxBatch := range []int{DefaultMaxBatch, 1} {
		b.Run(fmt.Sprintf("maxBatch=%d", maxBatch), func(b *testing.B) {
			const parallelism = 16
			s, _, _ := openTest(b, WithMaxBatch(maxBatch))
			seedAttempts(b, s, parallelism*runtime.GOMAXPROCS(0)) // one per RunParallel goroutine
			var next atomic.Int64
			var writes atomic.Int64
			b.SetParallelism(parallelism)
			b.ResetTimer()
			before, start, cpu := s.Stats(), time.Now(), cpuTime(b)
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
			reportWrites(b, s, before, int(writes.Load()), time.Since(start), cpuTime(b)-cpu)
		})
	}
}

func benchTurn(id string, n int) training.TurnWrite {
	w := turnWrite(id, n)
	w.State = benchState
	return w
}

// reportWrites reports throughput, commits per write and the process's CPU
// time per write (user + system: steadier than time on a shared machine).
func reportWrites(b *testing.B, s *Store, before Stats, writes int, elapsed, cpu time.Duration) {
	after := s.Stats()
	b.ReportMetric(float64(cpu.Microseconds())/float64(max(writes, 1)), "cpu-µs/write")
	b.ReportMetric(float64(writes)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(after.Commits-before.Commits)/float64(max(writes, 1)), "commits/write")
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
