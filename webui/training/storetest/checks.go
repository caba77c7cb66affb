package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"parley/webui/training"
	"slices"
	"testing"
	"time"
)

// checks is the suite, one subtest each.
var checks = []check{
	{"ScenarioSourceExactBytes", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		src := []byte("title = 'Angry client'\n\x00\xff trailing  \n")
		must(t, s.SaveScenarioVersion(ctx, scenario, version, src))
		got, err := s.ScenarioSource(ctx, version)
		if err != nil || !bytes.Equal(got, src) {
			t.Errorf("ScenarioSource = %q, %v; want %q", got, err, src)
		}
	}},
	{"ScenarioSaveIsIdempotent", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.SaveScenarioVersion(ctx, scenario, version, []byte(source)))
		must(t, s.SaveScenarioVersion(ctx, scenario, version, []byte(source)))
		got, err := s.ScenarioSource(ctx, version)
		if err != nil || string(got) != source {
			t.Errorf("ScenarioSource after saving twice = %q, %v; want %q", got, err, source)
		}
	}},
	{"ScenarioVersionOfAnotherScenarioIsConflict", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.SaveScenarioVersion(ctx, scenario, version, []byte(source)))
		err := s.SaveScenarioVersion(ctx, "other-scenario", version, []byte(source))
		wantErr(t, "saving a version under another scenario", err, training.ErrConflict)
	}},
	{"ScenarioUnknownIsNotFound", func(t *testing.T, s training.Store) {
		must(t, s.SaveScenarioVersion(t.Context(), scenario, version, []byte(source)))
		_, err := s.ScenarioSource(t.Context(), "sha256:none")
		wantErr(t, "ScenarioSource(unknown)", err, training.ErrNotFound)
	}},

	{"AttemptCreateThenRead", func(t *testing.T, s training.Store) {
		a := create(t, s, "a1")
		got := get(t, s, "a1")
		a.Status = training.StatusActive
		same(t, "Attempt after CreateAttempt", got, a)
		if got.StartedAt.IsZero() || got.UpdatedAt.Before(got.StartedAt) || !got.EndedAt.IsZero() {
			t.Errorf("times: started %v, updated %v, ended %v; want started set, updated not before it, not ended",
				got.StartedAt, got.UpdatedAt, got.EndedAt)
		}
		if got.IsPractice() {
			t.Errorf("a scored attempt reads back as practice: %+v", got)
		}
	}},
	{"AttemptKeepsTheGivenStart", func(t *testing.T, s training.Store) {
		seed(t, s)
		a := attempt("a1", user)
		a.StartedAt = time.UnixMilli(1_700_000_000_123)
		must(t, s.CreateAttempt(t.Context(), a))
		got := get(t, s, "a1")
		if !got.StartedAt.Equal(a.StartedAt) || !got.UpdatedAt.Equal(a.StartedAt) {
			t.Errorf("started %v, updated %v; want both %v as given", got.StartedAt, got.UpdatedAt, a.StartedAt)
		}
	}},
	{"AttemptUnknownIsNotFound", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		_, err := s.Attempt(t.Context(), "nope")
		wantErr(t, "Attempt(unknown)", err, training.ErrNotFound)
	}},
	{"AttemptNeedsUserAndVersion", func(t *testing.T, s training.Store) {
		seed(t, s)
		a := attempt("a1", "nobody")
		wantErr(t, "CreateAttempt for an unknown user", s.CreateAttempt(t.Context(), a), training.ErrNotFound)
		a = attempt("a2", user)
		a.Version = "sha256:none"
		wantErr(t, "CreateAttempt on an unknown version", s.CreateAttempt(t.Context(), a), training.ErrNotFound)
	}},
	{"AttemptIDTakenIsConflict", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		a := attempt("a1", other)
		wantErr(t, "CreateAttempt with a taken id", s.CreateAttempt(t.Context(), a), training.ErrConflict)
		if got := get(t, s, "a1"); got.UserID != user {
			t.Errorf("attempt a1 now belongs to %q, want %q", got.UserID, user)
		}
	}},
	{"AttemptOneActivePerUserAndScenario", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		err := s.CreateAttempt(ctx, attempt("a2", user))
		wantErr(t, "a second active attempt", err, training.ErrConflict)
		if _, err := s.Attempt(ctx, "a2"); !errors.Is(err, training.ErrNotFound) {
			t.Errorf("the refused attempt was stored: Attempt(a2) = %v", err)
		}
		active, err := s.ActiveAttempt(ctx, user, scenario)
		if err != nil || active.ID != "a1" {
			t.Errorf("ActiveAttempt = %q, %v; want a1", active.ID, err)
		}
		must(t, s.CreateAttempt(ctx, attempt("b1", other))) // another user may
		if _, err := s.ActiveAttempt(ctx, user, "other-scenario"); !errors.Is(err, training.ErrNotFound) {
			t.Errorf("ActiveAttempt on another scenario: %v, want ErrNotFound", err)
		}
	}},
	{"AttemptNewAfterEnd", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		must(t, s.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, []byte(`{}`)))
		_, err := s.ActiveAttempt(ctx, user, scenario)
		wantErr(t, "ActiveAttempt after the attempt ended", err, training.ErrNotFound)
		must(t, s.CreateAttempt(ctx, attempt("a2", user)))
		if active, err := s.ActiveAttempt(ctx, user, scenario); err != nil || active.ID != "a2" {
			t.Errorf("ActiveAttempt = %q, %v; want a2", active.ID, err)
		}
	}},
	{"AttemptsByUserNewestFirst", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		time.Sleep(tick)
		must(t, s.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, nil))
		time.Sleep(tick)
		must(t, s.CreateAttempt(ctx, attempt("a2", user)))
		must(t, s.CreateAttempt(ctx, attempt("b1", other)))
		time.Sleep(tick)
		must(t, s.SaveTurn(ctx, turn("a2", 1)))
		time.Sleep(tick)
		must(t, s.EndAttempt(ctx, "a2", 1, training.StatusGivenUp, nil))
		time.Sleep(tick)
		must(t, s.CreateAttempt(ctx, attempt("a3", user)))
		for _, c := range []struct {
			limit int
			want  []string
		}{{0, []string{"a3", "a2", "a1"}}, {-1, []string{"a3", "a2", "a1"}}, {2, []string{"a3", "a2"}}, {5, []string{"a3", "a2", "a1"}}} {
			as, err := s.AttemptsByUser(ctx, user, c.limit)
			if got := ids(as); err != nil || !slices.Equal(got, c.want) {
				t.Errorf("AttemptsByUser(limit %d) = %v, %v; want %v", c.limit, got, err, c.want)
			}
		}
		if as, err := s.AttemptsByUser(ctx, "nobody", 0); err != nil || len(as) != 0 {
			t.Errorf("AttemptsByUser(unknown) = %v, %v; want none", ids(as), err)
		}
	}},
	{"AttemptsPageWalksNewestFirst", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		// Five attempts of user on five scenarios (one active attempt per
		// scenario), two of them updated in the same millisecond and three
		// in the next: ties go by id.
		t0 := time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
		for i, id := range []string{"p2", "p1", "p5", "p3", "p4"} {
			sc, ver := fmt.Sprintf("s%d", i), fmt.Sprintf("sha256:%04d", i)
			must(t, s.SaveScenarioVersion(ctx, sc, ver, []byte(source)))
			a := attempt(id, user)
			a.ScenarioID, a.Version = sc, ver
			a.StartedAt = t0.Add(time.Duration(i/2) * time.Millisecond)
			must(t, s.CreateAttempt(ctx, a))
		}
		b := attempt("p0", other) // another user's, in between
		b.StartedAt = t0.Add(time.Millisecond)
		must(t, s.CreateAttempt(ctx, b))
		all, err := s.AttemptsByUser(ctx, user, 0)
		if want := []string{"p4", "p3", "p5", "p1", "p2"}; err != nil || !slices.Equal(ids(all), want) {
			t.Fatalf("AttemptsByUser = %v, %v; want %v", ids(all), err, want)
		}
		for _, c := range []struct {
			name  string
			after training.AttemptCursor
			limit int
			want  []string
		}{
			{"first page", training.AttemptCursor{}, 2, []string{"p4", "p3"}},
			{"after a tie's first", training.CursorOf(all[1]), 2, []string{"p5", "p1"}},
			{"across the millisecond", training.CursorOf(all[2]), 2, []string{"p1", "p2"}},
			{"last page", training.CursorOf(all[3]), 2, []string{"p2"}},
			{"past the end", training.CursorOf(all[4]), 2, nil},
			{"all in one", training.AttemptCursor{}, 10, []string{"p4", "p3", "p5", "p1", "p2"}},
			{"one", training.AttemptCursor{}, 1, []string{"p4"}},
		} {
			as, err := s.AttemptsPage(ctx, user, c.after, c.limit)
			if got := ids(as); err != nil || !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
				t.Errorf("%s: AttemptsPage(after %v, limit %d) = %v, %v; want %v", c.name, c.after, c.limit, got, err, c.want)
			}
		}
		// Walking page by page lists every attempt once, in order.
		var walked []string
		var after training.AttemptCursor
		for range 10 {
			as, err := s.AttemptsPage(ctx, user, after, 2)
			must(t, err)
			if len(as) == 0 {
				break
			}
			walked = append(walked, ids(as)...)
			after = training.CursorOf(as[len(as)-1])
		}
		if !slices.Equal(walked, ids(all)) {
			t.Errorf("page by page = %v; want %v", walked, ids(all))
		}
		if as, err := s.AttemptsPage(ctx, "nobody", training.AttemptCursor{}, 5); err != nil || len(as) != 0 {
			t.Errorf("AttemptsPage(unknown) = %v, %v; want none", ids(as), err)
		}
		if _, err := s.AttemptsPage(ctx, user, training.AttemptCursor{}, 0); err == nil {
			t.Errorf("AttemptsPage(limit 0) = nil error; want an error (a page is bounded)")
		}
	}},
	{"AttemptsByUserUpdatedOrder", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.SaveScenarioVersion(ctx, "s2", "sha256:bbbb", []byte(source)))
		must(t, s.CreateAttempt(ctx, attempt("a1", user)))
		time.Sleep(tick)
		a2 := attempt("a2", user)
		a2.ScenarioID, a2.Version = "s2", "sha256:bbbb"
		must(t, s.CreateAttempt(ctx, a2))
		time.Sleep(tick)
		must(t, s.SaveTurn(ctx, turn("a1", 1))) // a1 is now the most recently updated
		as, err := s.AttemptsByUser(ctx, user, 0)
		if got := ids(as); err != nil || !slices.Equal(got, []string{"a1", "a2"}) {
			t.Errorf("AttemptsByUser = %v, %v; want [a1 a2] (most recently updated first)", got, err)
		}
	}},

	{"TurnSaveCommitsTurnAndState", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		a := create(t, s, "a1")
		before := get(t, s, "a1")
		time.Sleep(tick)
		play(t, s, "a1", 2, nil)
		got := get(t, s, "a1")
		a.Status, a.State, a.LastSeq, a.Turns = training.StatusActive, state(2), turn("a1", 2).LastSeq, 2
		same(t, "Attempt after two turns", got, a)
		if !got.UpdatedAt.After(before.UpdatedAt) || !got.StartedAt.Equal(before.StartedAt) || !got.EndedAt.IsZero() {
			t.Errorf("times after a turn: %+v; want UpdatedAt later than %v, StartedAt unchanged, not ended", got, before.UpdatedAt)
		}
		ts := turnsOf(t, s, "a1", 2)
		for i, tr := range ts {
			w := turn("a1", i+1).Turn
			if tr.Seq != w.Seq || tr.ReplyID != w.ReplyID || !bytes.Equal(tr.Event, w.Event) || tr.CreatedAt.IsZero() {
				t.Errorf("turn %d = %+v, want %+v with CreatedAt set", i+1, tr, w)
			}
		}
		if ts[1].CreatedAt.Before(ts[0].CreatedAt) {
			t.Errorf("turn 2 created at %v, before turn 1 at %v", ts[1].CreatedAt, ts[0].CreatedAt)
		}
		if _, err := s.ActiveAttempt(ctx, user, scenario); err != nil {
			t.Errorf("ActiveAttempt after turns: %v", err)
		}
	}},
	{"TurnsOfNewAttemptEmpty", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		turnsOf(t, s, "a1", 0)
		_, err := s.Turns(t.Context(), "nope")
		wantErr(t, "Turns(unknown)", err, training.ErrNotFound)
	}},
	{"TurnWrongNumberIsConflict", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		play(t, s, "a1", 2, nil)
		want := get(t, s, "a1")
		for _, n := range []int{1, 2, 4} { // again, again, a gap
			w := turn("a1", n)
			w.State, w.LastSeq = state(99), 99
			wantErr(t, "SaveTurn with number "+itoa(n), s.SaveTurn(t.Context(), w), training.ErrConflict)
		}
		unchanged(t, s, want)
	}},
	{"TurnOnEndedAttemptIsConflict", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		play(t, s, "a1", 1, nil)
		must(t, s.EndAttempt(t.Context(), "a1", 1, training.StatusGivenUp, []byte(`{}`)))
		want := get(t, s, "a1")
		wantErr(t, "SaveTurn on an ended attempt", s.SaveTurn(t.Context(), turn("a1", 2)), training.ErrConflict)
		unchanged(t, s, want)
	}},
	{"TurnOnUnknownAttemptIsNotFound", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		wantErr(t, "SaveTurn on an unknown attempt", s.SaveTurn(t.Context(), turn("nope", 1)), training.ErrNotFound)
	}},
	{"TurnWithEndEndsAttempt", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		a := create(t, s, "a1")
		play(t, s, "a1", 3, finished)
		got := get(t, s, "a1")
		a.Status, a.State, a.LastSeq, a.Turns = finished.Status, state(3), turn("a1", 3).LastSeq, 3
		a.Ending, a.Outcome, a.Summary = finished.Ending, finished.Outcome, finished.Summary
		same(t, "Attempt after an ending turn", got, a)
		if got.EndedAt.IsZero() || got.EndedAt.Before(got.StartedAt) {
			t.Errorf("EndedAt = %v, want set, not before StartedAt %v", got.EndedAt, got.StartedAt)
		}
		turnsOf(t, s, "a1", 3)
		_, err := s.ActiveAttempt(ctx, user, scenario)
		wantErr(t, "ActiveAttempt after the ending turn", err, training.ErrNotFound)
	}},

	{"EndAttemptFinalStatuses", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		for i, st := range []training.Status{training.StatusFinished, training.StatusGivenUp, training.StatusAbandoned} {
			id := "a" + itoa(i)
			must(t, s.CreateAttempt(ctx, attempt(id, user))) // ended below, so one is active at a time
			must(t, s.EndAttempt(ctx, id, 0, st, []byte(`{"n":1}`)))
			got := get(t, s, id)
			if got.Status != st || !bytes.Equal(got.Summary, []byte(`{"n":1}`)) || got.EndedAt.IsZero() {
				t.Errorf("after EndAttempt(%s): status %q, summary %q, ended %v; want %q, {\"n\":1}, set",
					id, got.Status, got.Summary, got.EndedAt, st)
			}
		}
	}},
	{"EndAttemptActiveIsNotFinal", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		want := get(t, s, "a1")
		for _, st := range []training.Status{training.StatusActive, "", "paused"} {
			if err := s.EndAttempt(t.Context(), "a1", 0, st, nil); err == nil {
				t.Errorf("EndAttempt with status %q succeeded; want an error", st)
			}
		}
		unchanged(t, s, want)
	}},
	{"EndAttemptEndedIsConflict", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		must(t, s.EndAttempt(t.Context(), "a1", 0, training.StatusGivenUp, []byte(`{"a":1}`)))
		want := get(t, s, "a1")
		err := s.EndAttempt(t.Context(), "a1", 0, training.StatusFinished, []byte(`{"b":2}`))
		wantErr(t, "ending an ended attempt", err, training.ErrConflict)
		unchanged(t, s, want)
	}},
	{"EndAttemptAtAnotherTurnIsConflict", func(t *testing.T, s training.Store) {
		// The scores of a give-up are computed on the turns an instance saw:
		// if another instance saved one since, the ending is refused.
		create(t, s, "a1")
		play(t, s, "a1", 2, nil)
		want := get(t, s, "a1")
		for _, turns := range []int{0, 1, 3} {
			err := s.EndAttempt(t.Context(), "a1", turns, training.StatusGivenUp, []byte(`{"early":1}`))
			wantErr(t, fmt.Sprintf("ending at %d turns an attempt that has 2", turns), err, training.ErrConflict)
		}
		unchanged(t, s, want)
		must(t, s.EndAttempt(t.Context(), "a1", 2, training.StatusGivenUp, []byte(`{"right":1}`)))
		if got := get(t, s, "a1"); got.Status != training.StatusGivenUp || string(got.Summary) != `{"right":1}` {
			t.Errorf("after ending at 2 turns: status %q, summary %q; want given_up, {\"right\":1}", got.Status, got.Summary)
		}
	}},
	{"EndAttemptUnknownIsNotFound", func(t *testing.T, s training.Store) {
		create(t, s, "a1")
		err := s.EndAttempt(t.Context(), "nope", 0, training.StatusGivenUp, nil)
		wantErr(t, "EndAttempt(unknown)", err, training.ErrNotFound)
	}},

	{"AbandonIdle", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		// src: ended, with turns, to practise from; p1: an idle practice run;
		// a1: an idle scored attempt; b1: another user's, updated after the cut-off.
		create(t, s, "src")
		play(t, s, "src", 2, finished)
		must(t, s.CreatePractice(ctx, practice("p1", "src", 2), training.MaxActivePracticeRuns))
		must(t, s.CreateAttempt(ctx, attempt("a1", user)))
		time.Sleep(tick)
		must(t, s.CreateAttempt(ctx, attempt("b1", other)))
		cut := get(t, s, "b1").UpdatedAt
		for _, id := range []string{"src", "p1", "a1"} {
			if a := get(t, s, id); !a.UpdatedAt.Before(cut) {
				t.Fatalf("%s updated at %v, not before %v: the store's clock did not move in %v", id, a.UpdatedAt, cut, tick)
			}
		}
		srcBefore := get(t, s, "src")
		n, err := s.AbandonIdle(ctx, cut)
		if err != nil || n != 2 {
			t.Errorf("AbandonIdle = %d, %v; want 2 (a1 and p1)", n, err)
		}
		for _, id := range []string{"a1", "p1"} {
			if a := get(t, s, id); a.Status != training.StatusAbandoned || a.EndedAt.IsZero() {
				t.Errorf("%s after AbandonIdle: status %q, ended %v; want abandoned, ended", id, a.Status, a.EndedAt)
			}
		}
		if b := get(t, s, "b1"); b.Status != training.StatusActive {
			t.Errorf("b1, updated at the cut-off, is %q; want active", b.Status)
		}
		unchanged(t, s, srcBefore)
		if n, err := s.AbandonIdle(ctx, cut); err != nil || n != 0 {
			t.Errorf("AbandonIdle again = %d, %v; want 0", n, err)
		}
		if n, err := s.ActivePracticeRuns(ctx, user); err != nil || n != 0 {
			t.Errorf("ActivePracticeRuns after AbandonIdle = %d, %v; want 0", n, err)
		}
	}},

	{"PracticeCopiesTurns", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "src")
		play(t, s, "src", 3, finished)
		must(t, s.CreatePractice(ctx, practice("p1", "src", 3), training.MaxActivePracticeRuns))
		got := get(t, s, "p1")
		want := training.Attempt{ID: "p1", UserID: user, ScenarioID: scenario, Version: version, Seed: 42,
			Status: training.StatusActive, State: state(2), LastSeq: turn("src", 2).LastSeq, Turns: 2,
			PracticeOf: "src", PracticeFrom: 3}
		same(t, "practice run", got, want)
		if !got.IsPractice() || got.StartedAt.IsZero() || !got.EndedAt.IsZero() {
			t.Errorf("practice run %+v: want IsPractice, started, not ended", got)
		}
		src, copied := turnsOf(t, s, "src", 3), turnsOf(t, s, "p1", 2)
		for i, tr := range copied {
			o := src[i]
			if tr.Seq != o.Seq || tr.ReplyID != o.ReplyID || !bytes.Equal(tr.Event, o.Event) || !tr.CreatedAt.Equal(o.CreatedAt) {
				t.Errorf("copied turn %d = %+v, want %+v", i+1, tr, o)
			}
		}
		must(t, s.SaveTurn(ctx, turn("p1", 3))) // numbering continues after the copies
		turnsOf(t, s, "p1", 3)
		turnsOf(t, s, "src", 3)
	}},
	{"PracticeFromFirstTurnCopiesNone", func(t *testing.T, s training.Store) {
		create(t, s, "src")
		play(t, s, "src", 1, finished)
		must(t, s.CreatePractice(t.Context(), practice("p1", "src", 1), training.MaxActivePracticeRuns))
		if got := get(t, s, "p1"); got.Turns != 0 || got.LastSeq != 0 {
			t.Errorf("practice run from turn 1: Turns %d, LastSeq %d; want 0, 0", got.Turns, got.LastSeq)
		}
		turnsOf(t, s, "p1", 0)
	}},
	{"PracticeBesideActiveAttempt", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "src")
		play(t, s, "src", 2, finished)
		must(t, s.CreateAttempt(ctx, attempt("a1", user)))
		must(t, s.CreatePractice(ctx, practice("p1", "src", 2), training.MaxActivePracticeRuns))
		must(t, s.CreatePractice(ctx, practice("p2", "src", 1), training.MaxActivePracticeRuns))
		active, err := s.ActiveAttempt(ctx, user, scenario)
		if err != nil || active.ID != "a1" {
			t.Errorf("ActiveAttempt = %q, %v; want a1, never a practice run", active.ID, err)
		}
		if n, err := s.ActivePracticeRuns(ctx, user); err != nil || n != 2 {
			t.Errorf("ActivePracticeRuns(user) = %d, %v; want 2", n, err)
		}
		if n, err := s.ActivePracticeRuns(ctx, other); err != nil || n != 0 {
			t.Errorf("ActivePracticeRuns(other) = %d, %v; want 0", n, err)
		}
		must(t, s.EndAttempt(ctx, "p1", get(t, s, "p1").Turns, training.StatusGivenUp, nil))
		if n, err := s.ActivePracticeRuns(ctx, user); err != nil || n != 1 {
			t.Errorf("ActivePracticeRuns after ending one = %d, %v; want 1", n, err)
		}
	}},
	{"PracticeNeverActiveAttempt", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "src")
		play(t, s, "src", 1, finished)
		must(t, s.CreatePractice(ctx, practice("p1", "src", 1), training.MaxActivePracticeRuns))
		_, err := s.ActiveAttempt(ctx, user, scenario)
		wantErr(t, "ActiveAttempt with only a practice run active", err, training.ErrNotFound)
		must(t, s.CreateAttempt(ctx, attempt("a1", user))) // no collision with the practice run
	}},
	{"PracticeCapHoldsUnderConcurrency", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "src")
		play(t, s, "src", 2, finished)
		const limit = training.MaxActivePracticeRuns
		made := practiseAtOnce(t, []training.Store{s}, "src", 3*limit, limit)
		if len(made) != limit {
			t.Errorf("%d concurrent CreatePractice calls made %d practice runs, want the cap, %d", 3*limit, len(made), limit)
		}
		if n, err := s.ActivePracticeRuns(ctx, user); err != nil || n != limit {
			t.Errorf("ActivePracticeRuns = %d, %v; want %d", n, err, limit)
		}
		wantErr(t, "CreatePractice at the cap", s.CreatePractice(ctx, practice("over", "src", 1), limit), training.ErrTooManyPractice)
		if _, err := s.Attempt(ctx, "over"); !errors.Is(err, training.ErrNotFound) {
			t.Errorf("CreatePractice at the cap stored it: Attempt = %v", err)
		}
		// The cap is each user's; ending a run frees its place.
		must(t, s.CreateAttempt(ctx, attempt("theirs", other)))
		play(t, s, "theirs", 1, finished)
		theirs := practice("their-run", "theirs", 1)
		theirs.UserID = other
		must(t, s.CreatePractice(ctx, theirs, limit))
		if len(made) > 0 {
			must(t, s.EndAttempt(ctx, made[0], get(t, s, made[0]).Turns, training.StatusGivenUp, nil))
		}
		must(t, s.CreatePractice(ctx, practice("freed", "src", 2), limit))
	}},
	{"PracticeRefused", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "src")
		play(t, s, "src", 2, finished)
		must(t, s.CreateAttempt(ctx, attempt("live", user)))
		must(t, s.CreateAttempt(ctx, attempt("theirs", other)))
		must(t, s.EndAttempt(ctx, "theirs", 0, training.StatusGivenUp, nil))
		must(t, s.CreatePractice(ctx, practice("p1", "src", 1), training.MaxActivePracticeRuns))
		for _, c := range []struct {
			what string
			a    training.Attempt
			want error
		}{
			{"an unknown source", practice("x1", "nope", 1), training.ErrNotFound},
			{"a source still active", practice("x2", "live", 1), training.ErrConflict},
			{"another user's source", practice("x3", "theirs", 1), training.ErrConflict},
			{"a turn beyond the source's", practice("x4", "src", 3), training.ErrConflict},
			{"a taken id", practice("p1", "src", 2), training.ErrConflict},
		} {
			wantErr(t, "CreatePractice from "+c.what, s.CreatePractice(ctx, c.a, training.MaxActivePracticeRuns), c.want)
			if c.a.ID != "p1" {
				if _, err := s.Attempt(ctx, c.a.ID); !errors.Is(err, training.ErrNotFound) {
					t.Errorf("CreatePractice from %s stored %s: Attempt = %v", c.what, c.a.ID, err)
				}
			}
		}
		if n, err := s.ActivePracticeRuns(ctx, user); err != nil || n != 1 {
			t.Errorf("ActivePracticeRuns = %d, %v; want 1", n, err)
		}
	}},

	{"HealthChecks", func(t *testing.T, s training.Store) {
		must(t, s.Ping(t.Context()))
		must(t, s.CheckWrite(t.Context()))
		create(t, s, "a1")
		must(t, s.CheckWrite(t.Context()))
		must(t, s.Ping(t.Context()))
	}},
}

// unchanged fails unless the attempt and its turns are as in want.
func unchanged(t *testing.T, s training.Store, want training.Attempt) {
	t.Helper()
	got := get(t, s, want.ID)
	same(t, "attempt "+want.ID+" after a refused write", got, want)
	if !got.UpdatedAt.Equal(want.UpdatedAt) || !got.EndedAt.Equal(want.EndedAt) {
		t.Errorf("attempt %s times changed: updated %v -> %v, ended %v -> %v",
			want.ID, want.UpdatedAt, got.UpdatedAt, want.EndedAt, got.EndedAt)
	}
	turnsOf(t, s, want.ID, want.Turns)
}

func itoa(n int) string { return fmt.Sprint(n) }
