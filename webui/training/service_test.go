package training_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"parley/webui/training"
)

// code is err's code, or "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	return training.AsError(err).Code
}

// TestServiceLifecycle drives the core without a transport: start (twice is
// the same attempt), the ownership policy, the seq rule, give up (a retry
// is safe), the debrief and a practice run.
func TestServiceLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{})
	me, other := training.User{ID: "u1", Name: "Me"}, training.User{ID: "u2", Name: "Other"}
	for _, u := range []training.User{me, other} {
		if err := f.st.CreateAccount(ctx, training.Account{ID: u.ID, Username: u.ID, DisplayName: u.Name}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Start(ctx, me, "nope"); code(err) != training.CodeUnknownScenario {
		t.Fatalf("start an unknown scenario: %v, want %s", err, training.CodeUnknownScenario)
	}
	snap, err := svc.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	id := snap.Attempt.ID
	// Start keeps the attempt in memory without reading it back: what it
	// holds must be exactly what was stored.
	stored, err := f.st.Attempt(ctx, id)
	if len(stored.Summary) == 0 {
		stored.Summary = nil // none yet, however the store spells it
	}
	if err != nil || !reflect.DeepEqual(stored, snap.Attempt) {
		t.Fatalf("after start, memory holds\n%+v\nand the store\n%+v (%v)", snap.Attempt, stored, err)
	}
	if again, err := svc.Start(ctx, me, "short-call"); err != nil || again.Attempt.ID != id {
		t.Fatalf("second start: %v %q, want the active attempt %q", err, again.Attempt.ID, id)
	}
	if len(snap.Replies) == 0 || snap.Attempt.Status != training.StatusActive {
		t.Fatalf("snapshot %+v offers no replies", snap)
	}
	if _, err := svc.Snapshot(ctx, other, id); code(err) != training.CodeNotYours {
		t.Errorf("another user's snapshot: %v, want %s", err, training.CodeNotYours)
	}
	if _, err := svc.Snapshot(ctx, me, "missing"); code(err) != training.CodeNotFound {
		t.Errorf("snapshot of a missing attempt: %v, want %s", err, training.CodeNotFound)
	}
	if _, err := svc.Choose(ctx, me, id, 2, snap.Replies[0].ID); code(err) != training.CodeBadSeq {
		t.Errorf("seq ahead: %v, want %s", err, training.CodeBadSeq)
	}
	if _, err := svc.Choose(ctx, me, id, 1, "no-such-reply"); code(err) != training.CodeReplyNotOffered {
		t.Errorf("reply not offered: %v, want %s", err, training.CodeReplyNotOffered)
	}
	res, err := svc.Choose(ctx, me, id, 1, snap.Replies[0].ID)
	if err != nil || res.Again || res.Outcome.Turn != 1 {
		t.Fatalf("choose: %+v %v, want turn 1", res, err)
	}
	if res, err := svc.Choose(ctx, me, id, 1, snap.Replies[0].ID); err != nil || !res.Again {
		t.Errorf("choose again with seq 1: %+v %v, want Again", res, err)
	}
	// The seed orders the replies: the first one may end the conversation.
	if res.Ended == nil {
		if _, err := svc.Debrief(ctx, me, id); code(err) != training.CodeNotActive {
			t.Errorf("debrief while active: %v, want %s", err, training.CodeNotActive)
		}
		if _, err := svc.Practise(ctx, me, id, 1); code(err) != training.CodeStillActive {
			t.Errorf("practise while active: %v, want %s", err, training.CodeStillActive)
		}
		g, err := svc.GiveUp(ctx, me, id, 2)
		if err != nil || g.Again || g.Ended.Status != training.StatusGivenUp {
			t.Fatalf("give up: %+v %v", g, err)
		}
		if g, err := svc.GiveUp(ctx, me, id, 2); err != nil || g.Ended.Status != training.StatusGivenUp {
			t.Errorf("give up retried: %+v %v, want the same ending", g, err)
		}
	}
	if _, err := svc.Debrief(ctx, other, id); code(err) != training.CodeNotYours {
		t.Errorf("another user's debrief: %v, want %s", err, training.CodeNotYours)
	}
	d, err := svc.Debrief(ctx, me, id)
	if err != nil || d.Attempt.ID != id || d.Scenario.ID != "short-call" {
		t.Fatalf("debrief: %+v %v", d.Attempt, err)
	}
	p, err := svc.Practise(ctx, me, id, 1)
	if err != nil || !p.IsPractice() || p.PracticeOf != id || p.Title != "First" {
		t.Fatalf("practise: %+v %v", p, err)
	}
	list, _, err := svc.Attempts(ctx, me, training.AttemptCursor{}, 0)
	if err != nil || len(list) != 2 {
		t.Fatalf("attempts: %d %v, want the attempt and its practice run", len(list), err)
	}
	if _, err := svc.Choose(ctx, me, id, 2, snap.Replies[0].ID); code(err) != training.CodeNotActive {
		t.Errorf("choose after the end: %v, want %s", err, training.CodeNotActive)
	}
	if err := svc.Sweep(ctx); err != nil {
		t.Errorf("sweep: %v", err)
	}
}

func TestAsError(t *testing.T) {
	coded := training.Errorf(training.CodeNotFound, "there is no attempt %q", "a")
	if got := training.AsError(errors.Join(errors.New("context"), coded)); got != coded {
		t.Errorf("AsError of a wrapped *Error = %v, want it", got)
	}
	plain := errors.New("disk full")
	if got := training.AsError(plain); got.Code != training.CodeInternal || got.Message == plain.Error() || !errors.Is(got, plain) {
		t.Errorf("AsError(%v) = %+v, want it hidden behind %s", plain, got, training.CodeInternal)
	}
}

// TestTurnsPerAttemptBounded: a scenario may loop for ever, but an attempt
// takes at most MaxTurns replies; the next is refused with too_many_turns,
// and giving up still ends it with a debrief.
func TestTurnsPerAttemptBounded(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	src := strings.Replace(string(f.src), "  when = \"questions < 40\"\n", "", 1)
	src = strings.Replace(src, `id = "short-call"`, `id = "endless-call"`, 1)
	sc, problems := compileForTest("endless.toml", []byte(src))
	if sc == nil || problems.HasErrors() {
		t.Fatalf("compile: %v", problems)
	}
	if err := f.cat.Update(ctx, training.Scenario{Compiled: sc, Source: []byte(src), Name: "endless.toml"}, nil); err != nil {
		t.Fatal(err)
	}
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{})
	me := training.User{ID: "u1", Name: "Me"}
	if err := f.st.CreateAccount(ctx, training.Account{ID: me.ID, Username: me.ID, DisplayName: me.Name}); err != nil {
		t.Fatal(err)
	}
	snap, err := svc.Start(ctx, me, "endless-call")
	if err != nil {
		t.Fatal(err)
	}
	for seq := int64(1); seq <= training.MaxTurns; seq++ {
		if _, err := svc.Choose(ctx, me, snap.Attempt.ID, seq, "ask"); err != nil {
			t.Fatalf("reply %d: %v", seq, err)
		}
	}
	if _, err := svc.Choose(ctx, me, snap.Attempt.ID, training.MaxTurns+1, "ask"); code(err) != training.CodeTooManyTurns {
		t.Fatalf("reply %d: %v, want %s", training.MaxTurns+1, err, training.CodeTooManyTurns)
	}
	if _, err := svc.GiveUp(ctx, me, snap.Attempt.ID, training.MaxTurns+1); err != nil {
		t.Fatalf("give up after the last reply allowed: %v", err)
	}
	if d, err := svc.Debrief(ctx, me, snap.Attempt.ID); err != nil || len(d.Debrief.Turns) != training.MaxTurns {
		t.Errorf("the debrief: %d turns, %v", len(d.Debrief.Turns), err)
	}
}
