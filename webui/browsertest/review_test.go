package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The manager's review and the trainee's side of it (docs/accounts.md:
// cohorts, watching, comments and sharing), in the browser.

// xssComment is a comment that is markup: it must show as text.
const xssComment = `Good apology <img src=x onerror=window.__xss=1> — now name the date.`

// reviewCell is one trainee on one assignment in the review table.
type reviewCell struct {
	Status   string   `json:"status"`
	Text     string   `json:"text"`
	Results  []string `json:"results"` // competency=best/latest, each as data-* says
	Review   string   `json:"review"`  // the latest attempt's link
	Watch    string   `json:"watch"`   // the link to watch
	Trainee  string   `json:"trainee"` // the row's name, as text
	TooFast  string   `json:"tooFast"`
	Overdue  bool     `json:"overdue"`
	Links    int      `json:"links"`
	Scenario string   `json:"scenario"`
}

func (p *page) reviewCell(username, scenario string) reviewCell {
	p.t.Helper()
	return eval[reviewCell](p, fmt.Sprintf(`(() => {
		const row = document.querySelector('#review-table tr[data-username=%q]');
		const c = row?.querySelector('[data-testid=review-cell][data-scenario=%q]');
		if (!c) return {};
		return {status: c.dataset.status, scenario: c.dataset.scenario, text: c.textContent.replace(/\s+/g, ' ').trim(),
			results: [...c.querySelectorAll('.res')].map((r) => r.dataset.competency + '=' + r.dataset.best + '/' + r.dataset.latest),
			review: c.querySelector('a[data-action=review]')?.getAttribute('href') || '',
			watch: c.querySelector('a[data-action=watch]')?.getAttribute('href') || '',
			trainee: row.querySelector('[data-testid=trainee-link]')?.textContent || '',
			tooFast: c.querySelector('[data-testid=too-fast]')?.textContent.trim() || '',
			overdue: !!c.querySelector('.cell__overdue'),
			links: c.querySelectorAll('a').length};
	})()`, username, scenario))
}

// typeInto empties a field and types text into it.
func (p *page) typeInto(sel, text string) {
	p.t.Helper()
	p.do("type into "+sel, emptyInput(sel), chromedp.SendKeys(chromedp.CSS(sel), text))
}

// click clicks the element sel.
func (p *page) click(what, sel string) {
	p.t.Helper()
	p.do(what, chromedp.Click(chromedp.CSS(sel)))
}

// TestCohortReview is the manager's review from end to end: the manager
// creates a cohort, assigns a scenario with a due date and invites a
// trainee (whose name is markup); the trainee opens the invitation in a
// browser of their own, chooses a password, finds the assignment first in
// the catalog and plays it to an ending; the manager's review shows the
// result; the manager opens the attempt review and comments on a turn and on
// the whole call (a comment that is markup); the trainee sees the comments on
// their debrief, and shares it. A trainee cannot open the cohorts, and
// another manager finds this cohort "not found".
func TestCohortReview(t *testing.T) {
	sc, plan := bundledPlan(t, "late-shipment.ideal")
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	other := srv.account("bo", "Bo Other", manager)
	b := newBrowser(t)

	// The manager: a cohort, an assignment, an invitation.
	m := b.tab(srv.url(), tabOptions{reducedMotion: true})
	m.signIn(mgr)
	m.waitState("cohorts") // a manager who does not practise lands on the cohorts
	if got := eval[string](m, `document.querySelector('.site-header [aria-current=page]')?.id + ' ' + document.getElementById('nav-scenarios').hidden`); got != "nav-cohorts true" {
		t.Errorf("on the cohorts, the current nav link and whether Scenarios is hidden: %q", got)
	}
	m.typeInto("#cohort-name", "November onboarding")
	m.click("create the cohort", "#cohort-create")
	m.waitState("cohort")
	cohortID := eval[string](m, `document.getElementById('cohort').dataset.cohortId`)
	if got := eval[string](m, `document.activeElement?.tagName + ' ' + document.querySelector('#main h1').textContent`); got != "H1 November onboarding" {
		t.Errorf("the new cohort's page: focus and heading %q", got)
	}
	if eval[bool](m, `!document.getElementById('review-empty')`) {
		t.Errorf("an empty cohort does not say there is nothing to review yet")
	}

	due := time.Now().AddDate(0, 0, 3).UTC().Format("2006-01-02")
	// A manager who does not practise picks the scenario by its title, and
	// sees its pass marks, as one who practises does.
	if got := eval[string](m, `[...document.querySelectorAll('#assign-scenario option')].map((o) => o.value + '=' + o.textContent).join('|')`); !strings.Contains(got, sc.ID+"="+sc.Title) {
		t.Errorf("the scenarios to assign are %q; want a list with %s", got, sc.Title)
	}
	m.do("choose the scenario", chromedp.SetValue(chromedp.CSS("#assign-scenario"), sc.ID),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('assign-scenario').dispatchEvent(new Event('change'))`))
	m.waitFor("the pass marks", 5*time.Second, `document.getElementById('assign-mark-empathy')?.value === '60'`)
	m.do("choose the due date", chromedp.SetValue(chromedp.CSS("#assign-due"), due))
	m.click("assign", "#assign-submit")
	m.waitFor("the assignment", 10*time.Second, fmt.Sprintf(`document.querySelector('[data-testid=assigned][data-scenario=%q]')`, sc.ID))
	if got := eval[string](m, `document.getElementById('cohort-status').textContent`); !strings.Contains(got, "is assigned") {
		t.Errorf("after assigning, the status says %q", got)
	}

	m.typeInto("#invite-username", "dana@example.com")
	m.typeInto("#invite-name", xssName)
	m.click("invite", "#invite-submit")
	m.waitFor("the invitation link", 10*time.Second, `document.getElementById('invite-link')?.value.includes('#/link/')`)
	invitation := eval[string](m, `document.getElementById('invite-link').value`)
	if got := eval[string](m, `document.activeElement?.id`); got != "invite-result-title" {
		t.Errorf("after inviting, the focus is on #%s, want the result's heading", got)
	}
	m.waitFor("the trainee in the review table", 5*time.Second, `document.querySelector('#review-table tr[data-username="dana@example.com"]')`)
	if c := m.reviewCell("dana@example.com", sc.ID); c.Status != "not_started" || c.Trainee != xssName {
		t.Errorf("the new trainee's cell: %+v; want not started, the name as text", c)
	}
	m.noMarkupRan("the review table with a name that is markup")

	// The trainee, in a browser of their own.
	d := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	d.do("open the invitation", chromedp.Navigate(invitation))
	d.waitState("link")
	const pw = "dana's own passphrase"
	d.key(pw)
	d.key(kb.Tab) // the Show button
	d.key(kb.Tab)
	d.key(pw)
	d.key(kb.Enter)
	d.waitState("catalog")
	type assignment struct {
		First, Status, Cohort, Due, Action string
		Overdue                            string
	}
	a := eval[assignment](d, fmt.Sprintf(`(() => {
		const a = document.querySelector('[data-testid=assignment][data-scenario-id=%q]');
		const sections = [...document.querySelectorAll('#main section[aria-labelledby]')].map((s) => s.getAttribute('aria-labelledby'));
		return {First: sections[0] || '', Status: a?.dataset.status || '', Overdue: a?.dataset.overdue || '',
			Cohort: a?.querySelector('.assignment__cohort')?.textContent || '', Due: a?.querySelector('.due')?.textContent || '',
			Action: a?.querySelector('a.assignment__start')?.textContent || ''};
	})()`, sc.ID))
	if a.First != "assignments-heading" || a.Status != "not_started" || a.Overdue != "false" || !strings.Contains(a.Cohort, "November onboarding") ||
		!strings.HasPrefix(a.Due, "Due in ") || !strings.HasPrefix(a.Action, "Start") {
		t.Errorf("the trainee's catalog shows the assignment as %+v; want it first, not started, due in a few days, in November onboarding, to start", a)
	}
	d.noMarkupRan("the catalog of a trainee whose name is markup")
	d.click("start the assignment", "a.assignment__start")
	d.waitState("briefing")
	d.click("begin", "#begin")
	d.waitState("conversation")
	c := d.follow(d.settle(0), plan, len(plan), false)
	attemptID := d.attemptID()
	if c.Mode != "ended" {
		t.Fatalf("the call did not end: %s", d.describe())
	}
	d.open("#/")
	d.waitState("catalog")
	if got := eval[string](d, fmt.Sprintf(`document.querySelector('[data-testid=assignment][data-scenario-id=%q]')?.dataset.status`, sc.ID)); got != "passed" {
		t.Errorf("after playing the ideal path the assignment says %q, want passed", got)
	}

	// The manager's review shows it.
	m.do("reload", chromedp.Reload())
	m.waitState("cohort")
	cell := m.reviewCell("dana@example.com", sc.ID)
	if cell.Status != "passed" || len(cell.Results) == 0 || !strings.Contains(cell.Text, "1 attempt") || cell.Review == "" {
		t.Fatalf("the review shows %+v; want passed, with scores, one attempt and a link to it", cell)
	}
	if !strings.Contains(cell.Review, "#/review/"+attemptID) {
		t.Errorf("the cell links to %q, want the attempt %s", cell.Review, attemptID)
	}
	if avg := eval[string](m, fmt.Sprintf(`document.querySelector('[data-testid=average][data-scenario=%q]')?.textContent || ''`, sc.ID)); !strings.Contains(avg, "1 of 1 passed") {
		t.Errorf("the cohort's average says %q, want 1 of 1 passed", avg)
	}
	m.noMarkupRan("the review table with results")

	// The attempt review: the debrief, read only, and comments.
	m.click("open the latest attempt", fmt.Sprintf(`#review-table tr[data-username="dana@example.com"] [data-scenario=%q] a[data-action=review]`, sc.ID))
	m.waitState("review")
	type review struct {
		Turns, Practise, Forms int
		Mode, Eyebrow, Back    string
	}
	r := eval[review](m, `({Turns: document.querySelectorAll('[data-testid=turn]').length,
		Practise: document.querySelectorAll('[data-action=practice], #try-again').length,
		Forms: document.querySelectorAll('form[data-testid=comment-form]').length,
		Mode: document.getElementById('debrief')?.dataset.mode || '',
		Eyebrow: document.querySelector('#debrief .eyebrow')?.textContent || '',
		Back: document.getElementById('back-to-cohort')?.getAttribute('href') || ''})`)
	if r.Turns != len(plan) || r.Practise != 0 || r.Mode != "review" || r.Forms != len(plan)+1 || r.Back != "#/cohorts/"+cohortID || !strings.Contains(r.Eyebrow, xssName) {
		t.Errorf("the attempt review: %+v; want %d turns, no Practise or Try again, a comment form per turn and the call, back to the cohort, the trainee named", r, len(plan))
	}
	m.click("comment on turn 1", `[data-action=comment][data-turn="1"]`)
	m.waitFor("the comment field", 5*time.Second, `document.activeElement?.id === 'comment-1'`)
	m.key(xssComment)
	m.click("add the comment", "#comment-1-submit")
	m.waitFor("the comment", 10*time.Second, `document.querySelector('#turn-1 [data-testid=comment] .comment__body')`)
	m.typeInto("#comment-0", "A calm call throughout. Well done.")
	m.click("add the comment on the whole call", "#comment-0-submit")
	m.waitFor("the comment on the whole call", 10*time.Second, `document.querySelector('#call-comments [data-testid=comment]')`)
	if got := eval[string](m, `document.querySelector('#turn-1 [data-testid=comment] .comment__body').textContent`); got != xssComment {
		t.Errorf("the comment shows as %q, want %q", got, xssComment)
	}
	m.noMarkupRan("the attempt review with a comment that is markup")
	m.do("reload", chromedp.Reload())
	m.waitState("review")
	if n := eval[int](m, `document.querySelectorAll('[data-testid=comment]').length`); n != 2 {
		t.Errorf("after a reload the attempt review shows %d comments, want 2", n)
	}

	// The trainee reads them on their debrief, and shares it.
	d.open("#/a/" + attemptID + "/debrief")
	d.waitState("debrief")
	type notes struct {
		Turn1, Call, Author string
		Forms               int
	}
	n := eval[notes](d, `({Turn1: document.querySelector('#turn-1 [data-testid=comment] .comment__body')?.textContent || '',
		Call: document.querySelector('#reviewer-notes [data-testid=comment] .comment__body')?.textContent || '',
		Author: document.querySelector('#turn-1 .comment__author')?.textContent || '',
		Forms: document.querySelectorAll('form[data-testid=comment-form]').length})`)
	if n.Turn1 != xssComment || n.Call != "A calm call throughout. Well done." || n.Author != "Mia Manager" || n.Forms != 0 {
		t.Errorf("the trainee's debrief shows %+v; want the comments under turn 1 and in the reviewer's notes, by Mia Manager, and no form", n)
	}
	d.noMarkupRan("the trainee's debrief with a comment that is markup")
	d.typeInto("#share-username", other.Username)
	d.click("share", "#share-submit")
	d.waitFor("the link to send", 10*time.Second, `document.getElementById('share-link')?.value.includes('#/review/')`)
	if got := eval[string](d, `document.getElementById('share-result').textContent`); !strings.Contains(got, "Shared with bo") {
		t.Errorf("after sharing the page says %q", got)
	}

	// Who may not: the trainee, and another manager (who may read the shared debrief).
	d.open("#/cohorts")
	d.waitState("error")
	if code := eval[string](d, `document.getElementById('problem')?.dataset.code`); code != "forbidden" {
		t.Errorf("a trainee on #/cohorts gets the problem %q, want forbidden", code)
	}
	o := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	o.signIn(other)
	o.open("#/cohorts/" + cohortID)
	o.waitState("error")
	if code := eval[string](o, `document.getElementById('problem')?.dataset.code`); code != "not_found" {
		t.Errorf("another manager on the cohort gets the problem %q, want not_found", code)
	}
	o.open("#/review/" + attemptID)
	o.waitState("review")
	if n := eval[int](o, `document.querySelectorAll('[data-testid=comment]').length`); n != 2 {
		t.Errorf("the manager it was shared with sees %d comments, want 2", n)
	}
}

// watchLines is what #transcript shows, as who:reply-or-text, for
// comparing the trainee's call with the manager's view of it (the trainee's
// own lines read "you" there, and the trainee's name here).
const watchLinesJS = `[...document.querySelectorAll('#transcript [data-testid=line]')].map((e) =>
	e.dataset.who + ':' + (e.dataset.who === 'me' ? e.dataset.replyId
		: (e.querySelector('.msg__bubble')?.lastChild || e).textContent.replace(/\s+/g, ' ').trim()))`

// TestWatchLive: a manager watches a trainee's call as it happens, from
// the review's "Watch live": the snapshot, then each reply and the end;
// the trainee's call says who is watching, and stops saying it once the
// manager leaves.
func TestWatchLive(t *testing.T) {
	sc, plan := bundledPlan(t, "late-shipment.ideal")
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	kim := srv.trainee("Kim Watched")
	cid := srv.cohort(srv.session(mgr), "Spring", []user{kim}, sc.ID)
	b := newBrowser(t)

	k := b.tab(srv.url(), tabOptions{reducedMotion: true})
	k.signIn(kim)
	c := k.begin(sc.ID)
	c = k.follow(c, plan, 1, false)

	m := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
	m.signIn(mgr)
	m.open("#/cohorts/" + cid)
	m.waitState("cohort")
	if cell := m.reviewCell(kim.Username, sc.ID); cell.Status != "in_progress" || cell.Watch == "" {
		t.Fatalf("the review shows %+v; want in progress, with Watch live", cell)
	}
	m.click("watch live", `#review-table a[data-action=watch]`)
	m.waitState("watch")
	m.waitFor("the snapshot", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'active' && document.getElementById('watch').dataset.turn === '1'`)
	same := func(when string) {
		t.Helper()
		want := eval[[]string](k, watchLinesJS)
		m.waitFor("the same lines as the trainee's "+when, 10*time.Second, fmt.Sprintf(`JSON.stringify(%s) === %q`, watchLinesJS, mustJSON(t, want)))
	}
	same("after the snapshot")
	if got := eval[string](m, `document.querySelector('#main h1').textContent + ' | ' + document.activeElement?.tagName`); got != "Kim Watched’s call | H1" {
		t.Errorf("the watch view's heading and focus: %q", got)
	}
	if eval[int](m, `document.querySelectorAll('#replies button, #give-up').length`) != 0 {
		t.Errorf("the watch view offers replies or giving up")
	}
	k.waitFor("who is watching", 10*time.Second, `document.getElementById('watchers')?.textContent === 'Mia Manager is watching this call'`)
	if role := eval[string](k, `document.getElementById('watchers').getAttribute('role')`); role != "status" {
		t.Errorf("#watchers has role %q, want status", role)
	}

	c = k.follow(c, plan, 3, false)
	same("after two more replies")
	if got := eval[string](m, `document.getElementById('watch').dataset.turn`); got != "3" {
		t.Errorf("the watch view is at turn %s, want 3", got)
	}
	k.follow(c, plan, len(plan), false)
	m.waitFor("the end of the call", 10*time.Second, `document.getElementById('watch')?.dataset.status === 'finished' && document.getElementById('watch-review')`)
	same("at the end")
	if href := eval[string](m, `document.getElementById('watch-review').getAttribute('href')`); !strings.HasPrefix(href, "#/review/"+k.attemptID()) {
		t.Errorf("the watch view's way to the review is %q", href)
	}

	m.open("#/cohorts/" + cid)
	m.waitState("cohort")
	k.waitFor("no one watching", 10*time.Second, `document.getElementById('watchers')?.textContent === ''`)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTraineeViewAndHeatmap: the review table sorts by a column (aria-sort
// says how); a trainee's view lists their attempts with scores, their
// practice runs apart, and a trend chart per competency with its pass mark
// and a table for screen readers; the heat-map shows each point of the
// call with how often each reply was chosen, in words, and what the cohort
// gets wrong.
func TestTraineeViewAndHeatmap(t *testing.T) {
	sc, mediocre := bundledPlan(t, "late-shipment.mediocre")
	_, ideal := bundledPlan(t, "late-shipment.ideal")
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	ann, zed := srv.trainee("Ann Early"), srv.trainee("Zed Late")
	cid := srv.cohort(srv.session(mgr), "Spring", []user{ann, zed}, sc.ID)
	zs := srv.session(zed)
	first := play(t, zs, sc.ID, mediocre, "")
	play(t, zs, sc.ID, ideal, "")
	if _, err := zs.Practise(context.Background(), first, 2); err != nil {
		t.Fatal(err)
	}
	play(t, srv.session(ann), sc.ID, mediocre[:2], "give up")

	m := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	m.signIn(mgr)
	m.open("#/cohorts/" + cid)
	m.waitState("cohort")
	order := func() string {
		return eval[string](m, `[...document.querySelectorAll('#review-table tbody tr')].map((r) => r.dataset.username).join(' ')`)
	}
	sorted := func(col string) string {
		return eval[string](m, fmt.Sprintf(`document.querySelector('#review-table th[data-col=%q]').getAttribute('aria-sort') || ''`, col))
	}
	if got := order(); got != "ann.early zed.late" || sorted("name") != "ascending" {
		t.Errorf("the review's rows by default: %q, sorted %q; want by name, ascending", got, sorted("name"))
	}
	col := fmt.Sprintf(`#review-table button[data-sort=%q]`, sc.ID)
	m.click("sort by the assignment", col)
	if got := order(); got != "ann.early zed.late" || sorted(sc.ID) != "ascending" || sorted("name") != "" {
		t.Errorf("sorted by the assignment: %q, aria-sort %q (name %q); want those furthest behind first", got, sorted(sc.ID), sorted("name"))
	}
	m.click("sort by the assignment, the other way", col)
	if got := order(); got != "zed.late ann.early" || sorted(sc.ID) != "descending" {
		t.Errorf("sorted by the assignment, descending: %q, aria-sort %q", got, sorted(sc.ID))
	}
	if got := eval[string](m, `document.activeElement?.dataset.sort || ''`); got != sc.ID {
		t.Errorf("after sorting the focus is on %q, want the column's button", got)
	}
	cell := m.reviewCell("zed.late", sc.ID)
	if cell.Status != "passed" || !strings.Contains(cell.Text, "2 attempts") || !strings.Contains(cell.Text, "→ latest 100") || cell.TooFast == "" {
		t.Errorf("Zed's cell: %+v; want passed, 2 attempts, the change from the first, the runs too fast", cell)
	}

	// The trainee view.
	m.click("open Zed", `#review-table tr[data-username="zed.late"] a[data-testid=trainee-link]`)
	m.waitState("trainee")
	type view struct {
		Heading                          string
		Trends, Charts, TableRows, Marks int
		Attempts, Practice, Reviews      int
		Chips                            []string
	}
	v := eval[view](m, `({Heading: document.querySelector('#main h1').textContent,
		Trends: document.querySelectorAll('[data-testid=trend]').length,
		Charts: document.querySelectorAll('[data-testid=trend] svg[role=img]').length,
		TableRows: document.querySelectorAll('[data-testid=trend]:first-of-type .vh table tbody tr').length,
		Marks: document.querySelectorAll('[data-testid=trend] .chart__pass').length,
		Attempts: document.querySelectorAll('#trainee-attempts [data-testid=trainee-attempt]').length,
		Practice: document.querySelectorAll('#trainee-practice [data-testid=trainee-attempt][data-practice=true]').length,
		Reviews: document.querySelectorAll('#trainee-attempts a[data-action=review]').length,
		Chips: [...document.querySelectorAll('#trainee-attempts .score-chip')].map((c) => c.dataset.competency + '=' + c.dataset.score + ':' + c.dataset.passed)})`)
	comps := len(debriefOf(t, sc, ideal).Scores)
	if v.Heading != "Zed Late" || v.Trends != comps || v.Charts != comps || v.TableRows != 2 || v.Marks != comps ||
		v.Attempts != 2 || v.Practice != 1 || v.Reviews != 2 || len(v.Chips) != 2*comps {
		t.Errorf("Zed's view: %+v; want %d trends with a chart, a pass mark and 2 rows each, 2 attempts with scores and reviews, 1 practice run apart", v, comps)
	}

	// The heat-map.
	m.open("#/cohorts/" + cid + "/scenarios/" + sc.ID)
	m.waitState("heatmap")
	type heat struct {
		Nodes, Costly            int
		FirstChosen              int
		FirstText, Wrong, Ending string
	}
	hm := eval[heat](m, `(() => {
		const first = document.querySelector('[data-testid=node]');
		return {Nodes: document.querySelectorAll('[data-testid=node]').length, Costly: document.querySelectorAll('[data-testid=costly]').length,
			FirstChosen: [...first.querySelectorAll('[data-testid=heat-reply]')].reduce((n, r) => n + Number(r.dataset.chosen), 0),
			FirstText: [...first.querySelectorAll('.heat-reply__count')].map((c) => c.textContent).join('; '),
			Wrong: document.querySelector('[data-testid=costly]')?.textContent || '',
			Ending: [...document.querySelectorAll('[data-testid=ending]')].map((e) => e.dataset.reached).join(',')};
	})()`)
	if hm.Nodes == 0 || hm.FirstChosen != 3 || !strings.Contains(hm.FirstText, "(") || hm.Costly == 0 || !strings.Contains(hm.Wrong, "cost") {
		t.Errorf("the heat-map: %+v; want the points of the call, 3 choices at the first (the practice run never counts), the counts in words, what the cohort gets wrong", hm)
	}
}
