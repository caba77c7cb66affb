package webui_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/webui/client"
	"parley/webui/training"
)

// TestCohortJourney: a manager creates a cohort, invites a new hire and an
// existing trainee, assigns a scenario with a due date and a stricter pass
// mark; the new hire signs up through the invitation, sees the assignment,
// plays it; the manager's review shows the result; another manager and a
// trainee cannot see the cohort.
func TestCohortJourney(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	bob := h.login(h.account("Bob", training.Roles(training.RoleManager)))
	kim := h.trainee("Kim")

	nov, err := ann.s.CreateCohort(ctx, "November onboarding")
	if err != nil {
		t.Fatal(err)
	}
	added, err := ann.s.Invite(ctx, nov.ID, "new.hire@example.com", "New Hire")
	if err != nil || !added.New || added.Link == nil || added.Member.HasPassword {
		t.Fatalf("invite a new hire: %+v %v", added, err)
	}
	if _, err := ann.s.Invite(ctx, nov.ID, kim.s.Who().Username, ""); statusCode(err) != training.CodeForbidden {
		t.Errorf("a manager adds a trainee outside their cohorts: %v, want forbidden", err)
	}
	h.join(nov.ID, kim.s.Who().Username)
	if again, err := ann.s.Invite(ctx, nov.ID, kim.s.Who().Username, ""); err != nil || again.New || !again.Already || again.Link != nil {
		t.Errorf("invite a member again: %+v %v; want already, no link", again, err)
	}
	due := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	a, err := ann.s.Assign(ctx, nov.ID, "late-shipment", &due, map[string]int{"empathy": 90})
	if err != nil || a.Title == "" || a.Due == nil || !a.Due.Equal(due) {
		t.Fatalf("assign: %+v %v", a, err)
	}
	for _, m := range a.Marks {
		if m.Competency == "empathy" && (m.Pass != 90 || m.Default == 90) {
			t.Errorf("empathy's mark %+v: want 90 overriding the scenario's", m)
		}
	}
	if _, err := ann.s.Assign(ctx, nov.ID, "late-shipment", nil, map[string]int{"charm": 1}); statusCode(err) != training.CodeBadRequest {
		t.Errorf("a competency the scenario lacks: %v", err)
	}

	hire, err := h.client().Redeem(ctx, client.LinkToken(added.Link.URL), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := hire.Assignments(ctx)
	if err != nil || len(mine) != 1 || mine[0].Cohort.Name != "November onboarding" || mine[0].Progress.Status != "not_started" {
		t.Fatalf("the new hire's assignments: %+v %v", mine, err)
	}
	c := (&trainee{t: t, h: h, s: hire}).dial()
	g, _ := playIdeal(t, c, "late-shipment")

	mine, _ = hire.Assignments(ctx)
	if p := mine[0].Progress; p.Attempts != 1 || p.Status == "not_started" || len(p.Results) == 0 || p.TooFast != 1 {
		t.Errorf("after playing the ideal path in no time: %+v; want a scored attempt flagged too fast", p)
	}
	rev, err := ann.s.Review(ctx, nov.ID)
	if err != nil || len(rev.Rows) != 2 || len(rev.Assignments) != 1 || len(rev.Averages) != 1 {
		t.Fatalf("review: %+v %v", rev, err)
	}
	var hireRow *client.ReviewRow
	for i := range rev.Rows {
		if rev.Rows[i].Trainee.Username == "new.hire@example.com" {
			hireRow = &rev.Rows[i]
		}
	}
	if hireRow == nil || hireRow.Cells[0].Attempts != 1 || rev.Averages[0].Started != 1 || rev.Averages[0].Members != 2 {
		t.Errorf("the review's rows %+v and averages %+v", rev.Rows, rev.Averages)
	}
	for _, r := range hireRow.Cells[0].Results {
		if r.Competency == "empathy" && r.Pass != 90 {
			t.Errorf("the review uses the scenario's mark %d, want the assignment's 90", r.Pass)
		}
	}

	// The review of one attempt: the manager reads the debrief and comments
	// on a turn; the trainee reads the comment; another manager cannot.
	if d, err := ann.s.Debrief(ctx, g.ID); err != nil || len(d.Debrief.Turns) == 0 {
		t.Fatalf("the manager reads the hire's debrief: %v", err)
	}
	const note = "<b>Good</b> apology; name the date next time."
	if _, err := ann.s.Comment(ctx, g.ID, 1, "  "+note+" "); err != nil {
		t.Fatal(err)
	}
	if _, err := ann.s.Comment(ctx, g.ID, 1, "nul \x00 byte"); statusCode(err) != training.CodeBadRequest {
		t.Errorf("a comment with a NUL: %v, want bad_request", err)
	}
	if _, err := ann.s.Comment(ctx, g.ID, 99, "x"); statusCode(err) != training.CodeBadRequest {
		t.Errorf("a comment on turn 99: %v, want bad_request", err)
	}
	if _, err := hire.Comment(ctx, g.ID, 1, "me"); statusCode(err) != training.CodeForbidden {
		t.Errorf("the trainee comments on their own attempt: %v, want forbidden", err)
	}
	if cs, err := hire.Comments(ctx, g.ID); err != nil || len(cs) != 1 || cs[0].Body != note || cs[0].Turn != 1 || cs[0].Author != "Ann" {
		t.Errorf("the trainee reads the comments: %+v %v", cs, err)
	}
	if _, err := bob.s.Debrief(ctx, g.ID); statusCode(err) != training.CodeNotYours {
		t.Errorf("another manager reads the debrief: %v, want not_yours", err)
	}
	if _, err := kim.s.Comments(ctx, g.ID); statusCode(err) != training.CodeNotYours {
		t.Errorf("another trainee reads the comments: %v, want not_yours", err)
	}
	// Sharing with a trainee and with a username that is no one's get one
	// answer: a trainee cannot learn who has an account, or its roles.
	errTrainee := hire.Share(ctx, g.ID, kim.s.Who().Username)
	errNobody := hire.Share(ctx, g.ID, "nobody")
	if statusCode(errTrainee) != training.CodeBadRequest || statusCode(errNobody) != training.CodeBadRequest ||
		strings.ReplaceAll(errTrainee.Error(), kim.s.Who().Username, "nobody") != errNobody.Error() {
		t.Errorf("sharing with a trainee: %v; with no one: %v; want one bad_request for both", errTrainee, errNobody)
	}
	if err := hire.Share(ctx, g.ID, bob.s.Who().Username); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.s.Debrief(ctx, g.ID); err != nil {
		t.Errorf("bob reads the debrief shared with him: %v", err)
	}
	if list, err := ann.s.TraineeAttempts(ctx, hire.Who().ID); err != nil || len(list) != 1 || list[0].ID != g.ID {
		t.Errorf("the manager lists the hire's attempts: %+v %v", list, err)
	}
	if _, err := bob.s.TraineeAttempts(ctx, hire.Who().ID); statusCode(err) != training.CodeNotFound {
		t.Errorf("another manager lists the hire's attempts: %v, want not_found", err)
	}

	// The heat-map: one attempt, every turn counted at its node, its ending
	// reached.
	hm, err := ann.s.Heatmap(ctx, nov.ID, "late-shipment")
	if err != nil || hm.Attempts != 1 {
		t.Fatalf("heatmap: %+v %v", hm, err)
	}
	chosen, reached := 0, 0
	for _, n := range hm.Nodes {
		sum := 0
		for _, r := range n.Replies {
			sum += r.Chosen
		}
		if sum != n.Visits {
			t.Errorf("node %s: %d visits, %d replies chosen", n.Node, n.Visits, sum)
		}
		chosen += sum
	}
	for _, e := range hm.Endings {
		reached += e.Reached
	}
	if chosen != len(loadScenario(t, "late-shipment").Analysis().Ideal) || reached != 1 {
		t.Errorf("heatmap counts %d replies and %d endings, want the ideal path's and one", chosen, reached)
	}

	// The CSV export: the cohort's attempts, for the manager; none for bob.
	recs := csvOf(t, ann, "/api/reports/attempts.csv?cohort="+nov.ID+"&from=2000-01-01")
	if len(recs) != 2 || recs[1][0] != "November onboarding" || recs[1][2] != "new.hire@example.com" || recs[1][3] != "late-shipment" {
		t.Errorf("the cohort's CSV: %q", recs)
	}
	if recs := csvOf(t, ann, "/api/reports/attempts.csv?scenario=defective-part"); len(recs) != 1 {
		t.Errorf("filtered by another scenario: %q, want the header only", recs)
	}
	if recs := csvOf(t, bob, "/api/reports/attempts.csv"); len(recs) != 1 {
		t.Errorf("bob's CSV (no cohorts): %q, want the header only", recs)
	}
	var body errorCode
	if status := ann.get("/api/reports/attempts.csv?from=yesterday", &body); status != http.StatusBadRequest {
		t.Errorf("a bad date: %d, want 400", status)
	}
	if status := bob.get("/api/cohorts/"+nov.ID+"/review", &body); status != http.StatusNotFound {
		t.Errorf("another manager reads the review: %d, want 404", status)
	}
	if status := kim.get("/api/cohorts/"+nov.ID, &body); status != http.StatusForbidden {
		t.Errorf("a trainee reads the cohort: %d, want 403", status)
	}
	if list, err := kim.s.Assignments(ctx); err != nil || len(list) != 1 {
		t.Errorf("kim's assignments: %+v %v", list, err)
	}
}

// csvOf fetches a CSV report and parses it with encoding/csv.
func csvOf(t *testing.T, tr *trainee, path string) [][]string {
	t.Helper()
	resp, err := tr.s.HTTP().Get(tr.h.url(path))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=\"parley-attempts-") {
		t.Fatalf("GET %s: %s %v", path, resp.Status, resp.Header)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: not CSV: %v", path, err)
	}
	return recs
}
