//go:build linux || darwin

package loadtest

import (
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"time"
)

// raiseOpenFiles raises the soft limit on open files towards need, up to
// the hard limit, and says what the limit is; hard is the hard limit (0
// when unknown). Child processes inherit the raised limit.
func raiseOpenFiles(need uint64, log *slog.Logger) (desc string, hard uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Sprintf("unknown (%v); need about %d", err, need), 0
	}
	if lim.Cur >= need {
		return fmt.Sprintf("soft limit %d, hard %d; need about %d", lim.Cur, lim.Max, need), lim.Max
	}
	was := lim.Cur
	lim.Cur = min(need, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("could not raise the open-files limit", "soft", was, "need", need, "err", err)
		return fmt.Sprintf("soft limit %d (raising it failed: %v); need about %d", was, err, need), lim.Max
	}
	return fmt.Sprintf("soft limit raised from %d to %d (hard %d); need about %d", was, lim.Cur, lim.Max, need), lim.Max
}

// processCPU is the CPU time (user + system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// terminate asks p to shut down gracefully, as Ctrl-C would.
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
