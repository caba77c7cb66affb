package loadtest

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	for _, tt := range []struct {
		name, stat string
		want       time.Duration
		wantErr    bool
	}{
		{"plain", "4242 (parley) S 1 4242 4242 0 -1 4194560 2 0 0 0 250 37 0 0 20 0 9 0 100 0 0", 2870 * time.Millisecond, false},
		{"name with spaces and parens", "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0", 30 * time.Millisecond, false},
		{"no name", "7 a R 1", 0, true},
		{"short", "7 (a) R 1 2 3 0 0 0 0 0 0 0 0 0", 0, true},
		{"not a number", "7 (a) R 1 7 7 0 -1 0 0 0 0 0 x 2 0", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tt.stat))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestReadProcSelf reads this process, which has used some CPU and holds
// some memory.
func TestReadProcSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	sp := serverProcs{pids: []int{os.Getpid()}}
	if err := sp.start(); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); { // spend CPU
	}
	u, err := sp.finish()
	if err != nil {
		t.Fatal(err)
	}
	if u.cpu < 10*time.Millisecond || u.rss[0] <= 0 || u.hwm[0] < u.rss[0] {
		t.Errorf("50 ms of spinning: cpu %v, rss %d, peak %d", u.cpu, u.rss[0], u.hwm[0])
	}
	if _, err := readProc(1 << 30); err == nil {
		t.Error("a process that does not exist was read")
	}
}

// TestTreeCPU: a process tree's CPU counts a child that spun and exited.
func TestTreeCPU(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	before, err := treeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	spin := exec.Command("sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done")
	if err := spin.Run(); err != nil {
		t.Skip("no sh to spin:", err)
	}
	after, err := treeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	child := spin.ProcessState.UserTime() + spin.ProcessState.SystemTime()
	if got := after - before; child < 50*time.Millisecond || got < child-2*time.Second/userHZ {
		t.Errorf("a child spun for %v and exited; the tree used %v", child, got)
	}
}
