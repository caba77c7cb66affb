//go:build !linux && !darwin

package main

// openFilesLimit is not known on this system.
func openFilesLimit() int { return 0 }
