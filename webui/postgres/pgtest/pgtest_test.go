package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestRemoveStale holds which folders a start removes: a cluster's folder
// left by a killed test binary, but never one whose server is still
// running, one just made, or another program's.
func TestRemoveStale(t *testing.T) {
	now := time.Now()
	old := now.Add(-staleAfter - time.Minute)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pid     string // postmaster.pid's first line; "" for no file
		changed time.Time
		kept    bool
	}{
		{"parley-pg-killed", "", old, false},
		{"parley-pg-server-died", strconv.Itoa(dead.Process.Pid), old, false},
		{"parley-pg-running", strconv.Itoa(os.Getpid()), old, true},
		{"parley-pg-unreadable-pid", "not a pid", old, true},
		{"parley-pg-just-made", "", now.Add(-time.Minute), true},
		{"another-program", "", old, true},
	}
	base := t.TempDir()
	for _, tt := range tests {
		dir := filepath.Join(base, tt.name)
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if tt.pid != "" {
			pidFile := filepath.Join(dir, "data", "postmaster.pid")
			if err := os.WriteFile(pidFile, []byte(tt.pid+"\n/tmp/data\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(dir, tt.changed, tt.changed); err != nil {
			t.Fatal(err)
		}
	}
	removeStale(base, now)
	for _, tt := range tests {
		_, err := os.Stat(filepath.Join(base, tt.name))
		if kept := err == nil; kept != tt.kept {
			t.Errorf("%s: kept = %v, want %v (stat: %v)", tt.name, kept, tt.kept, err)
		}
	}
}
