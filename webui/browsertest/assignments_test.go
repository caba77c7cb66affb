package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/webui/training"
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

// TestManageCohort: a manager who also practises picks the scenario from
// the list; its competencies come with the scenario's pass marks, and one
// raised is kept as the assignment's; the due date is the end of the chosen
// day in UTC. Changing the assignment puts the mark back and drops the due
// date; removing it, and removing a trainee, ask first and say so.
func TestManageCohort(t *testing.T) {
	srv := startServer(t)
	mgr := srv.account("pat", "Pat Plays", training.Roles(training.RoleManager|training.RoleTrainee))
	kim := srv.trainee("Kim Member")
	cid := srv.cohort(srv.session(mgr), "Summer", []user{kim})
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(mgr)
	p.waitState("catalog") // someone who practises lands on the catalog
	p.click("follow Cohorts", "#nav-cohorts")
	p.waitState("cohorts")
	if got := eval[string](p, `[...document.querySelectorAll('[data-testid=cohort]')].map((c) => c.textContent).join('|')`); !strings.Contains(got, "Summer") || !strings.Contains(got, "1 trainee") {
		t.Errorf("the cohorts list says %q", got)
	}
	p.open("#/cohorts/" + cid)
	p.waitState("cohort")
	p.do("choose the scenario", chromedp.SetValue(chromedp.CSS("#assign-scenario"), "late-shipment"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('assign-scenario').dispatchEvent(new Event('change'))`))
	p.waitFor("the pass marks", 5*time.Second, `document.getElementById('assign-mark-empathy')`)
	if got := eval[string](p, `document.getElementById('assign-mark-empathy').value + '/' + document.getElementById('assign-mark-empathy').dataset.default`); got != "60/60" {
		t.Errorf("empathy's mark starts at %q, want the scenario's 60", got)
	}
	p.typeInto("#assign-mark-empathy", "101")
	p.click("assign", "#assign-submit")
	p.waitFor("the mark refused", 5*time.Second, `document.getElementById('assign-mark-empathy-error').textContent.includes('0 to 100') && document.activeElement?.id === 'assign-mark-empathy'`)
	p.typeInto("#assign-mark-empathy", "80")
	p.do("choose the due date", chromedp.SetValue(chromedp.CSS("#assign-due"), "2030-03-15"))
	p.click("assign", "#assign-submit")
	p.waitFor("the assignment", 10*time.Second, `document.querySelector('[data-testid=assigned][data-scenario=late-shipment]')`)
	a, err := srv.session(mgr).Cohort(context.Background(), cid)
	if err != nil || len(a.Assignments) != 1 {
		t.Fatalf("the cohort: %+v %v", a, err)
	}
	if due := a.Assignments[0].Due; due == nil || due.UTC().Format(time.RFC3339) != "2030-03-15T23:59:59Z" {
		t.Errorf("the due date sent is %v, want the end of 15 March 2030 in UTC", due)
	}
	for _, m := range a.Assignments[0].Marks {
		if want := map[bool]int{true: 80, false: m.Default}[m.Competency == "empathy"]; m.Pass != want {
			t.Errorf("%s's mark is %d, want %d", m.Competency, m.Pass, want)
		}
	}
	if got := eval[string](p, `document.querySelector('[data-testid=assigned] .assigned__marks').textContent`); !strings.Contains(got, "Empathy 80 (scenario: 60)") {
		t.Errorf("the assignment's marks read %q", got)
	}
	if got := eval[string](p, `document.querySelector('[data-testid=assigned] .due time').textContent`); got != "Fri, Mar 15" && got != "Fri, 15 Mar" {
		t.Errorf("the due date reads %q, want the day chosen", got)
	}

	p.click("change it", `[data-testid=assigned] button[data-action=edit]`)
	p.waitFor("the dialog", 5*time.Second, `document.getElementById('edit-dialog')?.open && document.activeElement?.id === 'edit-due'`)
	p.do("no due date, the scenario's mark", emptyInput("#edit-due"))
	p.typeInto("#edit-mark-empathy", "60")
	p.key(kb.Enter) // Enter in a field saves, as in the Assign form
	p.waitFor("the change", 5*time.Second, `!document.getElementById('edit-dialog').open && document.querySelector('[data-testid=assigned] .due--none') && document.activeElement?.dataset.action === 'edit'`)
	if got := eval[string](p, `document.querySelector('[data-testid=assigned] .assigned__marks').textContent`); !strings.Contains(got, "the scenario’s own") {
		t.Errorf("after the change the marks read %q", got)
	}
	p.key(kb.Enter) // the focus is back on Change: open it again, and Enter in the due date saves too
	p.waitFor("the dialog", 5*time.Second, `document.getElementById('edit-dialog')?.open && document.activeElement?.id === 'edit-due'`)
	p.do("choose a due date", chromedp.SetValue(chromedp.CSS("#edit-due"), "2030-04-01"))
	p.key(kb.Enter)
	p.waitFor("the new due date", 5*time.Second, `!document.getElementById('edit-dialog').open && document.querySelector('[data-testid=assigned] .due time') && document.activeElement?.dataset.action === 'edit'`)
	if got := eval[string](p, `document.querySelector('[data-testid=assigned] .due time').textContent`); got != "Mon, Apr 1" && got != "Mon, 1 Apr" {
		t.Errorf("after Enter in the due date it reads %q, want the day chosen", got)
	}

	p.click("remove the assignment", `[data-testid=assigned] button[data-action=unassign]`)
	p.waitFor("the question", 5*time.Second, `document.getElementById('unassign-dialog')?.open && document.activeElement?.id === 'unassign-cancel'`)
	p.click("confirm", "#unassign-confirm")
	p.waitFor("the assignment gone", 5*time.Second, `!document.querySelector('[data-testid=assigned]') && document.getElementById('cohort-status').textContent.includes('no longer assigned')`)

	p.click("remove Kim", `#members-table tr[data-username="kim.member"] button[data-action=remove]`)
	p.waitFor("the question", 5*time.Second, `document.getElementById('remove-member-dialog')?.open`)
	p.click("confirm", "#remove-member-confirm")
	p.waitFor("Kim gone", 5*time.Second, `!document.querySelector('#members-table') && document.getElementById('cohort-status').textContent.includes('no longer in the cohort') && document.activeElement?.id === 'members-heading'`)
}

// TestBriefingTellsTheHeldMark: an assignment that raises a pass mark shows
// in the briefing (the mark, which cohort set it and the scenario's own)
// and in the briefing panel kept at hand during the call.
func TestBriefingTellsTheHeldMark(t *testing.T) {
	srv := startServer(t)
	m := srv.session(srv.account("mia", "Mia Manager", manager))
	kim := srv.trainee("Kim Held")
	cid := srv.cohort(m, "Spring support", []user{kim})
	if _, err := m.Assign(context.Background(), cid, "late-shipment", nil, map[string]int{"empathy": 95}); err != nil {
		t.Fatal(err)
	}
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn(kim)
	p.waitState("catalog")
	p.open("#/s/late-shipment")
	p.waitState("briefing")
	type comp struct{ ID, Pass, Held string }
	comps := eval[[]comp](p, `[...document.querySelectorAll('[data-testid=competency]')].map((c) => ({
		ID: c.dataset.competency, Pass: c.querySelector('.competency__pass strong').textContent,
		Held: c.querySelector('[data-testid=held-from]')?.textContent || ''}))`)
	if len(comps) == 0 {
		t.Fatal("the briefing lists no competencies")
	}
	for _, c := range comps {
		if c.ID == "empathy" {
			if c.Pass != "95" || !strings.Contains(c.Held, "“Spring support”") || !strings.Contains(c.Held, "the scenario’s own is 60") {
				t.Errorf("empathy in the briefing: %+v; want pass mark 95, set by Spring support, the scenario's own 60", c)
			}
		} else if c.Held != "" {
			t.Errorf("%s says %q, though the assignment leaves its mark alone", c.ID, c.Held)
		}
	}
	p.begin("late-shipment")
	p.toggleBriefing()
	p.waitFor("the briefing panel", 5*time.Second, `document.querySelector('[data-testid=brief-competency][data-competency=empathy]')`)
	if got := eval[string](p, `document.querySelector('[data-testid=brief-competency][data-competency=empathy] .brief-comps__pass').textContent`); got != " · pass mark 95 (set by Spring support)" {
		t.Errorf("the call's briefing panel says %q for empathy", got)
	}
}
