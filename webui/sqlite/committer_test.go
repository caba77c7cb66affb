package sqlite

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGroupCommit(t *testing.T) {
	const sessions, turnsEach = 200, 5
	s, _, _ := openTest(t)
	ctx := context.Background()
	seedAttempts(t, s, sessions)
	before := s.Stats()

	start := make(chan struct{})
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			<-start
			for n := 1; n <= turnsEach; n++ {
				if err := s.SaveTurn(ctx, turnWrite(fmt.Sprintf("a%d", i), n)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	after := s.Stats()
	commits, writes := after.Commits-before.Commits, after.Writes-before.Writes
	t.Logf("%d writes in %d commits (%.1f writes per commit)", writes, commits, float64(writes)/float64(commits))
	if writes != sessions*turnsEach {
		t.Errorf("Stats counted %d writes, want %d", writes, sessions*turnsEach)
	}
	if commits*4 > writes {
		t.Errorf("%d commits for %d writes: concurrent writes were not grouped", commits, writes)
	}
	for i := range sessions {
		if a, err := s.Attempt(ctx, fmt.Sprintf("a%d", i)); err != nil || a.Turns != turnsEach {
			t.Errorf("attempt a%d: %d turns, %v; want %d", i, a.Turns, err, turnsEach)
		}
	}
}

// TestBatchIsolatesFailures runs one batch by hand: a conflicting write in the
// middle, and one that fails after saving a turn, must fail alone, keeping
// nothing of theirs, while the writes around them commit.
func TestBatchIsolatesFailures(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		seedAttempt(t, s, id, "user-"+id)
	}
	// Drive commit directly. Nobody else is writing meanwhile, and the pool
	// hands the one write connection to whoever asks.

	errLate := errors.New("failed after its changes")
	writes := []training.TurnWrite{turnWrite("a1", 1), turnWrite("a2", 2), turnWrite("a3", 1), turnWrite("a4", 1)}
	batch := make([]*writeRequest, len(writes))
	for i, w := range writes {
		batch[i] = &writeRequest{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *writeTx) error {
			err := saveTurn(ctx, tx, w, 0)
			if err == nil && w.AttemptID == "a4" {
				return errLate
			}
			return err
		}}
	}
	before := s.w.stats()
	s.w.commit(batch)

	wantErr := []error{nil, training.ErrConflict, nil, errLate}
	for i, req := range batch {
		if err := <-req.done; !errors.Is(err, wantErr[i]) || (err != nil) != (wantErr[i] != nil) {
			t.Errorf("write %d: got %v, want %v", i, err, wantErr[i])
		}
	}
	wantTurns := map[string]int{"a1": 1, "a2": 0, "a3": 1, "a4": 0}
	for id, want := range wantTurns {
		if a, err := s.Attempt(ctx, id); err != nil || a.Turns != want {
			t.Errorf("attempt %s: %d turns, %v; want %d", id, a.Turns, err, want)
		}
		if turns, err := s.Turns(ctx, id); err != nil || len(turns) != want {
			t.Errorf("attempt %s: %d turn rows, %v; want %d", id, len(turns), err, want)
		}
	}
	// The batch ran bare first, failed, and ran again with savepoints.
	got := s.w.stats()
	if moved := (Stats{Commits: got.Commits - before.Commits, Writes: got.Writes - before.Writes,
		Retries: got.Retries - before.Retries}); moved != (Stats{Commits: 1, Writes: 2, Retries: 1}) {
		t.Errorf("stats moved by %+v, want 1 commit, 2 writes and 1 retry", moved)
	}
}

// TestBatchRunAgain runs by hand a batch whose last write fails, so that
// it runs again with savepoints: a write before it that counts what it
// changed must count it once, and a write whose caller gave up before the
// batch ran is answered without running and does not force the run again.
func TestBatchRunAgain(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	for _, id := range []string{"a1", "a2", "a3"} {
		seedAttempt(t, s, id, "user-"+id)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	request := func(ctx context.Context, fn writeFunc) *writeRequest {
		return &writeRequest{ctx: ctx, done: make(chan error, 1), fn: fn}
	}
	save := func(w training.TurnWrite) writeFunc {
		return func(ctx context.Context, tx *writeTx) error { return saveTurn(ctx, tx, w, 0) }
	}
	var abandoned int64
	for _, tt := range []struct {
		name        string
		batch       []*writeRequest
		want        []error
		wantRetries int64
	}{
		{"a caller gave up", []*writeRequest{request(ctx, save(turnWrite("a1", 1))), request(gone, save(turnWrite("a2", 1)))},
			[]error{nil, context.Canceled}, 0},
		{"a write fails after a counting one", []*writeRequest{request(ctx, abandonIdle(100, 1<<60, &abandoned)),
			request(ctx, save(turnWrite("a3", 1)))}, []error{nil, training.ErrConflict}, 1},
	} {
		before := s.w.stats()
		s.w.commit(tt.batch)
		for i, req := range tt.batch {
			if err := <-req.done; !errors.Is(err, tt.want[i]) || (err != nil) != (tt.want[i] != nil) {
				t.Errorf("%s: write %d: got %v, want %v", tt.name, i, err, tt.want[i])
			}
		}
		if got := s.w.stats().Retries - before.Retries; got != tt.wantRetries {
			t.Errorf("%s: the batch ran again %d times, want %d", tt.name, got, tt.wantRetries)
		}
	}
	// a1 has a turn and a2 none; all three were then abandoned, once each.
	if abandoned != 3 {
		t.Errorf("abandonIdle counted %d attempts, want 3", abandoned)
	}
	if a, err := s.Attempt(ctx, "a2"); err != nil || a.Turns != 0 {
		t.Errorf("the given-up write ran: attempt a2 has %d turns, %v", a.Turns, err)
	}
}

// TestCloseDrainsQueue closes the store while writers are busy: every write
// that was acknowledged must be on disk, and every other one must say it was
// refused because the store closed.
func TestCloseDrainsQueue(t *testing.T) {
	const sessions = 50
	s, _, path := openTest(t)
	seedAttempts(t, s, sessions)
	seeded := s.Stats().Writes
	acked := make([]int, sessions)
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			for n := 1; ; n++ {
				err := s.SaveTurn(context.Background(), turnWrite(fmt.Sprintf("a%d", i), n))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("session %d turn %d: %v", i, n, err)
					return
				}
				acked[i] = n
			}
		})
	}
	for s.Stats().Writes < seeded+200 { // let the writers get going
		_ = s.Ping(context.Background())
	}
	must(t, s.Close())
	wg.Wait()

	s2 := mustOpen(t, path)
	for i, n := range acked {
		if a, err := s2.Attempt(context.Background(), fmt.Sprintf("a%d", i)); err != nil || a.Turns != n {
			t.Errorf("attempt a%d: %d turns on disk, %v; %d were acknowledged", i, a.Turns, err, n)
		}
	}
}

// TestPanickingWrite: a write that panics takes its batch down with an error
// to every caller, rolls the transaction back, and leaves the committer
// working: no caller waits forever and the next write commits.
func TestPanickingWrite(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", "user-a1")

	panicked := func() (p any) {
		defer func() { p = recover() }()
		_ = s.w.do(ctx, func(ctx context.Context, tx *writeTx) error {
			if err := saveTurn(ctx, tx, turnWrite("a1", 1), 0); err != nil {
				return err
			}
			panic("bug in a write")
		})
		return nil
	}()
	if panicked != "bug in a write" {
		t.Fatalf("the write's panic did not reach its caller: %v", panicked)
	}

	// Nothing of it was saved, and the next write starts a fresh transaction.
	if a, err := s.Attempt(ctx, "a1"); err != nil || a.Turns != 0 {
		t.Fatalf("after the panic: %d turns, %v; want 0", a.Turns, err)
	}
	done := make(chan error, 1)
	go func() { done <- s.SaveTurn(ctx, turnWrite("a1", 1)) }()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the next write never committed: the committer is stuck")
	}

	// In a batch, the others get an error rather than waiting forever.
	batch := []*writeRequest{
		{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx *writeTx) error {
			return saveTurn(ctx, tx, turnWrite("a1", 2), 0)
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(context.Context, *writeTx) error { panic("bug") }},
	}
	func() {
		defer func() { _ = recover() }()
		s.w.commit(batch)
	}()
	if err := <-batch[0].done; err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("the other write of the batch got %v, want an error saying the batch panicked", err)
	}
	if a, _ := s.Attempt(ctx, "a1"); a.Turns != 1 {
		t.Errorf("after the panicking batch: %d turns, want 1", a.Turns)
	}
}

// TestCommitWindow: a leader waits the commit window only after a batch
// that held more than one write. A lone writer never waits; once writes
// queue up behind a commit, the next leader waits for more of them.
func TestCommitWindow(t *testing.T) {
	s, _, _ := openTest(t, WithCommitWindow(time.Millisecond))
	ctx := context.Background()
	noop := func(context.Context, *writeTx) error { return nil }
	for range 5 {
		must(t, s.w.do(ctx, noop))
	}
	if w := s.Stats().Waits; w != 0 {
		t.Fatalf("a lone writer waited %d times; want never", w)
	}

	// A holds the lead while B and C queue: B then leads the batch [B, C].
	release, running := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		must(t, s.w.do(ctx, func(context.Context, *writeTx) error { close(running); <-release; return nil }))
	})
	<-running
	for range 2 {
		wg.Go(func() { must(t, s.w.do(ctx, noop)) })
	}
	for queued := 0; queued < 2; {
		s.w.mu.Lock()
		queued = len(s.w.queue)
		s.w.mu.Unlock()
	}
	close(release)
	wg.Wait()
	if w := s.Stats().Waits; w != 0 {
		t.Fatalf("%d waits before the crowded batch was followed; want 0", w)
	}
	must(t, s.w.do(ctx, noop)) // follows a batch of two: waits once
	must(t, s.w.do(ctx, noop)) // follows a batch of one: does not
	if w := s.Stats().Waits; w != 1 {
		t.Errorf("%d waits after a batch of two and then one; want 1", w)
	}
}
