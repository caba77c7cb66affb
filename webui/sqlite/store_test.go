package sqlite

import (
	"context"
	"fmt"
	"parley/webui/training"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// t0 is the start of every test clock: whole milliseconds, as stored.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is an injected Store.Now that only moves when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openTest opens a fresh database in a temporary directory, closed when the
// test ends, with an injected clock.
func openTest(t testing.TB, opts ...Option) (*Store, *clock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	s := mustOpen(t, path, opts...)
	c := newClock()
	s.Now = c.Now
	return s, c, path
}

func mustOpen(t testing.TB, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

const (
	testUser     = "u1"
	testScenario = "angry-client"
	testVersion  = "sha256:aaaa"
)

// seedAttempt creates the test user, the test scenario version and an active
// attempt with the given id, for user.
func seedAttempt(t testing.TB, s *Store, id, user string) training.Attempt {
	t.Helper()
	ctx := context.Background()
	must(t, s.CreateAccount(ctx, training.Account{ID: user, DisplayName: "Trainee " + user}))
	must(t, s.SaveScenarioVersion(ctx, testScenario, testVersion, []byte("title = 'Angry client'")))
	a := training.Attempt{ID: id, UserID: user, ScenarioID: testScenario, Version: testVersion, Seed: 42, State: state(0)}
	must(t, s.CreateAttempt(ctx, a))
	return a
}

// seedAttempts creates active attempts a0, a1, ... for users u0, u1, ...
// concurrently.
func seedAttempts(t testing.TB, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	must(t, s.SaveScenarioVersion(ctx, testScenario, testVersion, []byte("title = 'Angry client'")))
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			user := fmt.Sprintf("u%d", i)
			a := training.Attempt{ID: fmt.Sprintf("a%d", i), UserID: user, ScenarioID: testScenario, Version: testVersion, State: state(0)}
			if err := s.CreateAccount(ctx, training.Account{ID: user, DisplayName: "Trainee"}); err != nil {
				errs <- err
			} else if err := s.CreateAttempt(ctx, a); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// turnWrite is turn n of attempt id, made by client message n.
func turnWrite(id string, n int) training.TurnWrite {
	return training.TurnWrite{
		AttemptID: id,
		Turn:      training.Turn{Number: n, Seq: int64(n), ReplyID: fmt.Sprintf("r%d", n), Event: []byte(`{"said":"ok"}`)},
		State:     state(n),
		LastSeq:   int64(n),
	}
}

func state(n int) []byte { return fmt.Appendf(nil, `{"turn":%d}`, n) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
