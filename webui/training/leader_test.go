package training_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"parley/webui/training"
)

// leader is a training.Leader the test switches.
type leader struct {
	leads atomic.Bool
	asked atomic.Int32
}

func (l *leader) Leads(context.Context) bool {
	l.asked.Add(1)
	return l.leads.Load()
}

// sweepCounter counts the sweeps' writes that reach the store.
type sweepCounter struct {
	training.Store
	abandons, deletes atomic.Int32
}

func (s *sweepCounter) AbandonIdle(ctx context.Context, olderThan time.Time) (int, error) {
	s.abandons.Add(1)
	return s.Store.AbandonIdle(ctx, olderThan)
}

func (s *sweepCounter) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	s.deletes.Add(1)
	return s.Store.DeleteExpired(ctx, now)
}

// TestSweepsOnlyWhenLeading: with several instances on one database only the
// one that leads marks idle attempts abandoned and removes expired sessions
// and links; the others leave the store alone.
func TestSweepsOnlyWhenLeading(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	me := training.User{ID: "u1", Name: "Me"}
	if err := f.st.CreateAccount(ctx, training.Account{ID: me.ID, Username: me.ID, DisplayName: me.Name}); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Now().Truncate(time.Millisecond)}
	st := &sweepCounter{Store: f.st}
	l := &leader{}
	svc := training.NewService(st, f.cat, training.ServiceConfig{Now: c.Now, AbandonAfter: time.Hour, Leader: l})
	acc := training.NewAccounts(st, training.AccountsConfig{Now: c.Now, Leader: l})
	snap, err := svc.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	session := training.Session{TokenHash: "expired", UserID: me.ID, CreatedAt: c.Now(), ExpiresAt: c.Now().Add(time.Hour)}
	if err := f.st.CreateSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	c.Add(2 * time.Hour)

	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := acc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if l.asked.Load() != 2 || st.abandons.Load() != 0 || st.deletes.Load() != 0 {
		t.Fatalf("not leading: asked %d times, AbandonIdle called %d times, DeleteExpired %d; want asked twice, neither called",
			l.asked.Load(), st.abandons.Load(), st.deletes.Load())
	}
	if a, err := f.st.Attempt(ctx, snap.Attempt.ID); err != nil || a.Status != training.StatusActive {
		t.Fatalf("idle attempt after a sweep that does not lead: %q, %v; want it still active", a.Status, err)
	}
	if _, err := f.st.Session(ctx, session.TokenHash); err != nil {
		t.Fatalf("expired session after a sweep that does not lead: %v; want it kept", err)
	}

	l.leads.Store(true)
	if err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := acc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if st.abandons.Load() != 1 || st.deletes.Load() != 1 {
		t.Errorf("leading: AbandonIdle called %d times, DeleteExpired %d; want once each", st.abandons.Load(), st.deletes.Load())
	}
	if a, err := f.st.Attempt(ctx, snap.Attempt.ID); err != nil || a.Status != training.StatusAbandoned {
		t.Errorf("idle attempt after the leader's sweep: %q, %v; want abandoned", a.Status, err)
	}
	if _, err := f.st.Session(ctx, session.TokenHash); !errors.Is(err, training.ErrNotFound) {
		t.Errorf("expired session after the leader's sweep: %v; want it removed (ErrNotFound)", err)
	}
}

// TestBootstrapLinkOnlyWhenLeading: instances started together on a new
// database all make sure the admin exists, but only the one that leads
// issues a setup link, so no instance revokes another's.
func TestBootstrapLinkOnlyWhenLeading(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	leads, follows := &leader{}, &leader{}
	leads.leads.Store(true)
	first := training.NewAccounts(f.st, training.AccountsConfig{Leader: leads})
	second := training.NewAccounts(f.st, training.AccountsConfig{Leader: follows})
	user, token, err := first.Bootstrap(ctx)
	if err != nil || user != "admin" || token == "" {
		t.Fatalf("Bootstrap on the instance that leads = %q, %q, %v; want admin and a link", user, token, err)
	}
	user, other, err := second.Bootstrap(ctx)
	if err != nil || user != "admin" || other != "" {
		t.Fatalf("Bootstrap on an instance that does not lead = %q, %q, %v; want admin and no link", user, other, err)
	}
	if _, acc, err := second.LinkInfo(ctx, token); err != nil || acc.Username != "admin" {
		t.Errorf("the leader's link after the other instance started: %+v, %v; want it still valid", acc, err)
	}
}
