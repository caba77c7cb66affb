package sqlite

import (
	"bytes"
	"context"
	"errors"
	"parley/webui/training"
	"testing"
	"time"
)

// seedFinished creates attempt id for user with turns turns, finished on
// the last one.
func seedFinished(t *testing.T, s *Store, clk *clock, id, user string, turns int) {
	t.Helper()
	seedAttempt(t, s, id, user)
	for n := 1; n <= turns; n++ {
		clk.Advance(time.Minute)
		w := turnWrite(id, n)
		if n == turns {
			w.End = &training.Ending{Status: training.StatusFinished, Ending: "calm", Outcome: "resolved", Summary: []byte(`{}`)}
		}
		must(t, s.SaveTurn(context.Background(), w))
	}
}

func TestCreatePractice(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedFinished(t, s, clk, "src", testUser, 3)
	source := snapshot(t, s, "src")

	for from := 1; from <= 3; from++ {
		clk.Advance(time.Minute)
		id := "p" + string(rune('0'+from))
		must(t, s.CreatePractice(ctx, training.Attempt{ID: id, UserID: testUser, PracticeOf: "src", PracticeFrom: from,
			State: state(from - 1), ScenarioID: "ignored", Seed: 7}, training.MaxActivePracticeRuns))
		got, err := s.Attempt(ctx, id)
		must(t, err)
		want := training.Attempt{ID: id, UserID: testUser, ScenarioID: testScenario, Version: testVersion, Seed: 42,
			Status: training.StatusActive, State: state(from - 1), LastSeq: int64(from - 1), Turns: from - 1,
			StartedAt: clk.Now(), UpdatedAt: clk.Now(), PracticeOf: "src", PracticeFrom: from}
		checkAttempt(t, got, want)
		if got.PracticeOf != "src" || got.PracticeFrom != from || !got.IsPractice() {
			t.Errorf("practice run from turn %d: practice of %q from %d", from, got.PracticeOf, got.PracticeFrom)
		}
		turns, err := s.Turns(ctx, id)
		must(t, err)
		if len(turns) != from-1 {
			t.Fatalf("practice run from turn %d holds %d turns, want %d", from, len(turns), from-1)
		}
		for i, tn := range turns {
			src := source.turns[i]
			if tn.Number != src.Number || tn.Seq != src.Seq || tn.ReplyID != src.ReplyID ||
				!bytes.Equal(tn.Event, src.Event) || !tn.CreatedAt.Equal(src.CreatedAt) {
				t.Errorf("copied turn %+v, want the source's %+v", tn, src)
			}
		}
		// It plays on from exactly the turn it started at.
		if err := s.SaveTurn(ctx, turnWrite(id, from-1)); from > 1 && !errors.Is(err, training.ErrConflict) {
			t.Errorf("saving copied turn %d again: %v, want training.ErrConflict", from-1, err)
		}
		must(t, s.SaveTurn(ctx, turnWrite(id, from)))
	}
	if after := snapshot(t, s, "src"); !after.equal(source) {
		t.Errorf("the source changed: %+v, was %+v", after.attempt, source.attempt)
	}
}

func TestPracticeIsNeverTheActiveAttempt(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedFinished(t, s, clk, "src", testUser, 2)
	practice := func(id string) training.Attempt {
		return training.Attempt{ID: id, UserID: testUser, PracticeOf: "src", PracticeFrom: 1, State: state(0)}
	}
	must(t, s.CreatePractice(ctx, practice("p1"), training.MaxActivePracticeRuns))
	if a, err := s.ActiveAttempt(ctx, testUser, testScenario); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("ActiveAttempt with only a practice run active: %+v, %v; want training.ErrNotFound", a.ID, err)
	}
	// A scored attempt and more practice runs, all active at once.
	must(t, s.CreateAttempt(ctx, training.Attempt{ID: "a2", UserID: testUser, ScenarioID: testScenario, Version: testVersion,
		State: state(0)}))
	must(t, s.CreatePractice(ctx, practice("p2"), training.MaxActivePracticeRuns))
	if a, err := s.ActiveAttempt(ctx, testUser, testScenario); err != nil || a.ID != "a2" || a.IsPractice() {
		t.Errorf("ActiveAttempt = %q, %v; want the scored attempt a2", a.ID, err)
	}
	if err := s.CreateAttempt(ctx, training.Attempt{ID: "a3", UserID: testUser, ScenarioID: testScenario, Version: testVersion,
		State: state(0)}); !errors.Is(err, training.ErrConflict) {
		t.Errorf("a second active scored attempt: %v, want training.ErrConflict", err)
	}
}

func TestCreatePracticeRefusals(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedFinished(t, s, clk, "src", testUser, 2)
	seedAttempt(t, s, "active", "u2")
	must(t, s.CreatePractice(ctx, training.Attempt{ID: "taken", UserID: testUser, PracticeOf: "src", PracticeFrom: 1, State: state(0)}, training.MaxActivePracticeRuns))
	before, err := s.AttemptsByUser(ctx, testUser, 0)
	must(t, err)

	tests := []struct {
		name    string
		a       training.Attempt
		wantErr error // nil: any validation error
	}{
		{"unknown source", training.Attempt{ID: "p", UserID: testUser, PracticeOf: "nope", PracticeFrom: 1}, training.ErrNotFound},
		{"another user's attempt", training.Attempt{ID: "p", UserID: "u2", PracticeOf: "src", PracticeFrom: 1}, training.ErrConflict},
		{"active source", training.Attempt{ID: "p", UserID: "u2", PracticeOf: "active", PracticeFrom: 1}, training.ErrConflict},
		{"turn after the last", training.Attempt{ID: "p", UserID: testUser, PracticeOf: "src", PracticeFrom: 3}, training.ErrConflict},
		{"id taken", training.Attempt{ID: "taken", UserID: testUser, PracticeOf: "src", PracticeFrom: 1}, training.ErrConflict},
		{"turn 0", training.Attempt{ID: "p", UserID: testUser, PracticeOf: "src"}, nil},
		{"no source", training.Attempt{ID: "p", UserID: testUser, PracticeFrom: 1}, nil},
		{"no state", training.Attempt{ID: "p", UserID: testUser, PracticeOf: "src", PracticeFrom: 1, State: []byte{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.a.State == nil {
				tt.a.State = state(0)
			}
			err := s.CreatePractice(ctx, tt.a, training.MaxActivePracticeRuns)
			if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) ||
				tt.wantErr == nil && (errors.Is(err, training.ErrConflict) || errors.Is(err, training.ErrNotFound)) {
				t.Fatalf("CreatePractice: got %v, want %v", err, tt.wantErr)
			}
		})
	}
	after, err := s.AttemptsByUser(ctx, testUser, 0)
	must(t, err)
	if len(after) != len(before) {
		t.Errorf("refused practice runs left attempts behind: %v, was %v", ids(after), ids(before))
	}
	if err := s.CreateAttempt(ctx, training.Attempt{ID: "x", UserID: testUser, ScenarioID: testScenario, Version: testVersion,
		State: state(0), PracticeOf: "src", PracticeFrom: 1}); err == nil {
		t.Error("CreateAttempt with a practice source succeeded, want it to point at CreatePractice")
	}
}

// TestActivePracticeRuns counts only the user's practice runs that are
// still active: not their scored attempts, not ended runs, not another
// user's.
func TestActivePracticeRuns(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedFinished(t, s, clk, "src", testUser, 2)
	seedFinished(t, s, clk, "other-src", "other", 2)
	practice := func(id, user, of string) training.Attempt {
		return training.Attempt{ID: id, UserID: user, PracticeOf: of, PracticeFrom: 1, State: state(0)}
	}
	count := func(user string) int {
		t.Helper()
		n, err := s.ActivePracticeRuns(ctx, user)
		must(t, err)
		return n
	}
	steps := []struct {
		name        string
		do          func()
		mine, other int
	}{
		{"none yet", func() {}, 0, 0},
		{"two of mine", func() {
			must(t, s.CreatePractice(ctx, practice("p1", testUser, "src"), training.MaxActivePracticeRuns))
			must(t, s.CreatePractice(ctx, practice("p2", testUser, "src"), training.MaxActivePracticeRuns))
		}, 2, 0},
		{"a scored attempt", func() {
			must(t, s.CreateAttempt(ctx, training.Attempt{ID: "a2", UserID: testUser, ScenarioID: testScenario, Version: testVersion,
				State: state(0)}))
		}, 2, 0},
		{"one of another user's", func() {
			must(t, s.CreatePractice(ctx, practice("q1", "other", "other-src"), training.MaxActivePracticeRuns))
		}, 2, 1},
		{"one of mine given up", func() {
			must(t, s.EndAttempt(ctx, "p1", 0, training.StatusGivenUp, []byte(`{}`)))
		}, 1, 1},
	}
	for _, st := range steps {
		st.do()
		if got := count(testUser); got != st.mine {
			t.Errorf("after %s: %d active practice runs, want %d", st.name, got, st.mine)
		}
		if got := count("other"); got != st.other {
			t.Errorf("after %s: the other user has %d active practice runs, want %d", st.name, got, st.other)
		}
	}
	if got := count("nobody"); got != 0 {
		t.Errorf("an unknown user has %d active practice runs", got)
	}
}
