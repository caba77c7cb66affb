package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashChildEnv, when set to a database path, turns TestCrashDurability into
// the child process that writes until it is killed.
const crashChildEnv = "PARLEY_STORE_CRASH_CHILD"

const (
	crashSessions = 8   // attempts a0..a7 written concurrently by the child
	crashKillAt   = 300 // acknowledgements the parent reads before SIGKILL
)

// TestCrashDurability kills a writing process with SIGKILL and checks that
// every turn it acknowledged is in the database afterwards, with the
// attempt's state matching its turn count.
func TestCrashDurability(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		runCrashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process; skipped with -short")
	}
	path := t.TempDir() + "/crash.db"
	s, err := Open(context.Background(), path)
	must(t, err)
	seedAttempts(t, s, crashSessions)
	must(t, s.Close())

	acked, stderr := runAndKillChild(t, path)
	s2 := mustOpen(t, path)
	for id, n := range acked {
		checkSurvived(t, s2, id, n, stderr)
	}
}

// runAndKillChild starts the child, kills it after crashKillAt
// acknowledgements, and returns the highest turn acknowledged per attempt.
func runAndKillChild(t *testing.T, path string) (map[string]int, *strings.Builder) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDurability$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())

	acked := map[string]int{}
	total := 0
	lines := bufio.NewScanner(stdout)
	for lines.Scan() { // keeps reading after the kill: what was printed was acknowledged
		var id string
		var n int
		if _, err := fmt.Sscanf(lines.Text(), "ack %s %d", &id, &n); err != nil {
			continue
		}
		acked[id] = max(acked[id], n)
		if total++; total == crashKillAt {
			must(t, cmd.Process.Kill()) // SIGKILL on Unix
		}
	}
	err = cmd.Wait()
	if total < crashKillAt || err == nil {
		t.Fatalf("child stopped by itself after %d acknowledgements (%v); stderr:\n%s", total, err, stderr)
	}
	t.Logf("killed the child after %d acknowledged turns", total)
	return acked, stderr
}

func checkSurvived(t *testing.T, s *Store, id string, acked int, stderr fmt.Stringer) {
	t.Helper()
	ctx := context.Background()
	a, err := s.Attempt(ctx, id)
	must(t, err)
	turns, err := s.Turns(ctx, id)
	must(t, err)
	if a.Turns < acked || len(turns) != a.Turns {
		t.Errorf("attempt %s: %d turns acknowledged, attempt says %d, %d turn rows; child stderr:\n%s",
			id, acked, a.Turns, len(turns), stderr)
	}
	if string(a.State) != string(state(a.Turns)) {
		t.Errorf("attempt %s: state %s does not match its %d turns", id, a.State, a.Turns)
	}
	for i, turn := range turns {
		if turn.Number != i+1 {
			t.Errorf("attempt %s: turn %d is numbered %d", id, i+1, turn.Number)
		}
	}
}

// runCrashChild saves turns on every seeded attempt concurrently and prints
// "ack <attempt> <turn>" after each SaveTurn returns, until it is killed.
func runCrashChild(path string) {
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out sync.Mutex
	deadline := time.Now().Add(time.Minute) // in case the parent is gone
	for i := range crashSessions {
		go func() {
			id := fmt.Sprintf("a%d", i)
			for n := 1; time.Now().Before(deadline); n++ {
				if err := s.SaveTurn(context.Background(), turnWrite(id, n)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Printf("ack %s %d\n", id, n)
				out.Unlock()
			}
			os.Exit(0)
		}()
	}
	select {}
}
