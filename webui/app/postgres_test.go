package app

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"parley/scenarios"
	"parley/webui"
	"parley/webui/client"
	"parley/webui/postgres"
	"parley/webui/postgres/pgtest"
	"parley/webui/training"
)

// TestMain runs the tests, then stops the throwaway PostgreSQL cluster if
// a test started one.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// startApp runs an App on db with the test scenario short-call, until stop
// (or the end of the test).
func startApp(t *testing.T, db string, configure ...func(*webui.Config)) (a *App, stop func()) {
	t.Helper()
	src, err := os.ReadFile("../testdata/short-call.toml")
	if err != nil {
		t.Fatal(err)
	}
	sc, problems := scenarios.Load(scenarios.File{Name: "short-call.toml", Src: src})
	if problems.HasErrors() {
		t.Fatal(problems)
	}
	a = New(Options{Addr: "127.0.0.1:0", DB: db, AbandonAfter: time.Hour,
		Offer: []webui.Scenario{{Compiled: sc, Source: src, Name: "short-call.toml", Trusted: true}},
		Configure: []func(*webui.Config){func(c *webui.Config) {
			c.Analyse = nil
			c.Passwords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
		}}}, slog.New(slog.DiscardHandler))
	a.opts.Configure = append(a.opts.Configure, configure...)
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
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the server on %s stopped with %v", db, err)
		}
	}
	t.Cleanup(stop)
	return a, stop
}

// TestPostgres: with a postgres:// URL the App runs on PostgreSQL. A
// trainee signs in, plays an attempt to its ending and leaves a second
// one half-way; the server restarts on the same database, and the
// trainee's session, the ended attempt's debrief and the half-played
// attempt are all there: it resumes at the turn it was left and goes on.
func TestPostgres(t *testing.T) {
	db := pgtest.New(t).URL
	ctx := context.Background()
	first, stop := startApp(t, db)
	if _, ok := first.Store().(*postgres.Store); !ok {
		t.Fatalf("with --db %s the App opened %T, want PostgreSQL", db, first.Store())
	}
	c := client.New(first.URL(), nil)
	admin, err := c.Redeem(ctx, client.LinkToken(first.SetupLink()), "a long admin password")
	if err != nil {
		t.Fatalf("the first run's setup link: %v", err)
	}
	invited, err := admin.CreateUser(ctx, "sam", "Sam", "trainee")
	if err != nil {
		t.Fatal(err)
	}
	sam, err := c.Redeem(ctx, client.LinkToken(invited.Link.URL), "a long trainee password")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	played, err := conn.Start(1, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	for _, reply := range []string{"own", "offer"} { // the ideal path: an ending
		if _, err := played.Choose(reply); err != nil {
			t.Fatal(err)
		}
	}
	ended, err := client.Next[client.Ended](conn)
	if err != nil || ended.Status != "finished" || ended.Attempt != played.ID {
		t.Fatalf("after the ending reply: %+v, %v; want attempt %s finished", ended, err, played.ID)
	}
	half, err := conn.Start(1, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := half.Choose("ask"); err != nil {
		t.Fatal(err)
	}
	conn.HangUp()
	stop()

	second, _ := startApp(t, db)
	if second.SetupLink() != "" {
		t.Errorf("the restart printed a setup link: the admin's password was not kept")
	}
	sam = sam.On(client.New(second.URL(), nil)) // the same cookie: sessions are in the database
	d, err := sam.Debrief(ctx, played.ID)
	if err != nil || !d.Debrief.Complete || d.Attempt.Turns != 2 {
		t.Errorf("the ended attempt's debrief after the restart: %+v, %v; want complete after 2 turns", d, err)
	}
	conn, err = sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	resumed, err := conn.Resume(1, half.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h := resumed.Snapshot.Attempt; h.Turn != 1 || h.Status != "active" || len(resumed.Snapshot.Transcript) != 1 ||
		resumed.Snapshot.Transcript[0].Reply.ID != "ask" {
		t.Fatalf("resumed at %+v with transcript %+v; want turn 1, active, after ask", h, resumed.Snapshot.Transcript)
	}
	if tn, err := resumed.Choose("own"); err != nil || tn.Turn != 2 {
		t.Errorf("the next reply after the restart: %+v, %v; want turn 2", tn, err)
	}
}
