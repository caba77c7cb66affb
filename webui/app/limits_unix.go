//go:build linux || darwin

package app

import "syscall"

// openFilesLimit is the process's soft limit on open files, or 0 when it
// cannot be read.
func openFilesLimit() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 1<<30 {
		return 0
	}
	return int(lim.Cur)
}
