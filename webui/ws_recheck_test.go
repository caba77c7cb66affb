package webui_test

import (
	"context"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/client"
	"parley/webui/training"

	"github.com/gorilla/websocket"
)

// recheckEvery is the tests' Config.RecheckEvery: short, so the next
// message after a change is checked again.
const recheckEvery = 20 * time.Millisecond

func recheckSoon(c *webui.Config) { c.RecheckEvery = recheckEvery }

// TestOpenWebsocketFollowsAccountChanges: a change made where this server's
// hub cannot see it (from the shell, or on another instance) reaches an
// open websocket at its next message after RecheckEvery: a disabled account
// is signed out, roles taken away are refused.
func TestOpenWebsocketFollowsAccountChanges(t *testing.T) {
	tests := []struct {
		name   string
		change func(ctx context.Context, acc *training.Accounts, id string) error
		code   string
		closed bool
	}{
		{"disabled", func(ctx context.Context, acc *training.Accounts, id string) error {
			return acc.SetDisabled(ctx, id, true)
		}, training.CodeLoginRequired, true},
		{"no longer a trainee", func(ctx context.Context, acc *training.Accounts, id string) error {
			return acc.SetRoles(ctx, id, training.Roles(training.RoleManager))
		}, training.CodeForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, recheckSoon)
			ctx := context.Background()
			sam := h.trainee("Sam")
			c := sam.dial()
			c.startGame("short-call")
			if err := tt.change(ctx, h.srv.Accounts(), sam.s.Who().ID); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * recheckEvery)
			c.send(client.Start(2, "short-call"))
			c.expectError(tt.code)
			if !tt.closed {
				c.Timeout = 10 * recheckEvery // nothing more comes
			}
			_, err := c.RecvRaw()
			if closed := websocket.IsCloseError(err, websocket.ClosePolicyViolation); closed != tt.closed {
				t.Errorf("closed with a policy violation: %v (%v), want %v", closed, err, tt.closed)
			}
		})
	}
}

// TestWatcherStopsWhenTraineeLeavesCohort: a manager watching a trainee's
// call stops seeing it, and is told, once the trainee is no longer in a
// cohort they manage.
func TestWatcherStopsWhenTraineeLeavesCohort(t *testing.T) {
	h := start(t, recheckSoon)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	sam := h.trainee("Sam")
	nov, err := ann.s.CreateCohort(ctx, "Nov")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, sam.s.Who().Username)
	play := sam.dial()
	g := play.startGame("short-call")
	watcher := ann.dial()
	watcher.send(client.Watch(1, g.ID))
	expect[client.Snapshot](watcher)
	expect[client.Watched](play)
	if err := h.st.RemoveMember(ctx, nov.ID, sam.s.Who().ID); err != nil {
		t.Fatal(err)
	}
	watcher.expectError(training.CodeNotYours)
	for told := expect[client.Watched](play); len(told.Watchers) != 0; told = expect[client.Watched](play) {
		t.Logf("told %+v", told)
	}
	g.choose("ask")
	watcher.Timeout = 10 * recheckEvery
	if data, err := watcher.RecvRaw(); err == nil {
		t.Errorf("the watcher still got %s", data)
	}
}
