package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"parley/webui/lrs"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// switchedLeader is a training.Leader the test switches.
type switchedLeader struct {
	leads atomic.Bool
	asked atomic.Int32
}

func (l *switchedLeader) Leads(context.Context) bool {
	l.asked.Add(1)
	return l.leads.Load()
}

// waitFor polls cond until it holds, or fails t after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// countedOutbox counts the relay's reads of the outbox.
type countedOutbox struct {
	training.OutboxStore
	reads atomic.Int32
}

func (o *countedOutbox) DueStatements(ctx context.Context, now time.Time, limit int) ([]training.OutboxItem, error) {
	o.reads.Add(1)
	return o.OutboxStore.DueStatements(ctx, now, limit)
}

// TestRelayOnlyWhenLeading: with several instances on one database only the
// one that leads relays the outbox to the LRS, so no statement is sent twice.
func TestRelayOnlyWhenLeading(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	outbox := &countedOutbox{OutboxStore: st}
	relay, err := lrs.New(outbox, lrs.Config{Endpoint: "http://127.0.0.1:1/xapi/"})
	if err != nil {
		t.Fatal(err)
	}
	l := &switchedLeader{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		runRelay(ctx, relay, l, 5*time.Millisecond, slog.New(slog.DiscardHandler))
	}()
	defer func() { cancel(); <-done }()

	waitFor(t, "the relay to ask whether it leads three times", func() bool { return l.asked.Load() >= 3 })
	if n := outbox.reads.Load(); n != 0 {
		t.Fatalf("not leading: the relay read the outbox %d times; want never", n)
	}
	l.leads.Store(true)
	waitFor(t, "the leading relay to read the outbox", func() bool { return outbox.reads.Load() > 0 })
}
