package app

import (
	"context"
	"log/slog"
	"parley/webui/lrs"
	"parley/webui/sqlite"
	"parley/webui/training"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// switchedLeader is a training.Leader the test switches.
type switchedLeader struct{ leads atomic.Bool }

func (l *switchedLeader) Leads(context.Context) bool { return l.leads.Load() }

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

	time.Sleep(100 * time.Millisecond) // about 20 periods
	if n := outbox.reads.Load(); n != 0 {
		t.Fatalf("not leading: the relay read the outbox %d times; want never", n)
	}
	l.leads.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for outbox.reads.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("leading: the relay never read the outbox")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
