package postgres

import (
	"context"
	"fmt"
	"os"
	"parley/webui/training"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchState is an engine state of a realistic size (about 1 KiB).
var benchState = []byte(`{"node":"n12","vars":{"trust":3,"anger":1},"seen":["` + strings.Repeat("n", 1000) + `"]}`)

// BenchmarkSaveTurn saves turns from 1 and from 64 sessions at once, each
// session its own attempt, two ways in the same run:
//
//   - savepoints: every write under its savepoint, each statement its own
//     round trip, no commit window (the write path before pipelining);
//   - pipelined: the default (BEGIN, a statement per write and COMMIT in
//     one round trip, and the commit window under load).
//
// Besides ns/op and allocs/op (the benchmark's process, pgx included), it
// reports writes/s, commits/write, and the CPU time per write of this
// process (client-µs/write, getrusage) and of the PostgreSQL server
// (server-µs/write: the postmaster and its processes, from /proc).
func BenchmarkSaveTurn(b *testing.B) {
	for _, writers := range []int{1, 64} {
		for _, path := range []string{"savepoints", "pipelined"} {
			b.Run(fmt.Sprintf("writers=%d/%s", writers, path), func(b *testing.B) {
				s := openFresh(b)
				if path == "savepoints" {
					s.w.careful, s.w.window = true, 0
				}
				benchWrites(b, s, writers)
			})
		}
	}
}

// benchWrites runs b.N SaveTurns from writers goroutines (rounded up to a
// multiple of GOMAXPROCS), each on its own attempt a0.., and reports what
// they cost.
func benchWrites(b *testing.B, s *Store, writers int) {
	perCPU := (writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)
	if writers > 1 {
		writers = perCPU * runtime.GOMAXPROCS(0)
	}
	seedAttempts(b, s, writers)
	server := postmaster(b, s)
	var next, writes atomic.Int64
	session := func(more func() bool) {
		id := fmt.Sprintf("a%d", next.Add(1)-1)
		for n := 1; more(); n++ {
			if err := s.SaveTurn(context.Background(), benchTurn(id, n)); err != nil {
				b.Error(err)
				return
			}
			writes.Add(1)
		}
	}
	b.ReportAllocs()
	before, clientBefore, serverBefore, start := s.Stats(), clientCPU(), serverCPU(server), time.Now()
	b.ResetTimer()
	if writers == 1 {
		session(b.Loop)
	} else {
		b.SetParallelism(perCPU)
		b.RunParallel(func(pb *testing.PB) { session(pb.Next) })
	}
	b.StopTimer()
	elapsed, after, n := time.Since(start), s.Stats(), float64(max(writes.Load(), 1))
	b.ReportMetric(n/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(after.Commits-before.Commits)/n, "commits/write")
	b.ReportMetric(float64(clientCPU()-clientBefore)/float64(time.Microsecond)/n, "client-µs/write")
	b.ReportMetric(float64(serverCPU(server)-serverBefore)/float64(time.Microsecond)/n, "server-µs/write")
}

func benchTurn(id string, n int) training.TurnWrite {
	w := turnWrite(id, n)
	w.State = benchState
	return w
}

// clientCPU is the CPU time (user and system) this process has used.
func clientCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postmaster is the process id of the server s is connected to: the
// parent of its backend. The benchmarks run against pgtest's cluster, on
// this machine.
func postmaster(b *testing.B, s *Store) int {
	b.Helper()
	var backend int
	if err := s.pool.QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		b.Fatal(err)
	}
	f, err := procStat(backend)
	if err != nil {
		b.Fatalf("read the backend's /proc entry (is the server on this machine?): %v", err)
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// serverCPU is the CPU time that the postmaster, its live processes and
// those it has reaped have used.
func serverCPU(postmaster int) time.Duration {
	const tick = 10 * time.Millisecond // USER_HZ, 100 on Linux
	entries, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, e := range entries {
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(e)))
		f, err := procStat(pid)
		if err != nil || (pid != postmaster && f[1] != strconv.Itoa(postmaster)) {
			continue
		}
		for _, i := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime
			n, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * tick
}

// procStat is /proc/pid/stat from its third field (state) on: f[1] is
// the parent's pid, f[11] utime.
func procStat(pid int) ([]string, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return nil, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	return f, nil
}
