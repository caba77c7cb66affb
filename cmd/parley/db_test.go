package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"parley/scenarios"
	"parley/webui"
	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/lrs"
	"parley/webui/postgres/pgtest"
	"parley/webui/training"
)

// startDBApp runs an App on db with the test scenario short-call, sending
// xAPI statements to lrsURL, until stop (or the end of the test).
func startDBApp(t *testing.T, db, lrsURL string) (a *app.App, stop func()) {
	t.Helper()
	src, err := os.ReadFile("../../webui/testdata/short-call.toml")
	if err != nil {
		t.Fatal(err)
	}
	sc, problems := scenarios.Load(scenarios.File{Name: "short-call.toml", Src: src})
	if problems.HasErrors() {
		t.Fatal(problems)
	}
	a = app.New(app.Options{Addr: "127.0.0.1:0", DB: db, AbandonAfter: time.Hour, LRS: lrs.Config{Endpoint: lrsURL},
		Offer: []webui.Scenario{{Compiled: sc, Source: src, Name: "short-call.toml", Trusted: true}},
		Configure: []func(*webui.Config){func(c *webui.Config) {
			c.Analyse = nil
			c.Passwords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
		}}}, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		cancel()
		t.Fatal(<-done)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("the server on %s stopped with %v", db, err)
			}
		}
	}
	t.Cleanup(stop)
	return a, stop
}

// installation is what people did on a server, and what they saw of it.
type installation struct {
	cohort           string
	leeLink          string // an invitation not yet taken up
	sam, mia         *client.Session
	played, half     string
	review           client.Review
	debrief          client.DebriefAnswer
	snapshot         client.Snapshot
	comments         []client.Comment
	samList, miaSees []client.AttemptItem
}

// useInstallation has an admin, a manager (mia) and a trainee (sam) do what
// people do, through the server: invite, sign in with passwords, run a
// cohort with an assignment, play one attempt to its end and leave one
// half-way, comment and share. An LRS that always fails keeps the xAPI
// statements waiting in the outbox.
func useInstallation(t *testing.T, a *app.App) installation {
	t.Helper()
	ctx := context.Background()
	c := client.New(a.URL(), nil)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	admin, err := c.Redeem(ctx, client.LinkToken(a.SetupLink()), "the admin's long password")
	must(err)
	made, err := admin.CreateUser(ctx, "mia", "Mia", "manager")
	must(err)
	var in installation
	in.mia, err = c.Redeem(ctx, client.LinkToken(made.Link.URL), "mia's long password")
	must(err)
	cohort, err := in.mia.CreateCohort(ctx, "Autumn intake")
	must(err)
	in.cohort = cohort.ID
	added, err := in.mia.Invite(ctx, cohort.ID, "sam", "Sam")
	must(err)
	in.sam, err = c.Redeem(ctx, client.LinkToken(added.Link.URL), "sam's long password")
	must(err)
	due := time.Now().Add(72 * time.Hour).Truncate(time.Millisecond)
	_, err = in.mia.Assign(ctx, cohort.ID, "short-call", &due, map[string]int{"ownership": 60})
	must(err)

	conn, err := in.sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	must(err)
	played, err := conn.Start(1, "short-call")
	must(err)
	for _, reply := range []string{"ask", "own", "offer"} {
		_, err := played.Choose(reply)
		must(err)
	}
	_, err = client.Next[client.Ended](conn)
	must(err)
	half, err := conn.Start(1, "short-call")
	must(err)
	_, err = half.Choose("ask")
	must(err)
	conn.HangUp()
	in.played, in.half = played.ID, half.ID

	lee, err := admin.CreateUser(ctx, "lee", "Lee", "trainee")
	must(err)
	in.leeLink = lee.Link.URL
	must(in.sam.Share(ctx, played.ID, "mia"))
	_, err = in.mia.Comment(ctx, played.ID, 2, "Good: you owned the delay.")
	must(err)
	in.see(t)
	return in
}

// see records what sam and mia see of their installation.
func (in *installation) see(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var err error
	if in.review, err = in.mia.Review(ctx, in.cohort); err != nil {
		t.Fatal(err)
	}
	if in.debrief, err = in.sam.Debrief(ctx, in.played); err != nil {
		t.Fatal(err)
	}
	if in.snapshot, err = in.sam.Attempt(ctx, in.half); err != nil {
		t.Fatal(err)
	}
	if in.comments, err = in.sam.Comments(ctx, in.played); err != nil {
		t.Fatal(err)
	}
	if in.samList, err = in.sam.Attempts(ctx); err != nil {
		t.Fatal(err)
	}
	me, err := in.sam.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if in.miaSees, err = in.mia.TraineeAttempts(ctx, me.ID); err != nil {
		t.Fatal(err)
	}
}

// TestDBCopy moves an installation that people used through the server
// from SQLite into PostgreSQL with parley db copy, then serves the
// PostgreSQL database: sam is still signed in (sessions moved), signs in
// again with the old password, finds the half-played attempt exactly as
// it was and plays on; mia's cohort review, the debrief, the comments and
// both lists are the same; the xAPI statements still wait in the outbox.
// A second copy into the same database is refused.
func TestDBCopy(t *testing.T) {
	ctx := context.Background()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	file := filepath.Join(t.TempDir(), "parley.db")
	first, stop := startDBApp(t, file, failing.URL+"/xapi/")
	before := useInstallation(t, first)
	stop()

	pg := pgtest.New(t).URL
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"db", "copy", "--from", file, "--to", pg}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("parley db copy: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	t.Logf("parley db copy:\n%s%s", out, stderr.String())
	for _, want := range []string{"table", "users", "xapi_outbox", "every count matches"} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary does not mention %q:\n%s", want, out)
		}
	}
	if outbox := summaryCount(t, out, "xapi_outbox"); outbox == "0" {
		t.Errorf("no xAPI statements were copied (the LRS was down, so some were waiting):\n%s", out)
	}

	if len(before.review.Rows) != 1 || len(before.review.Rows[0].Cells) != 1 || len(before.snapshot.Transcript) != 1 {
		t.Fatalf("before the copy: review %+v, half-played attempt %+v; want sam's row and one turn", before.review, before.snapshot)
	}
	second, _ := startDBApp(t, pg, failing.URL+"/xapi/")
	if second.SetupLink() != "" {
		t.Errorf("the PostgreSQL server printed a setup link: the admin did not move")
	}
	c := client.New(second.URL(), nil)
	after := before
	after.sam = before.sam.On(c) // the same cookie
	after.mia = before.mia.On(c)
	after.see(t)
	for _, c := range []struct {
		what          string
		before, after any
	}{
		{"mia's cohort review", before.review, after.review},
		{"the debrief", before.debrief, after.debrief},
		{"the half-played attempt", before.snapshot, after.snapshot},
		{"the comments", before.comments, after.comments},
		{"sam's attempts", before.samList, after.samList},
		{"sam's attempts as mia sees them", before.miaSees, after.miaSees},
	} {
		if !reflect.DeepEqual(c.before, c.after) {
			t.Errorf("%s changed in the copy:\nbefore %+v\nafter  %+v", c.what, c.before, c.after)
		}
	}

	sam, err := c.Login(ctx, "sam", "sam's long password")
	if err != nil {
		t.Fatalf("sam signs in with the old password after the copy: %v", err)
	}
	if _, err := c.Redeem(ctx, client.LinkToken(before.leeLink), "lee's long password"); err != nil {
		t.Errorf("lee's invitation, sent before the copy, after it: %v", err)
	}
	conn, err := sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	resumed, err := conn.Resume(1, before.half)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resumed.Snapshot.Transcript, before.snapshot.Transcript) ||
		!reflect.DeepEqual(resumed.Snapshot.Replies, before.snapshot.Replies) {
		t.Errorf("the attempt resumed as %+v, want %+v", resumed.Snapshot, before.snapshot)
	}
	if tn, err := resumed.Choose("own"); err != nil || tn.Turn != 2 {
		t.Errorf("the next reply after the copy: %+v, %v; want turn 2", tn, err)
	}

	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, []string{"db", "copy", "--from", file, "--to", pg}, nil, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "already holds data") {
		t.Errorf("a second copy into the same database: exit %d, %s; want 1 and a refusal", code, stderr.String())
	}
}

// summaryCount is a table's target count in parley db copy's summary.
func summaryCount(t *testing.T, out, table string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == table {
			return f[2]
		}
	}
	t.Fatalf("no line for %s in the summary:\n%s", table, out)
	return ""
}

// TestDBCopyUsage: what parley db says without the arguments it needs.
func TestDBCopyUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"db"}, 2, "usage: parley db copy"},
		{[]string{"db", "help"}, 0, "Moving an installation"},
		{[]string{"db", "move"}, 2, `unknown command "move"`},
		{[]string{"db", "copy", "--from", "a.db"}, 2, "give --from and --to"},
		{[]string{"db", "copy", "--from", "a.db", "--to", "b.db"}, 1, ".backup"},
		{[]string{"db", "copy", "--from", "missing.db", "--to", "postgres://nobody@127.0.0.1:1/x"}, 1, "pass the file the server uses"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, nil, &stdout, &stderr)
		if out := stdout.String() + stderr.String(); code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("parley %s: exit %d, %q; want %d and %q", strings.Join(c.args, " "), code, out, c.code, c.want)
		}
	}
}

// TestDBStateCommand prints an attempt's binary stored state as JSON that
// names its node and replies, and refuses an unknown attempt with its id.
func TestDBStateCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "parley.db")
	st, late, sc := storeAndBundled(t, db, "late-shipment")
	sess := sc.Start(7)
	replies, err := sess.Replies()
	if err != nil || len(replies) == 0 {
		t.Fatalf("replies: %v, %v", replies, err)
	}
	if _, err := sess.Choose(replies[0].ID); err != nil {
		t.Fatal(err)
	}
	state := training.EncodeSession(sess)
	if state[0] == '{' {
		t.Fatalf("EncodeSession wrote JSON (%q); this test is for the binary state", state[:20])
	}
	for _, err := range []error{
		st.SaveScenarioVersion(ctx, sc.ID, sc.Version, late.Src),
		st.CreateAccount(ctx, training.Account{ID: "s", Username: "sam", DisplayName: "Sam", Roles: training.Roles(training.RoleTrainee)}),
		st.CreateAttempt(ctx, training.Attempt{ID: "a1", UserID: "s", ScenarioID: sc.ID, Version: sc.Version, Seed: 7, State: state}),
		st.Close(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	out, errOut, code := runCLISplit(t, "", "db", "state", "--db", db, "a1")
	if code != 0 {
		t.Fatalf("db state: exit %d\n%s", code, errOut)
	}
	head, body, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(head, "attempt a1: active, 0 turns, scenario "+sc.ID) {
		t.Errorf("first line %q; want the attempt, its status, turns and scenario", head)
	}
	var view map[string]any
	if err := json.Unmarshal([]byte(body), &view); err != nil {
		t.Fatalf("the state is not JSON: %v\n%s", err, body)
	}
	want, err := training.StateJSON(sc, state)
	if err != nil {
		t.Fatal(err)
	}
	var wantView map[string]any
	if err := json.Unmarshal(want, &wantView); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(view) != fmt.Sprint(wantView) || !strings.Contains(body, `"node"`) {
		t.Errorf("printed state:\n%s\nwant training.StateJSON's:\n%s", body, want)
	}

	_, errOut, code = runCLISplit(t, "", "db", "state", "--db", db, "nope")
	if code != 1 || !strings.Contains(errOut, "nope") {
		t.Errorf("unknown attempt: exit %d, %q; want 1 naming it", code, errOut)
	}
}
