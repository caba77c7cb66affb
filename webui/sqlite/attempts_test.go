package sqlite

import (
	"bytes"
	"context"
	"errors"
	"parley/webui/training"
	"testing"
	"time"
)

func TestAttemptAndTurnsRoundTrip(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", testUser)

	for n := 1; n <= 3; n++ {
		clk.Advance(time.Minute)
		w := turnWrite("a1", n)
		if n == 3 {
			w.End = &training.Ending{Status: training.StatusFinished, Ending: "calm", Outcome: "won", Summary: []byte(`{"empathy":3}`)}
		}
		must(t, s.SaveTurn(ctx, w))
	}

	a, err := s.Attempt(ctx, "a1")
	must(t, err)
	want := training.Attempt{
		ID: "a1", UserID: testUser, ScenarioID: testScenario, Version: testVersion, Seed: 42,
		Status: training.StatusFinished, State: state(3), LastSeq: 3, Turns: 3, Ending: "calm", Outcome: "won",
		Summary: []byte(`{"empathy":3}`), StartedAt: t0, UpdatedAt: t0.Add(3 * time.Minute), EndedAt: t0.Add(3 * time.Minute),
	}
	checkAttempt(t, a, want)

	turns, err := s.Turns(ctx, "a1")
	must(t, err)
	if len(turns) != 3 {
		t.Fatalf("got %d turns, want 3", len(turns))
	}
	for i, got := range turns {
		w := turnWrite("a1", i+1).Turn
		w.CreatedAt = t0.Add(time.Duration(i+1) * time.Minute)
		if got.Number != w.Number || got.Seq != w.Seq || got.ReplyID != w.ReplyID ||
			!bytes.Equal(got.Event, w.Event) || !got.CreatedAt.Equal(w.CreatedAt) {
			t.Errorf("turn %d = %+v, want %+v", i+1, got, w)
		}
	}
}

func checkAttempt(t *testing.T, got, want training.Attempt) {
	t.Helper()
	same := got.ID == want.ID && got.UserID == want.UserID && got.ScenarioID == want.ScenarioID &&
		got.Version == want.Version && got.Seed == want.Seed && got.Status == want.Status &&
		bytes.Equal(got.State, want.State) && got.LastSeq == want.LastSeq && got.Turns == want.Turns &&
		got.Ending == want.Ending && got.Outcome == want.Outcome && bytes.Equal(got.Summary, want.Summary) &&
		got.StartedAt.Equal(want.StartedAt) && got.UpdatedAt.Equal(want.UpdatedAt) && got.EndedAt.Equal(want.EndedAt)
	if !same {
		t.Errorf("attempt\n got %+v\nwant %+v", got, want)
	}
}

func TestActiveAttemptAndHistory(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", testUser)

	active, err := s.ActiveAttempt(ctx, testUser, testScenario)
	must(t, err)
	if active.ID != "a1" || active.Status != training.StatusActive || !active.EndedAt.IsZero() {
		t.Errorf("active attempt = %+v, want a1, active, not ended", active)
	}

	clk.Advance(time.Minute)
	must(t, s.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, []byte(`{}`)))
	if _, err := s.ActiveAttempt(ctx, testUser, testScenario); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("ActiveAttempt after giving up: got %v, want training.ErrNotFound", err)
	}

	clk.Advance(time.Minute)
	a2 := training.Attempt{ID: "a2", UserID: testUser, ScenarioID: testScenario, Version: testVersion, State: state(0)}
	must(t, s.CreateAttempt(ctx, a2))

	history, err := s.AttemptsByUser(ctx, testUser, 0)
	must(t, err)
	if len(history) != 2 || history[0].ID != "a2" || history[1].ID != "a1" {
		t.Fatalf("history = %v, want a2 then a1", ids(history))
	}
	if history[1].Status != training.StatusGivenUp || !history[1].EndedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("a1 = %+v, want given up at t0+1m", history[1])
	}
	limited, err := s.AttemptsByUser(ctx, testUser, 1)
	must(t, err)
	if len(limited) != 1 || limited[0].ID != "a2" {
		t.Errorf("history limit 1 = %v, want [a2]", ids(limited))
	}
	none, err := s.AttemptsByUser(ctx, "nobody", 10)
	if err != nil || len(none) != 0 {
		t.Errorf("history of unknown user = %v, %v; want none, nil", ids(none), err)
	}
}

func ids(as []training.Attempt) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestCreateAttemptErrors(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", testUser)
	must(t, s.CreateAccount(ctx, training.Account{ID: "u2", DisplayName: "Second"}))

	valid := func(id, user, version string) training.Attempt {
		return training.Attempt{ID: id, UserID: user, ScenarioID: testScenario, Version: version, State: state(0)}
	}
	tests := []struct {
		name    string
		a       training.Attempt
		wantErr error
	}{
		{"second active attempt on the scenario", valid("a2", testUser, testVersion), training.ErrConflict},
		{"id taken", valid("a1", "u2", testVersion), training.ErrConflict},
		{"unknown user", valid("a3", "ghost", testVersion), training.ErrNotFound},
		{"unknown version", valid("a4", "u2", "sha256:none"), training.ErrNotFound},
		{"version of another scenario", training.Attempt{ID: "a5", UserID: "u2", ScenarioID: "other", Version: testVersion,
			State: state(0)}, training.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateAttempt(ctx, tt.a)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CreateAttempt: got %v, want %v", err, tt.wantErr)
			}
		})
	}
	for _, bad := range []training.Attempt{{}, {ID: "x", UserID: "u2", ScenarioID: "s", Version: "v"},
		{ID: "x", UserID: "u2", ScenarioID: "s", Version: "v", State: state(0), Status: training.StatusFinished}} {
		if err := s.CreateAttempt(ctx, bad); err == nil {
			t.Errorf("CreateAttempt(%+v) succeeded, want a validation error", bad)
		}
	}
}

func TestEndAttempt(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "a1", testUser)

	must(t, s.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, nil))
	if err := s.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, nil); !errors.Is(err, training.ErrConflict) {
		t.Errorf("ending twice: got %v, want training.ErrConflict", err)
	}
	if err := s.EndAttempt(ctx, "nope", 0, training.StatusGivenUp, nil); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("ending an unknown attempt: got %v, want training.ErrNotFound", err)
	}
	if err := s.EndAttempt(ctx, "a1", 0, training.StatusActive, nil); err == nil || errors.Is(err, training.ErrConflict) {
		t.Errorf("ending with status active: got %v, want a validation error", err)
	}
}

func TestAbandonIdle(t *testing.T) {
	s, clk, _ := openTest(t)
	ctx := context.Background()
	seedAttempt(t, s, "idle", "u1")
	seedAttempt(t, s, "done", "u2")
	must(t, s.EndAttempt(ctx, "done", 0, training.StatusGivenUp, nil))
	seedFinished(t, s, clk, "src", "u4", 1)
	practice := func(id string) {
		must(t, s.CreatePractice(ctx, training.Attempt{ID: id, UserID: "u4", PracticeOf: "src", PracticeFrom: 1, State: state(0)}, training.MaxActivePracticeRuns))
	}
	practice("idle-practice")
	clk.Advance(2 * time.Hour)
	seedAttempt(t, s, "busy", "u3")
	practice("busy-practice")
	clk.Advance(time.Hour) // idle since t0 or t0+1m, busy since t0+2h1m

	n, err := s.AbandonIdle(ctx, clk.Now().Add(-90*time.Minute))
	must(t, err)
	if n != 2 {
		t.Errorf("AbandonIdle marked %d attempts, want 2", n)
	}
	wantStatus := map[string]training.Status{"idle": training.StatusAbandoned, "done": training.StatusGivenUp, "busy": training.StatusActive,
		"src": training.StatusFinished, "idle-practice": training.StatusAbandoned, "busy-practice": training.StatusActive}
	for id, want := range wantStatus {
		a, err := s.Attempt(ctx, id)
		must(t, err)
		if a.Status != want {
			t.Errorf("attempt %s is %s, want %s", id, a.Status, want)
		}
	}
	idle, _ := s.Attempt(ctx, "idle")
	if !idle.EndedAt.Equal(clk.Now()) {
		t.Errorf("abandoned at %v, want %v", idle.EndedAt, clk.Now())
	}
	if err := s.SaveTurn(ctx, turnWrite("idle", 1)); !errors.Is(err, training.ErrConflict) {
		t.Errorf("SaveTurn on an abandoned attempt: got %v, want training.ErrConflict", err)
	}
}

func TestScenarioVersions(t *testing.T) {
	s, _, _ := openTest(t)
	ctx := context.Background()
	src := []byte("title = 'x'")
	must(t, s.SaveScenarioVersion(ctx, "s1", "v1", src))
	must(t, s.SaveScenarioVersion(ctx, "s1", "v1", src)) // again: nothing to do

	got, err := s.ScenarioSource(ctx, "v1")
	must(t, err)
	if !bytes.Equal(got, src) {
		t.Errorf("source = %q, want %q", got, src)
	}
	if err := s.SaveScenarioVersion(ctx, "s2", "v1", src); !errors.Is(err, training.ErrConflict) {
		t.Errorf("same version for another scenario: got %v, want training.ErrConflict", err)
	}
	if _, err := s.ScenarioSource(ctx, "v2"); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("unknown version: got %v, want training.ErrNotFound", err)
	}
}

func TestCreateAccountNeedsAnID(t *testing.T) {
	s, _, _ := openTest(t)
	if err := s.CreateAccount(context.Background(), training.Account{DisplayName: "x"}); err == nil {
		t.Error("CreateAccount with an empty id succeeded, want an error")
	}
}
