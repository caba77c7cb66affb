package webui_test

import (
	"context"
	"testing"

	"parley/webui/training"
)

// TestReviewNamesAttempts: the review's cell, and the trainee's own
// assignment, name the attempt being played (to watch it) and, once it
// has ended, the attempt that ended last (to open its debrief).
func TestReviewNamesAttempts(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	sam := h.trainee("Sam")
	nov, err := ann.s.CreateCohort(ctx, "Nov")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, sam.s.Who().Username)
	if _, err := ann.s.Assign(ctx, nov.ID, "short-call", nil, nil); err != nil {
		t.Fatal(err)
	}
	cell := func() (latest, active string) {
		t.Helper()
		rev, err := ann.s.Review(ctx, nov.ID)
		if err != nil || len(rev.Rows) != 1 || len(rev.Rows[0].Cells) != 1 {
			t.Fatalf("review: %+v %v", rev, err)
		}
		mine, err := sam.s.Assignments(ctx)
		if err != nil || len(mine) != 1 {
			t.Fatalf("the trainee's assignments: %+v %v", mine, err)
		}
		c := rev.Rows[0].Cells[0]
		if mine[0].Progress.Latest != c.Latest || mine[0].Progress.Active != c.Active {
			t.Errorf("the trainee's progress %+v differs from the review's %+v", mine[0].Progress, c)
		}
		return c.Latest, c.Active
	}
	if latest, active := cell(); latest != "" || active != "" {
		t.Errorf("before playing: latest %q, active %q; want neither", latest, active)
	}
	g := sam.dial().startGame("short-call")
	if latest, active := cell(); latest != "" || active != g.ID {
		t.Errorf("while playing: latest %q, active %q; want none and %s", latest, active, g.ID)
	}
	g.giveUp()
	if latest, active := cell(); latest != g.ID || active != "" {
		t.Errorf("after giving up: latest %q, active %q; want %s and none", latest, active, g.ID)
	}
}
