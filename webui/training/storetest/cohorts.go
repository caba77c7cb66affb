package storetest

import (
	"maps"
	"parley/webui/training"
	"slices"
	"testing"
	"time"
)

// cohort is a cohort created by user at ms milliseconds.
func cohort(id string, ms int64) training.Cohort {
	return training.Cohort{ID: id, Name: "Cohort " + id, CreatedBy: user, CreatedAt: time.UnixMilli(ms)}
}

func cohortIDs(cs []training.Cohort) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// cohortChecks are the suite's checks of cohorts, their managers, members
// and assignments.
var cohortChecks = []check{
	{"CohortCreateMakesCreatorManager", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.CreateCohort(ctx, cohort("c1", 1000)))
		got, err := s.Cohort(ctx, "c1")
		if err != nil || got.Name != "Cohort c1" || got.CreatedBy != user || !got.CreatedAt.Equal(time.UnixMilli(1000)) {
			t.Errorf("Cohort = %+v, %v", got, err)
		}
		if m, err := s.CohortManagers(ctx, "c1"); err != nil || !slices.Equal(m, []string{user}) {
			t.Errorf("CohortManagers = %v, %v; want the creator", m, err)
		}
		wantErr(t, "CreateCohort(same id)", s.CreateCohort(ctx, cohort("c1", 2000)), training.ErrConflict)
		bad := cohort("c2", 1)
		bad.CreatedBy = "nobody"
		wantErr(t, "CreateCohort(unknown creator)", s.CreateCohort(ctx, bad), training.ErrNotFound)
		_, err = s.Cohort(ctx, "nope")
		wantErr(t, "Cohort(nope)", err, training.ErrNotFound)
	}},
	{"CohortListsNewestFirstAndByRole", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.CreateCohort(ctx, cohort("old", 1000)))
		must(t, s.CreateCohort(ctx, cohort("new", 2000)))
		all, err := s.Cohorts(ctx)
		must(t, err)
		if got := cohortIDs(all); !slices.Equal(got, []string{"new", "old"}) {
			t.Errorf("Cohorts = %v, want new then old", got)
		}
		must(t, s.AddCohortManager(ctx, "old", other))
		must(t, s.AddCohortManager(ctx, "old", other)) // again: no-op
		mine, err := s.CohortsManagedBy(ctx, other)
		if err != nil || !slices.Equal(cohortIDs(mine), []string{"old"}) {
			t.Errorf("CohortsManagedBy(other) = %v, %v", cohortIDs(mine), err)
		}
		wantErr(t, "AddCohortManager(unknown user)", s.AddCohortManager(ctx, "old", "nobody"), training.ErrNotFound)
		wantErr(t, "AddCohortManager(unknown cohort)", s.AddCohortManager(ctx, "nope", other), training.ErrNotFound)
	}},
	{"CohortMembers", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.CreateCohort(ctx, cohort("c1", 1000)))
		must(t, s.CreateCohort(ctx, cohort("c2", 2000)))
		must(t, s.AddMember(ctx, "c1", other, time.UnixMilli(5000)))
		must(t, s.AddMember(ctx, "c1", other, time.UnixMilli(9000))) // again: no-op, the first join stands
		must(t, s.AddMember(ctx, "c1", user, time.UnixMilli(6000)))
		must(t, s.AddMember(ctx, "c2", other, time.UnixMilli(7000)))
		ms, err := s.Members(ctx, "c1")
		must(t, err)
		if len(ms) != 2 || ms[0].Account.Username != "alex" || ms[1].Account.Username != "sam" || !ms[0].JoinedAt.Equal(time.UnixMilli(5000)) {
			t.Errorf("Members = %+v, want alex (joined at 5000) then sam, by display name", ms)
		}
		of, err := s.CohortsOf(ctx, other)
		if err != nil || !slices.Equal(cohortIDs(of), []string{"c2", "c1"}) {
			t.Errorf("CohortsOf(other) = %v, %v", cohortIDs(of), err)
		}
		must(t, s.RemoveMember(ctx, "c1", other))
		wantErr(t, "RemoveMember(again)", s.RemoveMember(ctx, "c1", other), training.ErrNotFound)
		if ms, _ := s.Members(ctx, "c1"); len(ms) != 1 {
			t.Errorf("after RemoveMember, Members = %+v", ms)
		}
		wantErr(t, "AddMember(unknown user)", s.AddMember(ctx, "c1", "nobody", time.UnixMilli(1)), training.ErrNotFound)
	}},
	{"CohortAssignments", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.CreateCohort(ctx, cohort("c1", 1000)))
		a := func(sc string, due int64, marks map[string]int) training.Assignment {
			x := training.Assignment{CohortID: "c1", ScenarioID: sc, PassMarks: marks, AssignedBy: user, AssignedAt: time.UnixMilli(3000)}
			if due != 0 {
				x.Due = time.UnixMilli(due)
			}
			return x
		}
		must(t, s.SetAssignment(ctx, a("no-due", 0, nil)))
		must(t, s.SetAssignment(ctx, a("late", 9000, map[string]int{"empathy": 70})))
		must(t, s.SetAssignment(ctx, a("soon", 5000, nil)))
		must(t, s.SetAssignment(ctx, a("late", 8000, map[string]int{"empathy": 80, "listening": 60}))) // replaces
		got, err := s.Assignments(ctx, "c1")
		must(t, err)
		var order []string
		for _, x := range got {
			order = append(order, x.ScenarioID)
		}
		if !slices.Equal(order, []string{"soon", "late", "no-due"}) {
			t.Fatalf("Assignments order %v, want soon, late, no-due", order)
		}
		if l := got[1]; !l.Due.Equal(time.UnixMilli(8000)) || !maps.Equal(l.PassMarks, map[string]int{"empathy": 80, "listening": 60}) || l.AssignedBy != user {
			t.Errorf("the replaced assignment = %+v", l)
		}
		if n := got[2]; !n.Due.IsZero() || n.PassMarks != nil {
			t.Errorf("an assignment with no due date or marks = %+v", n)
		}
		must(t, s.RemoveAssignment(ctx, "c1", "late"))
		wantErr(t, "RemoveAssignment(again)", s.RemoveAssignment(ctx, "c1", "late"), training.ErrNotFound)
		bad := a("x", 0, nil)
		bad.CohortID = "nope"
		wantErr(t, "SetAssignment(unknown cohort)", s.SetAssignment(ctx, bad), training.ErrNotFound)
	}},
}

// reviewChecks are the suite's checks of comments, shares and who manages
// whom.
var reviewChecks = []check{
	{"ReviewManages", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		seed(t, s)
		must(t, s.CreateCohort(ctx, cohort("c1", 1000))) // managed by user
		if ok, err := s.Manages(ctx, user, other); err != nil || ok {
			t.Errorf("Manages before other joins = %v, %v; want false", ok, err)
		}
		must(t, s.AddMember(ctx, "c1", other, time.UnixMilli(2000)))
		if ok, err := s.Manages(ctx, user, other); err != nil || !ok {
			t.Errorf("Manages once other joined = %v, %v; want true", ok, err)
		}
		if ok, _ := s.Manages(ctx, other, user); ok {
			t.Error("Manages the wrong way round = true")
		}
	}},
	{"ReviewSharesAndComments", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		must(t, s.ShareAttempt(ctx, "a1", other, time.UnixMilli(1000)))
		must(t, s.ShareAttempt(ctx, "a1", other, time.UnixMilli(2000))) // again: no-op
		if got, err := s.SharedWith(ctx, "a1"); err != nil || !slices.Equal(got, []string{other}) {
			t.Errorf("SharedWith = %v, %v", got, err)
		}
		wantErr(t, "ShareAttempt(unknown attempt)", s.ShareAttempt(ctx, "nope", other, time.UnixMilli(1)), training.ErrNotFound)
		c := func(id string, ms int64, turn int) training.Comment {
			return training.Comment{ID: id, AttemptID: "a1", Turn: turn, AuthorID: other, Body: "Note " + id, CreatedAt: time.UnixMilli(ms)}
		}
		must(t, s.AddComment(ctx, c("k2", 2000, 3)))
		must(t, s.AddComment(ctx, c("k1", 1000, 0)))
		wantErr(t, "AddComment(same id)", s.AddComment(ctx, c("k1", 3000, 1)), training.ErrConflict)
		bad := c("k3", 1, 1)
		bad.AuthorID = "nobody"
		wantErr(t, "AddComment(unknown author)", s.AddComment(ctx, bad), training.ErrNotFound)
		got, err := s.Comments(ctx, "a1")
		must(t, err)
		if len(got) != 2 || got[0].ID != "k1" || got[1].Turn != 3 || got[0].AuthorName != "Name of alex" || got[1].Body != "Note k2" {
			t.Errorf("Comments = %+v, want k1 then k2 with the author's name", got)
		}
	}},
}

// statement is an outbox item for the suite.
func statement(id string) training.OutboxItem {
	return training.OutboxItem{ID: id, Body: []byte(`{"id":"` + id + `"}`)}
}

func dueIDs(t *testing.T, s training.Store, at time.Time) []string {
	t.Helper()
	due, err := s.DueStatements(t.Context(), at, 100)
	must(t, err)
	var out []string
	for _, d := range due {
		out = append(out, d.ID)
	}
	return out
}

// outboxChecks are the suite's checks of the xAPI outbox: written with the
// turn or not at all, and marked as the relay goes.
var outboxChecks = []check{
	{"OutboxWrittenWithTheTurn", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		w := turn("a1", 1)
		w.Outbox = []training.OutboxItem{statement("s1"), statement("s2")}
		must(t, s.SaveTurn(ctx, w))
		later := time.Now().Add(time.Hour)
		if got := dueIDs(t, s, later); !slices.Equal(got, []string{"s1", "s2"}) {
			t.Errorf("due %v, want s1 and s2", got)
		}
		due, _ := s.DueStatements(ctx, later, 1)
		if len(due) != 1 || string(due[0].Body) != `{"id":"s1"}` || due[0].Tries != 0 {
			t.Errorf("DueStatements(limit 1) = %+v", due)
		}
		// A turn the store refuses writes none of its statements.
		again := turn("a1", 1)
		again.Outbox = []training.OutboxItem{statement("s3")}
		wantErr(t, "SaveTurn(the same turn)", s.SaveTurn(ctx, again), training.ErrConflict)
		if got := dueIDs(t, s, later); slices.Contains(got, "s3") {
			t.Errorf("a refused turn queued its statement: %v", got)
		}
	}},
	{"OutboxMarks", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		create(t, s, "a1")
		w := turn("a1", 1)
		w.Outbox = []training.OutboxItem{statement("s1"), statement("s2"), statement("s3")}
		must(t, s.SaveTurn(ctx, w))
		now := time.Now().Add(time.Minute)
		must(t, s.MarkSent(ctx, []string{"s1"}, now))
		must(t, s.MarkFailed(ctx, []string{"s2"}, now.Add(time.Hour), "503 Service Unavailable"))
		if got := dueIDs(t, s, now); !slices.Equal(got, []string{"s3"}) {
			t.Errorf("due now %v, want s3 (s1 sent, s2 waiting)", got)
		}
		due, _ := s.DueStatements(ctx, now.Add(2*time.Hour), 10)
		if len(due) != 2 || due[0].ID != "s3" && due[1].ID != "s3" {
			t.Errorf("due later %+v, want s2 and s3", due)
		}
		for _, d := range due {
			if d.ID == "s2" && d.Tries != 1 {
				t.Errorf("s2 has %d tries, want 1", d.Tries)
			}
		}
		if waiting, sent, err := s.OutboxCounts(ctx); err != nil || waiting != 2 || sent != 1 {
			t.Errorf("OutboxCounts = %d, %d, %v; want 2 waiting, 1 sent", waiting, sent, err)
		}
		must(t, s.MarkSent(ctx, nil, now)) // nothing: fine
	}},
}
