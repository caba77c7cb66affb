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
		t.Errorf("stats moved by %+v, want 1 commit and 2 writes", Stats{Commits: got.Commits - before.Commits, Writes: got.Writes - before.Writes})
	}
}

// turnRequest is SaveTurn's request for w, as the committer queues it: its
// statement for the pipeline, and saveTurn for the careful path.
func turnRequest(ctx context.Context, w training.TurnWrite) *writeRequest {
	now := time.Now()
	st := saveTurnStatement(w, now)
	return &writeRequest{ctx: ctx, stmt: &st, done: make(chan error, 1), fn: func(ctx context.Context, tx tx) error {
		return saveTurn(ctx, tx, w, now)
	}}
}

// TestPipelinedBatch runs pipelined batches by hand. A refused write (a
// stale turn, an unknown or ended attempt) fails alone with the careful
// path's error, while the others commit in one transaction; a write with no
// statement runs in the same transaction under its savepoint; an
// unexpected error (a foreign key) rolls the pipeline back, and the batch
// runs again write by write, each caller getting its own result.
func TestPipelinedBatch(t *testing.T) {
	s := openFresh(t)
	ctx := context.Background()
	seedAttempts(t, s, 4)
	if err := s.EndAttempt(ctx, "a3", 0, training.StatusGivenUp, nil); err != nil {
		t.Fatal(err)
	}
	ending := turnWrite("a2", 1)
	ending.End = &training.Ending{Status: training.StatusFinished, Ending: "won", Outcome: "success", Summary: []byte(`{"s":1}`)}
	ending.Outbox = []training.OutboxItem{{ID: "x1", Body: []byte(`{}`)}, {ID: "x2", Body: []byte(`{}`)}}
	health := &writeRequest{ctx: ctx, done: make(chan error, 1), fn: func(ctx context.Context, tx tx) error {
		_, err := tx.Exec(ctx, "UPDATE health SET checked_at = now() WHERE id = 1")
		return err
	}}
	badUser := training.Attempt{ID: "b", UserID: "nobody", ScenarioID: "sc", Version: "v1", State: []byte(`{}`)}
	badCreate := &writeRequest{ctx: ctx, done: make(chan error, 1),
		stmt: &statement{sql: sqlCreateAttempt + " ON CONFLICT DO NOTHING", args: attemptArgs(badUser, time.Now())},
		fn:   func(ctx context.Context, tx tx) error { return insertAttempt(ctx, tx, badUser, time.Now()) }}

	tests := []struct {
		name      string
		batch     []*writeRequest
		want      []error
		turns     map[string]int // attempt id: turns after the batch
		commits   int64          // transactions committed
		writes    int64          // writes committed
		fallbacks int64          // pipelines rolled back and run again
	}{
		{"refusals fail alone",
			[]*writeRequest{turnRequest(ctx, turnWrite("a0", 1)), turnRequest(ctx, turnWrite("a1", 2)),
				turnRequest(ctx, ending), turnRequest(ctx, turnWrite("nope", 1)), turnRequest(ctx, turnWrite("a3", 1))},
			[]error{nil, training.ErrConflict, nil, training.ErrNotFound, training.ErrConflict},
			map[string]int{"a0": 1, "a1": 0, "a2": 1, "a3": 0}, 1, 2, 0},
		{"a write with no statement shares the transaction",
			[]*writeRequest{turnRequest(ctx, turnWrite("a0", 2)), health, turnRequest(ctx, turnWrite("a0", 2))},
			[]error{nil, nil, training.ErrConflict},
			map[string]int{"a0": 2}, 1, 2, 0},
		{"an unexpected error: write by write",
			[]*writeRequest{turnRequest(ctx, turnWrite("a0", 3)), badCreate, turnRequest(ctx, turnWrite("a1", 1))},
			[]error{nil, training.ErrNotFound, nil},
			map[string]int{"a0": 3, "a1": 1}, 1, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, fallbacks := s.w.stats(), s.w.fallbacks.Load()
			s.w.commit(tt.batch)
			for i, req := range tt.batch {
				if err := <-req.done; !errors.Is(err, tt.want[i]) || (err != nil) != (tt.want[i] != nil) {
					t.Errorf("write %d: got %v, want %v", i, err, tt.want[i])
				}
			}
			for id, want := range tt.turns {
				if a, err := s.Attempt(ctx, id); err != nil || a.Turns != want {
					t.Errorf("attempt %s: %d turns, %v; want %d", id, a.Turns, err, want)
				}
			}
			after := s.w.stats()
			if c, w := after.Commits-before.Commits, after.Writes-before.Writes; c != tt.commits || w != tt.writes {
				t.Errorf("%d commits of %d writes; want %d of %d", c, w, tt.commits, tt.writes)
			}
			if f := s.w.fallbacks.Load() - fallbacks; f != tt.fallbacks {
				t.Errorf("%d fallbacks, want %d", f, tt.fallbacks)
			}
		})
	}

	// The ending turn ended the attempt and queued its statements, as the
	// careful path would have.
	a, err := s.Attempt(ctx, "a2")
	if err != nil || a.Status != training.StatusFinished || a.Ending != "won" || a.Outcome != "success" ||
		string(a.Summary) != `{"s":1}` || a.EndedAt.IsZero() {
		t.Errorf("a2 after its final turn: %+v, %v", a, err)
	}
	if waiting, _, err := s.OutboxCounts(ctx); err != nil || waiting != 2 {
		t.Errorf("outbox: %d statements waiting, %v; want 2", waiting, err)
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

// TestCommitWindow: a leader waits the commit window only after a batch
// that held more than one write. A lone writer never waits; once writes
// queue up behind a commit, the next leader waits for more of them.
func TestCommitWindow(t *testing.T) {
	s := openFresh(t, WithCommitWindow(time.Millisecond))
	ctx := context.Background()
	noop := func(context.Context, tx) error { return nil }
	must := func(err error) {
		if err != nil {
			t.Error(err)
		}
	}
	for range 5 {
		must(s.w.do(ctx, noop))
	}
	if w := s.Stats().Waits; w != 0 {
		t.Fatalf("a lone writer waited %d times; want never", w)
	}

	// A holds the lead while B and C queue: B then leads the batch [B, C].
	release, running := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		must(s.w.do(ctx, func(context.Context, tx) error { close(running); <-release; return nil }))
	})
	<-running
	for range 2 {
		wg.Go(func() { must(s.w.do(ctx, noop)) })
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
	must(s.w.do(ctx, noop)) // follows a batch of two: waits once
	must(s.w.do(ctx, noop)) // follows a batch of one: does not
	if w := s.Stats().Waits; w != 1 {
		t.Errorf("%d waits after a batch of two and then one; want 1", w)
	}
}
