package training_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"parley/engine"
	"parley/webui/training"
)

func scores(t *testing.T, list ...engine.Score) []byte {
	t.Helper()
	b, err := training.EncodeScores(list)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProgressOf(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	emp := func(score int, blocked ...string) engine.Score {
		return engine.Score{Competency: "empathy", Label: "Empathy", Score: score, Pass: 60, BlockedBy: blocked}
	}
	lis := func(score int) engine.Score {
		return engine.Score{Competency: "listening", Label: "Listening", Score: score, Pass: 50}
	}
	ended := func(id string, status training.Status, startMin, minutes, turns int, s ...engine.Score) training.Attempt {
		start := t0.Add(time.Duration(startMin) * time.Minute)
		end := start.Add(time.Duration(minutes) * time.Minute)
		return training.Attempt{ID: id, ScenarioID: "late", Status: status, Turns: turns, StartedAt: start, UpdatedAt: end, EndedAt: end, Summary: scores(t, s...)}
	}
	a := training.Assignment{ScenarioID: "late", Due: t0.Add(48 * time.Hour)}
	strict := a
	strict.PassMarks = map[string]int{"empathy": 90}
	first := ended("a1", training.StatusFinished, 0, 10, 8, emp(40), lis(70))
	second := ended("a2", training.StatusFinished, 60, 10, 8, emp(80), lis(55))
	gaveUp := ended("a3", training.StatusGivenUp, 120, 0, 2, emp(20), lis(10)) // two turns in no time: too fast
	blocked := ended("a4", training.StatusFinished, 180, 10, 8, emp(95, "n/r"), lis(90))
	active := training.Attempt{ID: "a5", ScenarioID: "late", Status: training.StatusActive, StartedAt: t0, UpdatedAt: t0.Add(5 * time.Minute)}
	practice := ended("p1", training.StatusFinished, 200, 10, 8, emp(100), lis(100))
	practice.PracticeOf = "a1"
	otherScenario := ended("o1", training.StatusFinished, 0, 10, 8, emp(100), lis(100))
	otherScenario.ScenarioID = "defective"

	tests := []struct {
		name       string
		a          training.Assignment
		attempts   []training.Attempt
		now        time.Time
		status     string
		best       [2]int // empathy, listening
		latest     [2]int
		first      [2]int
		bestPassed bool // empathy
		overdue    bool
		tooFast    int
	}{
		{"nothing yet", a, nil, t0, training.ProgressNotStarted, [2]int{}, [2]int{}, [2]int{}, false, false, 0},
		{"nothing, past due", a, []training.Attempt{practice, otherScenario}, t0.Add(72 * time.Hour), training.ProgressNotStarted, [2]int{}, [2]int{}, [2]int{}, false, true, 0},
		{"active only", a, []training.Attempt{active}, t0, training.ProgressInProgress, [2]int{}, [2]int{}, [2]int{}, false, false, 0},
		{"failed then passed", a, []training.Attempt{second, first}, t0, training.ProgressPassed, [2]int{80, 70}, [2]int{80, 55}, [2]int{40, 70}, true, false, 0},
		{"the assignment's stricter mark", strict, []training.Attempt{first, second}, t0.Add(72 * time.Hour), training.ProgressNotPassed, [2]int{80, 70}, [2]int{80, 55}, [2]int{40, 70}, false, true, 0},
		{"a blocked competency never passes", a, []training.Attempt{blocked}, t0, training.ProgressNotPassed, [2]int{95, 90}, [2]int{95, 90}, [2]int{95, 90}, false, false, 0},
		{"given up after a pass, played too fast", a, []training.Attempt{first, second, gaveUp, active}, t0, training.ProgressPassed, [2]int{80, 70}, [2]int{20, 10}, [2]int{40, 70}, true, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := training.ProgressOf(tt.a, tt.attempts, tt.now)
			if p.Status != tt.status || p.Overdue != tt.overdue || p.TooFast != tt.tooFast {
				t.Errorf("status %s overdue %v too fast %d; want %s %v %d", p.Status, p.Overdue, p.TooFast, tt.status, tt.overdue, tt.tooFast)
			}
			if tt.status == training.ProgressNotStarted || tt.status == training.ProgressInProgress {
				if len(p.Results) != 0 {
					t.Errorf("results %+v, want none", p.Results)
				}
				return
			}
			if len(p.Results) != 2 || p.Results[0].Competency != "empathy" || p.Results[1].Competency != "listening" {
				t.Fatalf("results %+v, want empathy then listening", p.Results)
			}
			for i, r := range p.Results {
				if r.Best != tt.best[i] || r.Latest != tt.latest[i] || r.First != tt.first[i] {
					t.Errorf("%s: best %d latest %d first %d; want %d %d %d", r.Competency, r.Best, r.Latest, r.First, tt.best[i], tt.latest[i], tt.first[i])
				}
			}
			if p.Results[0].BestPassed != tt.bestPassed {
				t.Errorf("empathy best passed %v, want %v (mark %d)", p.Results[0].BestPassed, tt.bestPassed, p.Results[0].Pass)
			}
		})
	}
}

// TestCohortPolicy: managers act on the cohorts they manage, admins on all;
// trainees on none; another manager's cohort is "not found", as a missing one is.
// newCohortsFixture is the catalog fixture with accounts (cheap hashes)
// and the cohorts service over its store.
func newCohortsFixture(t *testing.T) (*catalogFixture, *training.Accounts, *training.Cohorts) {
	t.Helper()
	f := newCatalogFixture(t, nil)
	acc := training.NewAccounts(f.st, training.AccountsConfig{Password: cheap})
	return f, acc, training.NewCohorts(f.st, f.cat, acc, nil)
}

func TestCohortPolicy(t *testing.T) {
	ctx := context.Background()
	_, acc, co := newCohortsFixture(t)
	mk := func(username string, roles training.Roles) training.User {
		a, err := acc.Create(ctx, training.NewAccount{Username: username, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		return a.User()
	}
	ann := mk("ann", training.Roles(training.RoleManager))
	bob := mk("bob", training.Roles(training.RoleManager))
	root := mk("root", training.Roles(training.RoleAdmin))
	sam := mk("sam", training.Roles(training.RoleTrainee))

	if _, err := co.Create(ctx, sam, "Mine"); code(err) != training.CodeForbidden {
		t.Errorf("a trainee creates a cohort: %v, want forbidden", err)
	}
	nov, err := co.Create(ctx, ann, "  November onboarding ")
	if err != nil || nov.Name != "November onboarding" {
		t.Fatalf("create: %+v %v", nov, err)
	}
	if _, err := co.Get(ctx, bob, nov.ID); code(err) != training.CodeNotFound {
		t.Errorf("another manager reads the cohort: %v, want not_found", err)
	}
	if _, err := co.Get(ctx, root, nov.ID); err != nil {
		t.Errorf("an admin reads the cohort: %v", err)
	}
	if list, _ := co.List(ctx, bob); len(list) != 0 {
		t.Errorf("bob's cohorts: %+v, want none", list)
	}
	if list, _ := co.List(ctx, root); len(list) != 1 {
		t.Errorf("the admin's cohorts: %+v, want all", list)
	}

	// Invitations: a new account gets a link; an existing one with a password joins.
	inv, err := co.Invite(ctx, ann, nov.ID, "New@Example.com", "New Hire")
	if err != nil || !inv.New || inv.Token == "" || inv.Account.Username != "new@example.com" || !inv.Account.Roles.Has(training.RoleTrainee) {
		t.Fatalf("invite a new person: %+v %v", inv, err)
	}
	if err := acc.SetPassword(ctx, inv.Account.ID, goodPassword); err != nil {
		t.Fatal(err)
	}
	again, err := co.Invite(ctx, ann, nov.ID, "new@example.com", "")
	if err != nil || again.New || again.Token != "" {
		t.Errorf("invite someone who has a password: %+v %v; want no link", again, err)
	}
	if _, err := co.Invite(ctx, bob, nov.ID, "x@example.com", ""); code(err) != training.CodeNotFound {
		t.Errorf("another manager invites: %v", err)
	}
	withRole, _ := co.Invite(ctx, root, nov.ID, "bob", "")
	if !withRole.Account.Roles.Has(training.RoleTrainee) || !withRole.Account.Roles.Has(training.RoleManager) {
		t.Errorf("an invited manager keeps their roles and gains trainee: %s", withRole.Account.Roles)
	}

	// Assignments: a scenario on offer, its own competencies, marks 0..100.
	due := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	if _, err := co.Assign(ctx, ann, nov.ID, "short-call", due, map[string]int{"empathy": 75}); err != nil {
		t.Fatalf("assign: %v", err)
	}
	for _, tc := range []struct {
		scenario string
		marks    map[string]int
		code     string
	}{
		{"nope", nil, training.CodeUnknownScenario},
		{"short-call", map[string]int{"charm": 50}, training.CodeBadRequest},
		{"short-call", map[string]int{"empathy": 101}, training.CodeBadRequest},
	} {
		if _, err := co.Assign(ctx, ann, nov.ID, tc.scenario, time.Time{}, tc.marks); code(err) != tc.code {
			t.Errorf("assign %s %v: %v, want %s", tc.scenario, tc.marks, err, tc.code)
		}
	}
	d, err := co.Get(ctx, ann, nov.ID)
	if err != nil || len(d.Members) != 2 || len(d.Assignments) != 1 || len(d.Managers) != 1 || d.Managers[0].Username != "ann" {
		t.Fatalf("detail: %+v %v", d, err)
	}
	mine, err := co.Mine(ctx, inv.Account.User())
	if err != nil || len(mine) != 1 || mine[0].Cohort.ID != nov.ID || mine[0].Progress.Status != training.ProgressNotStarted ||
		!mine[0].Progress.Assignment.Due.Equal(due) {
		t.Errorf("the trainee's assignments: %+v %v", mine, err)
	}
	if mine, err := co.Mine(ctx, sam); err != nil || len(mine) != 0 {
		t.Errorf("a trainee in no cohort: %+v %v", mine, err)
	}
	r, err := co.Review(ctx, ann, nov.ID)
	if err != nil || len(r.Rows) != 2 || len(r.Rows[0].Cells) != 1 || len(r.Averages) != 1 || r.Averages[0].Members != 2 {
		t.Errorf("review: %+v %v", r, err)
	}
	if err := co.RemoveMember(ctx, ann, nov.ID, withRole.Account.ID); err != nil {
		t.Errorf("remove a member: %v", err)
	}
	if err := co.Unassign(ctx, ann, nov.ID, "short-call"); err != nil {
		t.Errorf("unassign: %v", err)
	}
	// A trainee and a username that is no one's get one answer.
	_, errTrainee := co.AddManager(ctx, ann, nov.ID, "sam")
	_, errNobody := co.AddManager(ctx, ann, nov.ID, "nobody")
	if code(errTrainee) != training.CodeBadRequest || code(errNobody) != training.CodeBadRequest ||
		strings.ReplaceAll(training.AsError(errTrainee).Message, "sam", "nobody") != training.AsError(errNobody).Message {
		t.Errorf("a trainee as manager: %v; a username that is no one's: %v; want one bad_request for both", errTrainee, errNobody)
	}
	if _, err := co.AddManager(ctx, ann, nov.ID, "bob"); err != nil {
		t.Errorf("add a manager: %v", err)
	}
	if _, err := co.Get(ctx, bob, nov.ID); err != nil {
		t.Errorf("the added manager reads the cohort: %v", err)
	}
}

// TestInviteExistingAccount holds who may add an existing account to a
// cohort: joining lets the cohort's managers read its work, and the link an
// account with no password gets lets them choose its password.
func TestInviteExistingAccount(t *testing.T) {
	ctx := context.Background()
	f, acc, co := newCohortsFixture(t)
	mk := func(username string, roles training.Roles) training.Account {
		a, err := acc.Create(ctx, training.NewAccount{Username: username, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	trainee, manager, admin := training.Roles(training.RoleTrainee), training.Roles(training.RoleManager), training.Roles(training.RoleAdmin)
	ann := mk("ann", manager).User()
	root := mk("root", admin).User()
	mine, err := co.Create(ctx, ann, "November")
	if err != nil {
		t.Fatal(err)
	}
	other, err := co.Create(ctx, ann, "December")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := co.Create(ctx, root, "Another team")
	if err != nil {
		t.Fatal(err)
	}
	join := func(username string, cohortID string) {
		if _, err := co.Invite(ctx, root, cohortID, username, ""); err != nil {
			t.Fatal(err)
		}
	}
	mk("boss", admin)           // an admin who has not chosen a password yet
	mk("mia", manager)          // another manager
	mk("stranger", trainee)     // a trainee in no cohort of ann's
	mk("sam", trainee)          // in ann's December cohort
	join("sam", other.ID)       //
	mk("tess", trainee)         // in another team's cohort only
	join("tess", elsewhere.ID)  //
	mk("nina", trainee)         // already in November
	join("nina", mine.ID)       //
	dora := mk("dora", trainee) // disabled, in December
	join("dora", other.ID)      //
	if err := acc.SetDisabled(ctx, dora.ID, true); err != nil {
		t.Fatal(err)
	}
	mk("max", manager) // a manager an admin adds as a trainee

	tests := []struct {
		by       training.User
		username string
		code     string // "" for joined
		already  bool
		link     bool
		roles    training.Roles // after
	}{
		{ann, "boss", training.CodeForbidden, false, false, admin},
		{ann, "mia", training.CodeForbidden, false, false, manager},
		{ann, "stranger", training.CodeForbidden, false, false, trainee},
		{ann, "tess", training.CodeForbidden, false, false, trainee},
		{ann, "sam", "", false, true, trainee},
		{ann, "nina", "", true, true, trainee},
		{ann, "dora", "", false, false, trainee},
		{root, "max", "", false, true, manager | trainee},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			inv, err := co.Invite(ctx, tt.by, mine.ID, tt.username, "")
			if code(err) != tt.code {
				t.Fatalf("invite: %v, want code %q", err, tt.code)
			}
			if inv.Already != tt.already || (inv.Token != "") != tt.link {
				t.Errorf("already %v, link %v; want %v, %v", inv.Already, inv.Token != "", tt.already, tt.link)
			}
			after, err := acc.Find(ctx, tt.username)
			if err != nil || after.Roles != tt.roles {
				t.Errorf("roles after: %s %v, want %s", after.Roles, err, tt.roles)
			}
			in, err := f.st.CohortsOf(ctx, after.ID)
			if err != nil {
				t.Fatal(err)
			}
			joined := slices.ContainsFunc(in, func(c training.Cohort) bool { return c.ID == mine.ID })
			if joined != (tt.code == "") {
				t.Errorf("in the cohort: %v, want %v", joined, tt.code == "")
			}
		})
	}
}

// TestHeatmap: what a cohort chose, what it cost, where calls ended and
// where they stopped, from attempts played through the lifecycle.
func TestHeatmap(t *testing.T) {
	ctx := context.Background()
	f, acc, co := newCohortsFixture(t)
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{})
	mgr, _ := acc.Create(ctx, training.NewAccount{Username: "ann", Roles: training.Roles(training.RoleManager)})
	nov, err := co.Create(ctx, mgr.User(), "Nov")
	if err != nil {
		t.Fatal(err)
	}
	play := func(username string, giveUp bool, replies ...string) {
		t.Helper()
		inv, err := co.Invite(ctx, mgr.User(), nov.ID, username, "")
		if err != nil {
			t.Fatal(err)
		}
		u := inv.Account.User()
		snap, err := svc.Start(ctx, u, "short-call")
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range replies {
			if _, err := svc.Choose(ctx, u, snap.Attempt.ID, int64(i+1), r); err != nil {
				t.Fatal(err)
			}
		}
		if giveUp {
			if _, err := svc.GiveUp(ctx, u, snap.Attempt.ID, int64(len(replies)+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	play("rude1", false, "rude")        // hangs up at once
	play("rude2", false, "ask", "rude") // asks, then is rude
	play("quitter", true, "ask")        // gives up at open
	play("owner", true, "own")          // gives up at plan
	h, err := co.Heatmap(ctx, mgr.User(), nov.ID, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if h.Attempts != 4 || h.Start != "open" {
		t.Fatalf("heatmap %+v", h)
	}
	open := h.Nodes[0]
	if open.Node != "open" || open.Visits != 5 {
		t.Fatalf("node open: %+v, want 5 visits", open)
	}
	got := map[string]training.ReplyHeat{}
	for _, r := range open.Replies {
		got[r.Reply] = r
	}
	if got["ask"].Chosen != 2 || got["own"].Chosen != 1 || got["rude"].Chosen != 2 || got["rude"].Lost != 4 || got["own"].Gained != 5 ||
		got["rude"].Verdict != "broke" || len(got["rude"].Next) != 1 || got["rude"].Next[0] != "hung-up" {
		t.Errorf("open's replies: %+v", got)
	}
	reached := map[string]int{}
	for _, e := range h.Endings {
		reached[e.Ending] = e.Reached
	}
	if reached["hung-up"] != 2 || reached["resolved"] != 0 {
		t.Errorf("endings reached %v, want hung-up twice", reached)
	}
	stopped := map[string]int{}
	for _, s := range h.Stopped {
		stopped[s.Node] = s.Stopped
	}
	if stopped["open"] != 1 || stopped["plan"] != 1 || len(stopped) != 2 {
		t.Errorf("stopped %v, want once at open and once at plan", stopped)
	}
}

// TestDebriefHeldToCohortMarks: the debrief holds a trainee's scores to the
// strictest pass mark their cohorts' assignments of the scenario set, as
// the cohort's review does, and says which cohort set it.
func TestDebriefHeldToCohortMarks(t *testing.T) {
	ctx := context.Background()
	f, acc, co := newCohortsFixture(t)
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{})
	mgr, _ := acc.Create(ctx, training.NewAccount{Username: "ann", Roles: training.Roles(training.RoleManager)})
	nov, _ := co.Create(ctx, mgr.User(), "November")
	dec, _ := co.Create(ctx, mgr.User(), "December")
	inv, err := co.Invite(ctx, mgr.User(), nov.ID, "sam", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := co.Invite(ctx, mgr.User(), dec.ID, "sam", ""); err != nil {
		t.Fatal(err)
	}
	sam := inv.Account.User()
	snap, err := svc.Start(ctx, sam, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Choose(ctx, sam, snap.Attempt.ID, 1, "ask"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GiveUp(ctx, sam, snap.Attempt.ID, 2); err != nil {
		t.Fatal(err)
	}
	ownership := func() (engine.Score, string) {
		t.Helper()
		d, err := svc.Debrief(ctx, sam, snap.Attempt.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(d.Debrief.Scores, func(s engine.Score) bool { return s.Competency == "ownership" })
		if i < 0 {
			t.Fatalf("no ownership score: %+v", d.Debrief.Scores)
		}
		if len(d.MarksFrom) > 1 {
			t.Errorf("marks from %v: only ownership's was set", d.MarksFrom)
		}
		return d.Debrief.Scores[i], d.MarksFrom["ownership"]
	}
	s, from := ownership()
	if s.Pass != 50 || from != "" {
		t.Fatalf("before any assignment: pass %d from %q, want the scenario's 50", s.Pass, from)
	}
	for cohort, mark := range map[string]int{nov.ID: 100, dec.ID: 80} {
		if _, err := co.Assign(ctx, mgr.User(), cohort, "short-call", time.Time{}, map[string]int{"ownership": mark}); err != nil {
			t.Fatal(err)
		}
	}
	s, from = ownership()
	if s.Pass != 100 || from != "November" || s.Passed != (s.Score >= 100 && len(s.BlockedBy) == 0) {
		t.Errorf("with the cohorts' marks: %+v from %q, want pass 100 from November", s, from)
	}
	if _, err := co.Assign(ctx, mgr.User(), nov.ID, "short-call", time.Time{}, map[string]int{"ownership": 1}); err != nil {
		t.Fatal(err)
	}
	s, from = ownership()
	if s.Pass != 80 || from != "December" {
		t.Errorf("November lowered its mark: %+v from %q, want December's 80", s, from)
	}
	// An assignment that keeps the scenario's mark holds to it too.
	if _, err := co.Assign(ctx, mgr.User(), nov.ID, "short-call", time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := co.Assign(ctx, mgr.User(), dec.ID, "short-call", time.Time{}, map[string]int{"ownership": 10}); err != nil {
		t.Fatal(err)
	}
	s, from = ownership()
	if s.Pass != 50 || from != "" {
		t.Errorf("November at the scenario's mark, December lower: %+v from %q, want the scenario's 50", s, from)
	}
}

// TestStatementsHeldToCohortMarks: the xAPI statements of a finished
// attempt carry each competency's pass mark and verdict at the marks the
// trainee is held to, as their debrief does, so that a learning record
// store never says passed where Parley says not passed.
func TestStatementsHeldToCohortMarks(t *testing.T) {
	ctx := context.Background()
	f, acc, co := newCohortsFixture(t)
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{XAPI: &training.XAPIConfig{HomePage: "https://parley.example.com"}})
	mgr, _ := acc.Create(ctx, training.NewAccount{Username: "ann", Roles: training.Roles(training.RoleManager)})
	nov, _ := co.Create(ctx, mgr.User(), "November")
	inv, err := co.Invite(ctx, mgr.User(), nov.ID, "sam", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := co.Assign(ctx, mgr.User(), nov.ID, "short-call", time.Time{}, map[string]int{"ownership": 90}); err != nil {
		t.Fatal(err)
	}
	sam := inv.Account.User()
	snap, err := svc.Start(ctx, sam, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	// "own" then "promise": ownership 2 of 3, which passes the scenario's
	// 50 and not November's 90.
	for i, reply := range []string{"own", "promise"} {
		if _, err := svc.Choose(ctx, sam, snap.Attempt.ID, int64(i+1), reply); err != nil {
			t.Fatal(err)
		}
	}
	items, err := f.st.DueStatements(ctx, time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		var s struct {
			Verb   struct{ ID string }
			Result struct {
				Extensions map[string]json.RawMessage
			}
		}
		if err := json.Unmarshal(it.Body, &s); err != nil {
			t.Fatal(err)
		}
		comps, ok := s.Result.Extensions["https://parley.example.com/xapi/extensions/competencies"]
		if !ok || !strings.HasSuffix(s.Verb.ID, "/failed") && !strings.HasSuffix(s.Verb.ID, "/passed") {
			continue
		}
		found = true
		var per map[string]struct {
			Score, Pass int
			Passed      bool
		}
		if err := json.Unmarshal(comps, &per); err != nil {
			t.Fatal(err)
		}
		if o := per["ownership"]; o.Pass != 90 || o.Passed || o.Score >= 90 {
			t.Errorf("the statement's ownership: %+v; want held to November's 90, not passed", o)
		}
	}
	if !found {
		t.Fatalf("no passed or failed statement with competencies among %d statements", len(items))
	}
}
