package training_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"parley/webui/training"
)

// twoInstances is two Services on one store: two instances sharing a
// database, each with its own live sessions in memory.
func twoInstances(t *testing.T) (a, b *training.Service, me training.User, id string) {
	t.Helper()
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	a = training.NewService(f.st, f.cat, training.ServiceConfig{})
	b = training.NewService(f.st, f.cat, training.ServiceConfig{})
	me = training.User{ID: "u1", Name: "Me"}
	if err := f.st.CreateAccount(ctx, training.Account{ID: me.ID, Username: me.ID, DisplayName: me.Name}); err != nil {
		t.Fatal(err)
	}
	snap, err := a.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Snapshot(ctx, me, snap.Attempt.ID); err != nil { // b holds it in memory too
		t.Fatal(err)
	}
	return a, b, me, snap.Attempt.ID
}

// TestStaleSessionDefersToTheDatabase: an instance whose session in memory
// is behind the database (the trainee went on elsewhere) never applies a
// reply on it, nor shows it.
func TestStaleSessionDefersToTheDatabase(t *testing.T) {
	ctx := context.Background()
	a, b, me, id := twoInstances(t)
	if res, err := a.Choose(ctx, me, id, 1, "ask"); err != nil || res.Again || res.Outcome.Turn != 1 {
		t.Fatalf("a applies seq 1: %+v, %v", res, err)
	}
	cases := []struct {
		name      string
		svc       *training.Service
		seq       int64
		reply     string
		wantAgain bool
		wantTurn  int
	}{
		{"b, stale at turn 0, gets seq 1 again (its ack was lost on a)", b, 1, "ask", true, 0},
		{"b, stale, gets seq 1 with another reply: still the repeated seq's answer", b, 1, "own", true, 0},
		{"a gets seq 2", a, 2, "ask", false, 2},
		{"b, stale at turn 1 now, gets seq 3: applied on the stored state, not bad_seq", b, 3, "ask", false, 3},
		{"a, stale at turn 2, gets seq 3 again", a, 3, "ask", true, 0},
		{"a, reloaded, gets seq 4", a, 4, "ask", false, 4},
	}
	for _, c := range cases {
		res, err := c.svc.Choose(ctx, me, id, c.seq, c.reply)
		if err != nil || res.Again != c.wantAgain || res.Outcome.Turn != c.wantTurn {
			t.Errorf("%s: %+v, %v; want again %v, turn %d", c.name, res, err, c.wantAgain, c.wantTurn)
		}
	}
	if _, err := b.Choose(ctx, me, id, 6, "ask"); code(err) != training.CodeBadSeq {
		t.Errorf("a seq truly ahead (6 after 4): %v, want %s", err, training.CodeBadSeq)
	}
	snap, err := b.Snapshot(ctx, me, id) // b last saw turn 3
	if err != nil || snap.Attempt.Turns != 4 || snap.Attempt.LastSeq != 4 || len(snap.Transcript) != 4 || snap.Turn != 4 {
		t.Fatalf("b's snapshot after a went on: turns %d, last seq %d, %d in transcript, session at %d, %v; want 4 each",
			snap.Attempt.Turns, snap.Attempt.LastSeq, len(snap.Transcript), snap.Turn, err)
	}
	if g, err := a.GiveUp(ctx, me, id, 5); err != nil || g.Ended.Status != training.StatusGivenUp {
		t.Fatalf("a gives up: %+v, %v", g, err)
	}
	if g, err := b.GiveUp(ctx, me, id, 5); err != nil || g.Again || g.Ended.Status != training.StatusGivenUp {
		t.Errorf("b, stale, gives up again: %+v, %v; want the same ending", g, err)
	}
	if _, err := b.Choose(ctx, me, id, 5, "ask"); code(err) != training.CodeNotActive {
		t.Errorf("b, stale, replies after a gave up: %v, want %s", err, training.CodeNotActive)
	}
	if snap, err := b.Snapshot(ctx, me, id); err != nil || snap.Attempt.Status != training.StatusGivenUp || len(snap.Replies) != 0 {
		t.Errorf("b's snapshot after a gave up: %s with %d replies, %v; want given_up, none", snap.Attempt.Status, len(snap.Replies), err)
	}
}

// TestRaceLoserAnswersAsRepeatedSeq: two instances apply the same seq to
// one attempt at once, round after round. The database lets one win; the
// other answers Again, as for a repeated seq, and nothing is applied twice.
func TestRaceLoserAnswersAsRepeatedSeq(t *testing.T) {
	ctx := context.Background()
	a, b, me, id := twoInstances(t)
	const rounds = 30
	for seq := int64(1); seq <= rounds; seq++ {
		var results [2]training.TurnResult
		var errs [2]error
		var wg sync.WaitGroup
		for i, svc := range []*training.Service{a, b} {
			wg.Go(func() { results[i], errs[i] = svc.Choose(ctx, me, id, seq, "ask") })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("seq %d: %v, %v", seq, errs[0], errs[1])
		}
		if results[0].Again == results[1].Again {
			t.Fatalf("seq %d: again %v and %v; want exactly one winner", seq, results[0].Again, results[1].Again)
		}
		for _, r := range results {
			if !r.Again && r.Outcome.Turn != int(seq) {
				t.Fatalf("seq %d: the winner applied turn %d", seq, r.Outcome.Turn)
			}
		}
	}
	snap, err := a.Snapshot(ctx, me, id)
	if err != nil || snap.Attempt.Turns != rounds || snap.Attempt.LastSeq != rounds {
		t.Fatalf("after %d rounds: turns %d, last seq %d, %v", rounds, snap.Attempt.Turns, snap.Attempt.LastSeq, err)
	}
}

// loadsFirst is a store on which, the first time an attempt is created,
// another message (the trainee's second tab) loads it as soon as it is
// stored, before Start adopts it, and plays a reply on it: the race between
// Start and the trainee's other tab.
type loadsFirst struct {
	training.Store
	svc     *training.Service
	me      training.User
	created string
	loaded  atomic.Bool
}

func (s *loadsFirst) CreateAttempt(ctx context.Context, a training.Attempt) error {
	s.created = a.ID
	if err := s.Store.CreateAttempt(ctx, a); err != nil {
		return err
	}
	if s.loaded.CompareAndSwap(false, true) {
		if _, err := s.svc.Choose(ctx, s.me, a.ID, 1, "ask"); err != nil {
			return err
		}
	}
	return nil
}

// TestStartWhenAnotherMessageLoadedTheAttemptFirst: Start finds its attempt
// already in memory, loaded by another message that played a reply on it,
// and answers from it as a snapshot would: at turn 1, not with the new
// session it created at turn 0 (which would overwrite the reply in memory
// and refuse the trainee's next one).
func TestStartWhenAnotherMessageLoadedTheAttemptFirst(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	me := training.User{ID: "u1", Name: "Me"}
	if err := f.st.CreateAccount(ctx, training.Account{ID: me.ID, Username: me.ID, DisplayName: me.Name}); err != nil {
		t.Fatal(err)
	}
	st := &loadsFirst{Store: f.st, me: me}
	st.svc = training.NewService(st, f.cat, training.ServiceConfig{})
	snap, err := st.svc.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Attempt.ID != st.created || snap.Turn != 1 || snap.Attempt.LastSeq != 1 || len(snap.Replies) == 0 {
		t.Fatalf("start: attempt %s (created %s), turn %d, last seq %d, %d replies; "+
			"want the created attempt at turn 1 (the other tab's reply), last seq 1, with replies",
			snap.Attempt.ID, st.created, snap.Turn, snap.Attempt.LastSeq, len(snap.Replies))
	}
	res, err := st.svc.Choose(ctx, me, snap.Attempt.ID, 2, snap.Replies[0].ID)
	if err != nil || res.Again || res.Outcome.Turn != 2 {
		t.Fatalf("next reply: %+v, %v; want turn 2 applied", res, err)
	}
}

// turnBeforeEnd is a store on which, the first time an attempt is ended,
// another instance saves a turn on it first: between the scores being
// computed and the ending being stored.
type turnBeforeEnd struct {
	training.Store
	other *training.Service
	me    training.User
	once  atomic.Bool
	ends  []int // the turns each EndAttempt was given
}

func (s *turnBeforeEnd) EndAttempt(ctx context.Context, id string, turns int, status training.Status, summary []byte) error {
	if s.once.CompareAndSwap(false, true) {
		if _, err := s.other.Choose(ctx, s.me, id, 2, "ask"); err != nil {
			return err
		}
	}
	s.ends = append(s.ends, turns)
	return s.Store.EndAttempt(ctx, id, turns, status, summary)
}

// TestGiveUpWhileAnotherInstanceSavesATurn: a give-up never stores scores a
// turn short when another instance saves a turn while this one gives up:
// the database refuses the ending, and the give-up is tried again on the
// stored turns (here it lost the race for its seq, and answers as for a
// repeated one).
func TestGiveUpWhileAnotherInstanceSavesATurn(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	me := training.User{ID: "u1", Name: "Me"}
	if err := f.st.CreateAccount(ctx, training.Account{ID: me.ID, Username: me.ID, DisplayName: me.Name}); err != nil {
		t.Fatal(err)
	}
	st := &turnBeforeEnd{Store: f.st, me: me, other: training.NewService(f.st, f.cat, training.ServiceConfig{})}
	a := training.NewService(st, f.cat, training.ServiceConfig{})
	snap, err := a.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	id := snap.Attempt.ID
	if _, err := a.Choose(ctx, me, id, 1, "ask"); err != nil {
		t.Fatal(err)
	}
	// The trainee's other tab, on the other instance, sends seq 2 as a
	// reply while this one sends it as giving up: the reply commits first.
	g, err := a.GiveUp(ctx, me, id, 2)
	if err != nil || !g.Again {
		t.Fatalf("give up as seq 2 after the other instance applied seq 2: %+v, %v; want the repeated seq's answer", g, err)
	}
	if stored, err := f.st.Attempt(ctx, id); err != nil || stored.Status != training.StatusActive || stored.Turns != 2 {
		t.Fatalf("stored: status %q, %d turns, %v; want active with 2: no ending with the scores of 1 turn", stored.Status, stored.Turns, err)
	}
	g, err = a.GiveUp(ctx, me, id, 3)
	if err != nil || g.Again || g.Ended.Status != training.StatusGivenUp {
		t.Fatalf("give up as seq 3: %+v, %v", g, err)
	}
	if len(st.ends) != 2 || st.ends[0] != 1 || st.ends[1] != 2 {
		t.Errorf("EndAttempt was given turns %v; want [1 2]: refused on the turn the scores missed, then ended on both", st.ends)
	}
	stored, err := f.st.Attempt(ctx, id)
	if err != nil || stored.Status != training.StatusGivenUp || stored.Turns != 2 {
		t.Fatalf("stored: status %q, %d turns, %v; want given_up with 2", stored.Status, stored.Turns, err)
	}
}
