//go:build !linux && !darwin

package app

// openFilesLimit is not known on this system.
func openFilesLimit() int { return 0 }
