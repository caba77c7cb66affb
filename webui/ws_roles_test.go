package webui_test

import (
	"context"
	"testing"

	"parley/webui/client"
	"parley/webui/training"
)

// TestWebsocketActionMatrix: every websocket action for anonymous and each
// role. Play (start, resume, choose, give_up) needs the trainee or trainer
// role, on the player's own attempts; watch needs a manager of the
// trainee's cohort, or an admin; anyone signed out is refused at connect.
func TestWebsocketActionMatrix(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	owner := h.login(h.account("Owner", training.Roles(training.RoleManager)))
	sam := h.trainee("Sam")
	co, err := owner.s.CreateCohort(ctx, "C")
	if err != nil {
		t.Fatal(err)
	}
	h.join(co.ID, sam.s.Who().Username)
	samsAttempt := sam.dial().startGame("short-call").ID
	// Sam cannot watch his own call (checked before anyone watches it, since
	// Sam's connections are then told so).
	self := sam.dial()
	self.send(client.Watch(1, samsAttempt))
	self.expectError(training.CodeNotYours)

	roles := []struct {
		name  string
		roles training.Roles
	}{
		{"trainee", training.Roles(training.RoleTrainee)},
		{"trainer", training.Roles(training.RoleTrainer)},
		{"manager of another cohort", training.Roles(training.RoleManager)},
		{"admin", training.Roles(training.RoleAdmin)},
	}
	for _, r := range roles {
		player := r.roles.Has(training.RoleTrainee) || r.roles.Has(training.RoleTrainer)
		c := h.login(h.account(r.name, r.roles)).dial()
		// Play, on their own attempt.
		c.send(client.Start(1, "short-call"))
		if !player {
			c.expectError(training.CodeForbidden)
			for _, m := range []client.Message{client.Resume(2, samsAttempt), client.Choose(3, samsAttempt, "ask"), client.GiveUp(4, samsAttempt)} {
				c.send(m)
				c.expectError(training.CodeForbidden)
			}
		} else {
			own := expect[client.Snapshot](c)
			c.send(client.Resume(2, own.Attempt.ID))
			expect[client.Snapshot](c)
			c.send(client.Choose(1, own.Attempt.ID, "ask")) // asks: the call goes on
			expect[client.Turn](c)
			expect[client.Ack](c)
			// Never on someone else's.
			for _, m := range []client.Message{client.Resume(3, samsAttempt), client.Choose(1, samsAttempt, "ask"), client.GiveUp(1, samsAttempt)} {
				c.send(m)
				c.expectError(training.CodeNotYours)
			}
		}
		// Watch Sam's call: only an admin here (the other manager runs another cohort).
		c.send(client.Watch(9, samsAttempt))
		if r.roles.Has(training.RoleAdmin) {
			if s := expect[client.Snapshot](c); s.Attempt.ID != samsAttempt {
				t.Errorf("%s watching: snapshot of %s", r.name, s.Attempt.ID)
			}
		} else {
			c.expectError(training.CodeNotYours)
		}
		c.HangUp()
	}
	// The cohort's manager can watch Sam's call.
	w := owner.dial()
	w.send(client.Watch(1, samsAttempt))
	expect[client.Snapshot](w)
	// Signed out: refused at connect.
	h.anonymous().dial().expectError(training.CodeLoginRequired)
}
