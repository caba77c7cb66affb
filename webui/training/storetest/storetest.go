// Package storetest is the conformance suite of the training.Store port:
// the behaviour the application core relies on, stated in terms of the port
// only. Every Store implementation runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) training.Store { return openFresh(t) })
//	}
//
// The suite reads the store's clock only through the times it returns, and
// sleeps a few milliseconds where the order of two writes matters, so the
// store's clock must move with the wall clock (millisecond resolution is
// enough).
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

// Run runs every check as a subtest, each against a fresh, empty store made
// by open. open closes the store when its test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) training.Store) {
	for _, c := range slices.Concat(checks, accountChecks, cohortChecks, reviewChecks, outboxChecks) {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, open(t))
		})
	}
}

// check is one behaviour of the port.
type check struct {
	name string
	run  func(t *testing.T, s training.Store)
}

// The fixture every check builds on.
const (
	user     = "u1"
	other    = "u2"
	scenario = "angry-client"
	version  = "sha256:aaaa"
	source   = "title = 'Angry client'\n"
)

// tick is how long the suite waits so that the store's next write is later.
const tick = 5 * time.Millisecond

// seed saves the users and the scenario version the attempts refer to.
func seed(t *testing.T, s training.Store) {
	t.Helper()
	ctx := t.Context()
	must(t, s.CreateAccount(ctx, account(user, "sam")))
	must(t, s.CreateAccount(ctx, account(other, "alex")))
	must(t, s.SaveScenarioVersion(ctx, scenario, version, []byte(source)))
}

// attempt is a new scored attempt of userID on the fixture's scenario.
func attempt(id, userID string) training.Attempt {
	return training.Attempt{ID: id, UserID: userID, ScenarioID: scenario, Version: version, Seed: 42, State: state(0)}
}

// create seeds the store and creates an active attempt of user with the id.
func create(t *testing.T, s training.Store, id string) training.Attempt {
	t.Helper()
	seed(t, s)
	a := attempt(id, user)
	must(t, s.CreateAttempt(t.Context(), a))
	return a
}

// practice is a new practice run of user from turn from of attempt of.
func practice(id, of string, from int) training.Attempt {
	return training.Attempt{ID: id, UserID: user, PracticeOf: of, PracticeFrom: from, State: state(from - 1)}
}

// turn is turn n of attempt id, made by client message 10+n.
func turn(id string, n int) training.TurnWrite {
	return training.TurnWrite{
		AttemptID: id,
		Turn: training.Turn{Number: n, Seq: int64(10 + n), ReplyID: fmt.Sprintf("r%d", n),
			Event: fmt.Appendf(nil, `{"said":%d}`, n)},
		State:   state(n),
		LastSeq: int64(10 + n),
	}
}

// play saves turns 1..n of attempt id, the last one ending it when end is set.
func play(t *testing.T, s training.Store, id string, n int, end *training.Ending) {
	t.Helper()
	for i := 1; i <= n; i++ {
		w := turn(id, i)
		if i == n {
			w.End = end
		}
		must(t, s.SaveTurn(t.Context(), w))
	}
}

var finished = &training.Ending{Status: training.StatusFinished, Ending: "calm", Outcome: "won", Summary: []byte(`{"empathy":3}`)}

func state(n int) []byte { return fmt.Appendf(nil, `{"turn":%d}`, n) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err is target (errors.Is).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// get reads attempt id, which must exist.
func get(t *testing.T, s training.Store, id string) training.Attempt {
	t.Helper()
	a, err := s.Attempt(t.Context(), id)
	must(t, err)
	return a
}

// same compares the stored fields of two attempts, not their times.
func same(t *testing.T, what string, got, want training.Attempt) {
	t.Helper()
	if got.ID != want.ID || got.UserID != want.UserID || got.ScenarioID != want.ScenarioID ||
		got.Version != want.Version || got.Seed != want.Seed || got.Status != want.Status ||
		!bytes.Equal(got.State, want.State) || got.LastSeq != want.LastSeq || got.Turns != want.Turns ||
		got.Ending != want.Ending || got.Outcome != want.Outcome || !bytes.Equal(got.Summary, want.Summary) ||
		got.PracticeOf != want.PracticeOf || got.PracticeFrom != want.PracticeFrom {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// ids lists the attempts' ids in order.
func ids(as []training.Attempt) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// turnsOf reads the attempt's turns and checks they are numbered 1..n.
func turnsOf(t *testing.T, s training.Store, id string, n int) []training.Turn {
	t.Helper()
	ts, err := s.Turns(t.Context(), id)
	must(t, err)
	if len(ts) != n {
		t.Fatalf("Turns(%s): %d turns, want %d", id, len(ts), n)
	}
	for i, tr := range ts {
		if tr.Number != i+1 {
			t.Errorf("Turns(%s)[%d].Number = %d, want %d", id, i, tr.Number, i+1)
		}
	}
	return ts
}
