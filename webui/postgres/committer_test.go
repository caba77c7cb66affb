package postgres

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
	const sessions, turnsEach = 50, 5
	s := openFresh(t)
	ctx := context.Background()
	seedAttempts(t, s, sessions)
	before := s.Stats()

	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			<-start
			for n := 1; n <= turnsEach; n++ {
				if err := s.SaveTurn(ctx, turnWrite(fmt.Sprintf("a%d", i), n)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()

	after := s.Stats()
	commits, writes := after.Commits-before.Commits, after.Writes-before.Writes
	t.Logf("%d writes in %d commits (%.1f writes per commit)", writes, commits, float64(writes)/float64(commits))
	if writes != sessions*turnsEach {
		t.Errorf("Stats counted %d writes, want %d", writes, sessions*turnsEach)
	}
	if commits*2 > writes {
		t.Errorf("%d commits for %d writes: concurrent writes were not grouped", commits, writes)
	}
	for i := range sessions {
		if a, err := s.Attempt(ctx, fmt.Sprintf("a%d", i)); err != nil || a.Turns != turnsEach {
			t.Errorf("attempt a%d: %d turns, %v; want %d", i, a.Turns, err, turnsEach)
		}
	}
}

// TestBatchIsolatesFailures runs one batch by hand: a conflicting write in
// the middle must fail alone while the writes around it commit, in one
// transaction.
func TestBatchIsolatesFailures(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	seedAttempts(t, s, 3)
	writes := []training.TurnWrite{turnWrite("a0", 1), turnWrite("a1", 2), turnWrite("a2", 1)}
	batch := make([]*writeRequest, len(writes))
	for i, w := range writes {
		batch[i] = &writeRequest{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx tx) error {
			return saveTurn(ctx, tx, w, time.Now())
		}}
	}
	// A lone write of the unique index's conflict, too: a second active
	// attempt fails at the database, not in Go.
	batch = append(batch, &writeRequest{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx tx) error {
		return insertAttempt(ctx, tx, training.Attempt{ID: "again", UserID: "u0", ScenarioID: "sc", Version: "v1", State: []byte(`{}`)}, time.Now())
	}})
	before := s.w.stats()
	s.w.commit(batch)

	wantErr := []error{nil, training.ErrConflict, nil, training.ErrConflict}
	for i, req := range batch {
		if err := <-req.done; !errors.Is(err, wantErr[i]) || (err != nil) != (wantErr[i] != nil) {
			t.Errorf("write %d: got %v, want %v", i, err, wantErr[i])
		}
	}
	for id, want := range map[string]int{"a0": 1, "a1": 0, "a2": 1} {
		if a, err := s.Attempt(ctx, id); err != nil || a.Turns != want {
			t.Errorf("attempt %s: %d turns, %v; want %d", id, a.Turns, err, want)
		}
	}
	if got := s.w.stats(); got.Commits-before.Commits != 1 || got.Writes-before.Writes != 2 {
		t.Errorf("stats moved by %+v, want 1 commit and 2 writes", Stats{got.Commits - before.Commits, got.Writes - before.Writes})
	}
}

// TestCloseDrainsQueue closes the store while writers are busy: every write
// that was acknowledged must be in the database, and every other one must
// say it was refused because the store closed.
func TestCloseDrainsQueue(t *testing.T) {
	const sessions = 20
	db := freshDB(t)
	s, err := Open(context.Background(), db.URL)
	if err != nil {
		t.Fatal(err)
	}
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
	for s.Stats().Writes < seeded+100 { // let the writers get going
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	s2 := mustOpen(t, db.URL)
	for i, n := range acked {
		if a, err := s2.Attempt(context.Background(), fmt.Sprintf("a%d", i)); err != nil || a.Turns != n {
			t.Errorf("attempt a%d: %d turns stored, %v; %d were acknowledged", i, a.Turns, err, n)
		}
	}
}

// TestPanickingWrite: a write that panics takes its batch down with an error
// to every caller, rolls the transaction back, and leaves the committer
// working.
func TestPanickingWrite(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	seedAttempts(t, s, 1)
	panicked := func() (p any) {
		defer func() { p = recover() }()
		_ = s.w.do(ctx, func(ctx context.Context, tx tx) error {
			if err := saveTurn(ctx, tx, turnWrite("a0", 1), time.Now()); err != nil {
				return err
			}
			panic("bug in a write")
		})
		return nil
	}()
	if panicked != "bug in a write" {
		t.Fatalf("the write's panic did not reach its caller: %v", panicked)
	}
	if a, err := s.Attempt(ctx, "a0"); err != nil || a.Turns != 0 {
		t.Fatalf("after the panic: %d turns, %v; want 0", a.Turns, err)
	}
	if err := s.SaveTurn(ctx, turnWrite("a0", 1)); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	batch := []*writeRequest{
		{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx tx) error {
			return saveTurn(ctx, tx, turnWrite("a0", 2), time.Now())
		}},
		{ctx: ctx, done: make(chan error, 1), fn: func(context.Context, tx) error { panic("bug") }},
	}
	func() {
		defer func() { _ = recover() }()
		s.w.commit(batch)
	}()
	if err := <-batch[0].done; err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("the other write of the batch got %v, want an error saying the batch panicked", err)
	}
	if a, _ := s.Attempt(ctx, "a0"); a.Turns != 1 {
		t.Errorf("after the panicking batch: %d turns, want 1", a.Turns)
	}
}
