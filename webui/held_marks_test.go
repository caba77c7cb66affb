package webui_test

import (
	"context"
	"testing"

	"parley/webui/client"
	"parley/webui/training"
)

// TestTraineeToldTheMarksTheyAreHeldTo: a cohort's assignment raises a pass
// mark; the trainee's briefing announces it, and their list of attempts and
// their debrief score against it, the same way.
func TestTraineeToldTheMarksTheyAreHeldTo(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	kim := h.trainee("Kim")
	nov, err := ann.s.CreateCohort(ctx, "November")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, kim.s.Who().Username)

	held := func() map[string]client.Competency {
		t.Helper()
		sc, err := kim.s.Scenario(ctx, "late-shipment")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]client.Competency{}
		for _, c := range sc.Competencies {
			out[c.ID] = c
		}
		return out
	}
	for id, c := range held() {
		if c.HeldPass != nil || c.HeldFrom != "" {
			t.Errorf("before any assignment, %s is held to %v by %q", id, *c.HeldPass, c.HeldFrom)
		}
	}
	if _, err := ann.s.Assign(ctx, nov.ID, "late-shipment", nil, map[string]int{"empathy": 90}); err != nil {
		t.Fatal(err)
	}
	comps := held()
	scenarioMark := comps["empathy"].Pass
	if c := comps["empathy"]; c.HeldPass == nil || *c.HeldPass != 90 || c.HeldFrom != "November" || c.Pass == 90 {
		t.Errorf("the briefing's empathy after the assignment: %+v; want held to 90 by November, the scenario's own kept", c)
	}
	if c := comps["listening"]; c.HeldPass != nil || c.HeldFrom != "" {
		t.Errorf("listening, which the assignment leaves alone: %+v", c)
	}

	// One reply, then give up: scores well below 90.
	g := kim.dial().startGame("late-shipment")
	g.choose(g.Snapshot.Replies[0].ID)
	g.giveUp()
	list, err := kim.s.Attempts(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("the trainee's attempts: %+v %v", list, err)
	}
	d, err := kim.s.Debrief(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	debriefed := map[string]client.Score{}
	for _, s := range d.Debrief.Scores {
		debriefed[s.Competency] = s
	}
	if len(list[0].Scores) == 0 || len(list[0].Scores) != len(debriefed) {
		t.Fatalf("the list's scores %+v, the debrief's %+v", list[0].Scores, d.Debrief.Scores)
	}
	for _, s := range list[0].Scores {
		want := comps[s.Competency].Pass
		if s.Competency == "empathy" {
			want = 90
		}
		ds := debriefed[s.Competency]
		if s.Pass != want || ds.Pass != want || s.Passed != ds.Passed || s.PassFrom != ds.PassFrom || s.Blocked != (len(ds.BlockedBy) > 0) {
			t.Errorf("%s: listed %+v, debriefed %+v; want both at pass mark %d", s.Competency, s, ds, want)
		}
		if s.Competency == "empathy" && (s.Passed || s.PassFrom != "November") {
			t.Errorf("empathy at %d (scenario's mark %d): %+v; want not passed at November's 90", s.Score, scenarioMark, s)
		}
	}
	// The same attempt in its manager's list of the trainee's attempts.
	var theirs []client.AttemptItem
	if status := ann.get("/api/trainees/"+kim.s.Who().ID+"/attempts", &theirs); status != 200 || len(theirs) != 1 {
		t.Fatalf("the manager's list: %d %+v", status, theirs)
	}
	for i, s := range theirs[0].Scores {
		if s != list[0].Scores[i] {
			t.Errorf("the manager lists %+v, the trainee %+v", s, list[0].Scores[i])
		}
	}
}
