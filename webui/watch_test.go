package webui_test

import (
	"context"
	"slices"
	"testing"

	"parley/webui/client"
	"parley/webui/training"
)

// TestManagerWatchesLive: a manager of the trainee's cohort watches a call
// as it happens (a snapshot naming the trainee, then each turn and the
// ending, never the trainee's acks) and the trainee is told who watches,
// and when they stop; a trainee, and a manager of another cohort, may not
// watch.
func TestManagerWatchesLive(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	bob := h.login(h.account("Bob", training.Roles(training.RoleManager)))
	sam := h.trainee("Sam")
	kim := h.trainee("Kim")
	nov, err := ann.s.CreateCohort(ctx, "Nov")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, sam.s.Who().Username)
	play := sam.dial()
	g := play.startGame("short-call")

	for _, who := range []*trainee{kim, bob} {
		c := who.dial()
		c.send(client.Watch(1, g.ID))
		c.expectError(training.CodeNotYours)
	}
	watcher := ann.dial()
	watcher.send(client.Watch(1, g.ID))
	snap := expect[client.Snapshot](watcher)
	if snap.Attempt.ID != g.ID || len(snap.Replies) == 0 {
		t.Fatalf("the watcher's snapshot: %+v", snap)
	}
	// It names the trainee (a link to the call says only the attempt).
	if want := (client.Trainee{ID: sam.s.Who().ID, Name: "Sam"}); snap.Trainee == nil || *snap.Trainee != want {
		t.Errorf("the watcher's snapshot names the trainee as %+v, want %+v", snap.Trainee, want)
	}
	told := expect[client.Watched](play)
	if told.Attempt != g.ID || !slices.Equal(told.Watchers, []string{"Ann"}) {
		t.Errorf("the trainee was told %+v, want Ann watching", told)
	}
	// A second tab of the trainee (or a reload) learns it on resume.
	tab := sam.dial()
	tab.resume(g.ID)
	if again := expect[client.Watched](tab); !slices.Equal(again.Watchers, []string{"Ann"}) {
		t.Errorf("a resumed tab was told %+v, want Ann watching", again)
	}
	tab.HangUp()
	tn := g.choose("ask")
	if seen := expect[client.Turn](watcher); seen.Turn != tn.Turn || seen.Reply.ID != "ask" {
		t.Errorf("the watcher saw %+v, want turn %d", seen, tn.Turn)
	}
	g.choose("rude") // hangs up: a turn and the ending
	expect[client.Ended](play)
	if seen := expect[client.Turn](watcher); seen.Reply.ID != "rude" {
		t.Errorf("the watcher saw %+v", seen)
	}
	if e := expect[client.Ended](watcher); e.Attempt != g.ID {
		t.Errorf("the watcher saw the end as %+v", e)
	}
	watcher.HangUp()
	if told := expect[client.Watched](play); len(told.Watchers) != 0 {
		t.Errorf("after the watcher left, the trainee was told %+v, want no one", told)
	}
}
