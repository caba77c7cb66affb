package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAssignmentsFirst: a trainee's assignments come first in the catalog,
// earliest due first, each with its cohort, its due date in words (an
// overdue one says so, in words and with an icon), its status and a link to
// start or carry on; a trainee with none has no such section.
func TestAssignmentsFirst(t *testing.T) {
	srv := startServer(t)
	m := srv.session(srv.account("mia", "Mia Manager", manager))
	kim := srv.trainee("Kim Assigned")
	lou := srv.trainee("Lou Free")
	cid := srv.cohort(m, "Spring support", []user{kim})
	ctx := context.Background()
	past, later := time.Now().Add(-50*time.Hour), time.Now().Add(10*24*time.Hour)
	if _, err := m.Assign(ctx, cid, "late-shipment", &later, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Assign(ctx, cid, "defective-part", &past, nil); err != nil {
		t.Fatal(err)
	}
	play(t, srv.session(kim), "late-shipment", nil, "open") // begun, not finished

	b := newBrowser(t)
	p := b.tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(kim)
	p.waitState("catalog")
	type item struct {
		Scenario, Status, Overdue, Due, Cohort, Action, Href string
	}
	items := eval[[]item](p, `[...document.querySelectorAll('#assignments [data-testid=assignment]')].map((a) => ({
		Scenario: a.dataset.scenarioId, Status: a.dataset.status, Overdue: a.dataset.overdue,
		Due: a.querySelector('.due').textContent, Cohort: a.querySelector('.assignment__cohort').textContent,
		Action: a.querySelector('a.assignment__start').textContent, Href: a.querySelector('a.assignment__start').getAttribute('href')}))`)
	if len(items) != 2 {
		t.Fatalf("the catalog lists %d assignments, want 2: %+v", len(items), items)
	}
	overdue, soon := items[0], items[1]
	if overdue.Scenario != "defective-part" || overdue.Status != "not_started" || overdue.Overdue != "true" ||
		!strings.HasPrefix(overdue.Due, "Overdue · Was due ") || overdue.Cohort != "Cohort: Spring support" || !strings.HasPrefix(overdue.Action, "Start") {
		t.Errorf("the overdue assignment shows %+v", overdue)
	}
	if soon.Scenario != "late-shipment" || soon.Status != "in_progress" || soon.Overdue != "false" || !strings.HasPrefix(soon.Due, "Due in ") ||
		!strings.HasPrefix(soon.Action, "Continue") || !strings.HasPrefix(soon.Href, "#/a/") {
		t.Errorf("the assignment in progress shows %+v; want it due in some days, Continue to the call", soon)
	}
	if first := eval[string](p, `document.querySelector('#main section[aria-labelledby]')?.id`); first != "assignments" {
		t.Errorf("the first section of the catalog is #%s, want #assignments", first)
	}
	if icon := eval[bool](p, `!!document.querySelector('[data-overdue=true] .due .icon')`); !icon {
		t.Errorf("the overdue date has no icon")
	}

	q := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	q.signIn(lou)
	q.waitState("catalog")
	if eval[bool](q, `!!document.getElementById('assignments')`) {
		t.Errorf("a trainee with no assignments has an assignments section")
	}
}
