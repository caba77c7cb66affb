package browsertest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"parley/webui/client"
	"parley/webui/training"
)

var manager = training.Roles(training.RoleManager)

// Helpers for the manager's pages: people and their practice set up over
// the API (webui/client), as another browser would, so that a test drives
// in Chromium only what it is about.

// session signs u in over the API.
func (s *server) session(u user) *client.Session {
	s.t.Helper()
	c := client.New(s.url()[:len(s.url())-1], &http.Client{Timeout: 10 * time.Second})
	sess, err := c.Login(context.Background(), u.Username, u.Password)
	if err != nil {
		s.t.Fatalf("sign %s in over the API: %v", u.Username, err)
	}
	return sess
}

// cohort makes a cohort as the manager m, with members (existing accounts,
// which a manager may not add: they join as an administrator adds them)
// and assignments (scenario ids, with no due date), and returns its id.
func (s *server) cohort(m *client.Session, name string, members []user, scenarios ...string) string {
	s.t.Helper()
	ctx := context.Background()
	c, err := m.CreateCohort(ctx, name)
	if err != nil {
		s.t.Fatalf("create cohort %s: %v", name, err)
	}
	for _, u := range members {
		acc, err := s.app.Server().Accounts().Find(ctx, u.Username)
		if err == nil {
			err = s.app.Store().AddMember(ctx, c.ID, acc.ID, time.Now())
		}
		if err != nil {
			s.t.Fatalf("add %s to cohort %s: %v", u.Username, name, err)
		}
	}
	for _, sc := range scenarios {
		if _, err := m.Assign(ctx, c.ID, sc, nil, nil); err != nil {
			s.t.Fatalf("assign %s: %v", sc, err)
		}
	}
	return c.ID
}

// play plays path through scenario as the trainee sess, over its own
// websocket, and returns the attempt's id; with giveUp it ends the attempt
// after the path, and with open it leaves it active.
func play(t *testing.T, sess *client.Session, scenario string, path []string, how string) string {
	t.Helper()
	conn, err := sess.Dial(context.Background(), nil, time.Time{})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.Timeout = 10 * time.Second
	defer conn.WS.Close()
	g, err := conn.Start(1, scenario)
	if err != nil {
		t.Fatalf("start %s: %v", scenario, err)
	}
	for _, r := range path {
		tn, err := g.Choose(r)
		if err != nil {
			t.Fatalf("%s: %v", scenario, err)
		}
		if tn.Ending != nil {
			if _, err := client.Next[client.Ended](conn); err != nil {
				t.Fatalf("%s: the end: %v", scenario, err)
			}
			return g.ID
		}
	}
	if how == "give up" {
		if _, err := g.GiveUp(); err != nil {
			t.Fatalf("%s: give up: %v", scenario, err)
		}
	}
	return g.ID
}

// reviewFixture is a cohort with something to review, made over the API:
// its manager; a trainee who has played a scenario twice (a mediocre call,
// then the ideal one), with the manager's comments on the first, and who
// has a call in progress on another; and the members given.
type reviewFixture struct {
	manager   user
	trainee   user
	cohort    string
	scenario  string // the scenario played and commented on
	other     string // the one in progress
	reviewed  string // the attempt with comments
	active    string // the attempt in progress
	traineeID string
}

func (s *server) reviewFixture(members ...user) reviewFixture {
	s.t.Helper()
	sc, mediocre := bundledPlan(s.t, "late-shipment.mediocre")
	_, ideal := bundledPlan(s.t, "late-shipment.ideal")
	other, worst := bundledPlan(s.t, "defective-part.worst")
	f := reviewFixture{manager: s.account("mo", "Mo Manager", manager), trainee: s.trainee("Tia Trainee"), scenario: sc.ID, other: other.ID}
	m := s.session(f.manager)
	f.cohort = s.cohort(m, "November onboarding", append([]user{f.trainee}, members...))
	ctx := context.Background()
	soon, past := endOfDay(4), endOfDay(-2)
	if _, err := m.Assign(ctx, f.cohort, sc.ID, &soon, map[string]int{"empathy": 70}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := m.Assign(ctx, f.cohort, other.ID, &past, nil); err != nil {
		s.t.Fatal(err)
	}
	ts := s.session(f.trainee)
	f.traineeID = ts.Who().ID
	f.reviewed = play(s.t, ts, sc.ID, mediocre, "")
	play(s.t, ts, sc.ID, ideal, "")
	f.active = play(s.t, ts, other.ID, worst[:2], "open")
	for _, c := range []struct {
		turn int
		body string
	}{{0, "A good recovery after a rocky start. Next time, name the date before she asks."}, {2, "Here the apology came before the facts: lead with what happened."}} {
		if _, err := m.Comment(ctx, f.reviewed, c.turn, c.body); err != nil {
			s.t.Fatal(err)
		}
	}
	return f
}

// query is the cohort and trainee as the review's links carry them.
func (f reviewFixture) query() string {
	return "?cohort=" + f.cohort + "&trainee=" + f.traineeID
}

// endOfDay is the end of the day days from today, in UTC: a due date as
// the cohort page sets it.
func endOfDay(days int) time.Time {
	d := time.Now().UTC().AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, time.UTC)
}
