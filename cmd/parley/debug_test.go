package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestStartDebugLoopbackOnly: profiles show the server's insides, so the
// debug address must be on loopback.
func TestStartDebugLoopbackOnly(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for addr, want := range map[string]string{
		"0.0.0.0:0":     "not a loopback address",
		"10.1.2.3:6060": "not a loopback address",
		":6060":         "not a loopback address",
		"127.0.0.1":     "loopback host:port",
		"127.0.0.1:0":   "",
		"[::1]:0":       "",
		"localhost:0":   "",
	} {
		err := startDebug(t.Context(), addr, log)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: got %v, want %q", addr, err, want)
		}
	}
}
