package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"
	"sync"
	"testing"
)

// TestTwoInstancesOneDatabase: two Stores on one database (two Parley
// instances) race to create the same user's active attempt and to save the
// same turn. The database decides: exactly one of each pair wins, the
// other is ErrConflict, and what is stored is the winner's.
func TestTwoInstancesOneDatabase(t *testing.T) {
	const rounds = 20
	db := freshDB(t)
	a, b := mustOpen(t, db.URL), mustOpen(t, db.URL)
	ctx := context.Background()
	seedAttempts(t, a, rounds) // users u0.. with active attempts a0..
	race := func(fa, fb func() error) (errA, errB error) {
		var wg sync.WaitGroup
		wg.Go(func() { errA = fa() })
		wg.Go(func() { errB = fb() })
		wg.Wait()
		return errA, errB
	}
	oneWins := func(what string, errA, errB error) (aWon bool) {
		t.Helper()
		switch {
		case errA == nil && errors.Is(errB, training.ErrConflict):
			return true
		case errB == nil && errors.Is(errA, training.ErrConflict):
			return false
		}
		t.Fatalf("%s: instance A got %v, B got %v; want one nil and one ErrConflict", what, errA, errB)
		return false
	}
	for i := range rounds {
		id := fmt.Sprintf("a%d", i)
		wa, wb := turnWrite(id, 1), turnWrite(id, 1)
		wa.Turn.ReplyID, wb.Turn.ReplyID = "from-a", "from-b"
		errA, errB := race(
			func() error { return a.SaveTurn(ctx, wa) },
			func() error { return b.SaveTurn(ctx, wb) })
		aWon := oneWins("turn 1 of "+id, errA, errB)
		turns, err := b.Turns(ctx, id)
		if err != nil || len(turns) != 1 || (turns[0].ReplyID == "from-a") != aWon {
			t.Errorf("%s after the race: %+v, %v; want the winner's turn alone", id, turns, err)
		}

		uid := fmt.Sprintf("u%d", i)
		if err := a.EndAttempt(ctx, id, 1, training.StatusGivenUp, nil); err != nil {
			t.Fatal(err)
		}
		na := training.Attempt{ID: id + "-a", UserID: uid, ScenarioID: "sc", Version: "v1", State: []byte(`{}`)}
		nb := na
		nb.ID = id + "-b"
		errA, errB = race(
			func() error { return a.CreateAttempt(ctx, na) },
			func() error { return b.CreateAttempt(ctx, nb) })
		aWon = oneWins("a new attempt of "+uid, errA, errB)
		winner := map[bool]string{true: na.ID, false: nb.ID}[aWon]
		if got, err := a.ActiveAttempt(ctx, uid, "sc"); err != nil || got.ID != winner {
			t.Errorf("active attempt of %s: %q, %v; want %q", uid, got.ID, err, winner)
		}
	}
}

// TestInstancesStartTogether: instances started at once on one database each
// save the scenarios they serve, the same versions at the same moment. Every
// save succeeds (a version already there is not an error), and a version
// saved under another scenario id is still refused.
func TestInstancesStartTogether(t *testing.T) {
	const rounds = 40
	db := freshDB(t)
	stores := []*Store{mustOpen(t, db.URL), mustOpen(t, db.URL), mustOpen(t, db.URL)}
	ctx := context.Background()
	for i := range rounds {
		version := fmt.Sprintf("v%d", i)
		errs := make([]error, len(stores))
		var wg sync.WaitGroup
		for j, s := range stores {
			wg.Go(func() { errs[j] = s.SaveScenarioVersion(ctx, "late-shipment", version, []byte("source")) })
		}
		wg.Wait()
		for j, err := range errs {
			if err != nil {
				t.Fatalf("round %d: instance %d saving version %s: %v; want nil", i, j, version, err)
			}
		}
	}
	err := stores[1].SaveScenarioVersion(ctx, "defective-part", "v0", []byte("source"))
	if !errors.Is(err, training.ErrConflict) {
		t.Errorf("version v0 saved again under another scenario: %v; want ErrConflict", err)
	}
}
