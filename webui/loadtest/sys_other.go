//go:build !linux && !darwin

package loadtest

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// raiseOpenFiles cannot change the limit on this system.
func raiseOpenFiles(need uint64, _ *slog.Logger) (desc string, hard uint64) {
	return fmt.Sprintf("not adjusted on this system; need about %d", need), 0
}

// processCPU is not known on this system.
func processCPU() time.Duration { return 0 }

// terminate stops p: this system has no SIGTERM to ask it gracefully.
func terminate(p *os.Process) error { return p.Kill() }
