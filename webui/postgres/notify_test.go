package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"parley/webui/training"
)

// listenTo runs b.Listen until the test ends and returns the events it
// delivers.
func listenTo(t *testing.T, b *Broadcast) <-chan training.LiveEvent {
	t.Helper()
	got := make(chan training.LiveEvent, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Listen(ctx, func(e training.LiveEvent) { got <- e }) }()
	t.Cleanup(func() { cancel(); <-done })
	return got
}

func next(t *testing.T, got <-chan training.LiveEvent) training.LiveEvent {
	t.Helper()
	select {
	case e := <-got:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
		return training.LiveEvent{}
	}
}

// TestBroadcastCrossesInstances: what one instance publishes reaches the
// other, and not itself; an event too large for NOTIFY is refused; after
// its listening connection is killed, the listener reconnects, says so
// (LiveResync), and hears what is published next.
func TestBroadcastCrossesInstances(t *testing.T) {
	db := freshDB(t)
	ctx := context.Background()
	a, b := mustOpen(t, db.URL).Broadcast(nil), mustOpen(t, db.URL).Broadcast(nil)
	if a.Instance() == b.Instance() {
		t.Fatalf("two instances share the id %q", a.Instance())
	}
	heardA, heardB := listenTo(t, a), listenTo(t, b)
	for _, heard := range []<-chan training.LiveEvent{heardA, heardB} {
		if e := next(t, heard); e.Kind != training.LiveResync {
			t.Fatalf("first event %+v, want %s once listening", e, training.LiveResync)
		}
	}
	sent := training.LiveEvent{Kind: training.LiveWatchers, Attempt: "at1", Owner: "u1", Watchers: []string{"Mia Manager"}}
	if err := a.Publish(ctx, sent); err != nil {
		t.Fatal(err)
	}
	e := next(t, heardB)
	if e.Kind != sent.Kind || e.From != a.Instance() || e.Attempt != "at1" || e.Owner != "u1" || len(e.Watchers) != 1 || e.Watchers[0] != "Mia Manager" {
		t.Errorf("b heard %+v, want %+v from %s", e, sent, a.Instance())
	}
	big := training.LiveEvent{Kind: training.LiveWatchers, Watchers: []string{strings.Repeat("x", training.MaxLiveEvent)}}
	if err := a.Publish(ctx, big); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("a %d-byte event: %v, want refused", training.MaxLiveEvent, err)
	}
	if err := b.Publish(ctx, training.LiveEvent{Kind: training.LiveTurn, Attempt: "at1", Turn: 3}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, heardA); e.Kind != training.LiveTurn || e.Turn != 3 || e.From != b.Instance() {
		t.Errorf("a heard %+v, want b's turn 3", e)
	}
	select {
	case e := <-heardA:
		t.Errorf("a heard %+v: its own event came back", e)
	case e := <-heardB:
		t.Errorf("b heard %+v: its own event came back", e)
	case <-time.After(200 * time.Millisecond):
	}

	// Kill every listening session but the test's own: a crashed server, a
	// network cut.
	admin := mustOpen(t, db.URL)
	if _, err := admin.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	if e := next(t, heardB); e.Kind != training.LiveResync {
		t.Fatalf("after its connection was killed b heard %+v, want %s", e, training.LiveResync)
	}
	if e := next(t, heardA); e.Kind != training.LiveResync {
		t.Fatalf("after its connection was killed a heard %+v, want %s", e, training.LiveResync)
	}
	if err := a.Publish(ctx, training.LiveEvent{Kind: training.LiveHello}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, heardB); e.Kind != training.LiveHello {
		t.Errorf("after reconnecting b heard %+v, want hello", e)
	}
}

// TestOneLeader: of two instances one leads; when it closes, or its
// connection is killed, the other takes over at its next try.
func TestOneLeader(t *testing.T) {
	db := freshDB(t)
	ctx := context.Background()
	a, b := mustOpen(t, db.URL).Leader(nil), mustOpen(t, db.URL).Leader(nil)
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	if !a.Leads(ctx) || b.Leads(ctx) || !a.Leads(ctx) {
		t.Fatal("a asked first: want a to lead, and b not")
	}
	a.Close()
	if !b.Leads(ctx) || a.Leads(ctx) {
		t.Fatal("after a closed: want b to lead, and a not")
	}
	admin := mustOpen(t, db.URL)
	if _, err := admin.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !a.Leads(ctx) {
		if time.Now().After(deadline) {
			t.Fatal("b's session was killed, but a never took over")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b.Leads(ctx) {
		t.Error("b leads again after its session was killed, while a leads")
	}
}
