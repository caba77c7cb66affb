package sqlite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"parley/webui/training"
	"testing"
	"time"
)

func TestSaveTurnRefusals(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *Store) // after a1 has turns 1 and 2
		write   training.TurnWrite
		wantErr error
	}{
		{"duplicate turn", nil, turnWrite("a1", 2), training.ErrConflict},
		{"earlier turn", nil, turnWrite("a1", 1), training.ErrConflict},
		{"gap", nil, turnWrite("a1", 4), training.ErrConflict},
		{"finished attempt", func(t *testing.T, s *Store) {
			w := turnWrite("a1", 3)
			w.End = &training.Ending{Status: training.StatusFinished, Ending: "e"}
			must(t, s.SaveTurn(context.Background(), w))
		}, turnWrite("a1", 4), training.ErrConflict},
		{"given up attempt", func(t *testing.T, s *Store) {
			must(t, s.EndAttempt(context.Background(), "a1", 2, training.StatusGivenUp, nil))
		}, turnWrite("a1", 3), training.ErrConflict},
		{"unknown attempt", nil, turnWrite("nope", 1), training.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := openTest(t)
			ctx := context.Background()
			seedAttempt(t, s, "a1", testUser)
			must(t, s.SaveTurn(ctx, turnWrite("a1", 1)))
			must(t, s.SaveTurn(ctx, turnWrite("a1", 2)))
			if tt.prepare != nil {
				tt.prepare(t, s)
			}
			before := snapshot(t, s, "a1")

			err := s.SaveTurn(ctx, tt.write)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SaveTurn: got %v, want %v", err, tt.wantErr)
			}
			if after := snapshot(t, s, "a1"); !after.equal(before) {
				t.Errorf("a refused SaveTurn changed the attempt:\nbefore %+v\n after %+v", before, after)
			}
		})
	}
}

// attemptSnapshot is everything SaveTurn could change.
type attemptSnapshot struct {
	attempt training.Attempt
	turns   []training.Turn
}

func snapshot(t *testing.T, s *Store, id string) attemptSnapshot {
	t.Helper()
	a, err := s.Attempt(context.Background(), id)
	must(t, err)
	ts, err := s.Turns(context.Background(), id)
	must(t, err)
	return attemptSnapshot{a, ts}
}

func (x attemptSnapshot) equal(y attemptSnapshot) bool {
	a, b := x.attempt, y.attempt
	if a.Status != b.Status || a.Turns != b.Turns || a.LastSeq != b.LastSeq || !bytes.Equal(a.State, b.State) ||
		!a.UpdatedAt.Equal(b.UpdatedAt) || len(x.turns) != len(y.turns) {
		return false
	}
	for i := range x.turns {
		if !bytes.Equal(x.turns[i].Event, y.turns[i].Event) || x.turns[i].Seq != y.turns[i].Seq {
			return false
		}
	}
	return true
}

func TestSaveTurnValidates(t *testing.T) {
	s, _, _ := openTest(t)
	bad := map[string]training.TurnWrite{
		"no attempt": {Turn: training.Turn{Number: 1, Event: []byte("{}")}, State: []byte("{}")},
		"turn 0":     {AttemptID: "a1", Turn: training.Turn{Event: []byte("{}")}, State: []byte("{}")},
		"no state":   {AttemptID: "a1", Turn: training.Turn{Number: 1, Event: []byte("{}")}},
		"no event":   {AttemptID: "a1", Turn: training.Turn{Number: 1}, State: []byte("{}")},
		"end active": {AttemptID: "a1", Turn: training.Turn{Number: 1, Event: []byte("{}")}, State: []byte("{}"),
			End: &training.Ending{Status: training.StatusActive}},
	}
	for name, w := range bad {
		if err := s.SaveTurn(context.Background(), w); err == nil {
			t.Errorf("%s: SaveTurn succeeded, want a validation error", name)
		}
	}
}

func TestTurnsOfUnknownAttempt(t *testing.T) {
	s, _, _ := openTest(t)
	seedAttempt(t, s, "a1", testUser)
	ts, err := s.Turns(context.Background(), "a1")
	if err != nil || len(ts) != 0 {
		t.Errorf("Turns of a new attempt = %v, %v; want none, nil", ts, err)
	}
	if _, err := s.Turns(context.Background(), "nope"); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("Turns of an unknown attempt: got %v, want training.ErrNotFound", err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	s, _, path := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", testUser)
	must(t, s.SaveTurn(ctx, turnWrite("a1", 1)))
	must(t, s.SaveTurn(ctx, turnWrite("a1", 2)))
	before := snapshot(t, s, "a1")
	must(t, s.Close())

	s2 := mustOpen(t, path)
	if after := snapshot(t, s2, "a1"); !after.equal(before) {
		t.Errorf("after reopening:\n got %+v\nwant %+v", after, before)
	}
	src, err := s2.ScenarioSource(ctx, testVersion)
	if err != nil || len(src) == 0 {
		t.Errorf("scenario source after reopening = %q, %v", src, err)
	}
	must(t, s2.SaveTurn(ctx, turnWrite("a1", 3)))
}

func TestWritesAfterCloseFail(t *testing.T) {
	s, _, _ := openTest(t)
	seedAttempt(t, s, "a1", testUser)
	must(t, s.Close())
	if err := s.SaveTurn(context.Background(), turnWrite("a1", 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("SaveTurn after Close: got %v, want ErrClosed", err)
	}
}

func TestCanceledWriteChangesNothing(t *testing.T) {
	s, _, _ := openTest(t)
	seedAttempt(t, s, "a1", testUser)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SaveTurn(ctx, turnWrite("a1", 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("SaveTurn with a canceled context: got %v, want context.Canceled", err)
	}
	a, err := s.Attempt(context.Background(), "a1")
	must(t, err)
	if a.Turns != 0 {
		t.Errorf("attempt has %d turns after a canceled write, want 0", a.Turns)
	}
}

// TestSaveTurnWritesThreePages: a saved turn changes the attempt's row and
// appends a turn row with its index entry, and nothing else: three pages
// written to the WAL and synced per turn (migration 0009: the turn row goes
// to the table's last page, shared with the turns before it, so a batch of
// turns of many attempts dirties one more page for each attempt, not a
// random page of the table each). An index over a column every turn changes
// (updated_at) would add two more, and every trainee would wait for it.
func TestSaveTurnWritesThreePages(t *testing.T) {
	s, c, path := openTest(t, WithCheckpointEvery(0)) // a checkpoint would let the WAL start over
	seedAttempts(t, s, 1)
	for n := 1; n <= 5; n++ {
		must(t, s.SaveTurn(context.Background(), benchTurn("a0", n)))
	}
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := walSize()
	const turns = 100 // 300 frames: well below the writer's autocheckpoint
	for n := 6; n < 6+turns; n++ {
		c.Advance(time.Second)
		must(t, s.SaveTurn(context.Background(), benchTurn("a0", n)))
	}
	const frame = 24 + 4096 // WAL frame header + the default page size
	if frames := float64(walSize()-before) / turns / frame; frames > 3 {
		t.Errorf("each turn wrote %.2f pages to the WAL, want 3 (the attempt row, the turn row and its index entry)", frames)
	}
}
