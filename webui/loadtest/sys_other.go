//go:build !linux && !darwin

package loadtest

import (
	"fmt"
	"log/slog"
	"time"
)

// raiseOpenFiles cannot change the limit on this system.
func raiseOpenFiles(need uint64, _ *slog.Logger) string {
	return fmt.Sprintf("not adjusted on this system; need about %d", need)
}

// processCPU is not known on this system.
func processCPU() time.Duration { return 0 }
