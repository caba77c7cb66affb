package lrs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/lrs"
	"parley/webui/training"
)

// TestStatementsReachTheLRS runs a whole server with an LRS that is down at
// first: a trainee plays a bundled scenario to an ending; every reply's
// "responded", and the attempt's "completed" and "passed" or "failed",
// reach the LRS once it is back, with the trainee's account as actor and
// stable ids; and Learning Locker's validator finds nothing wrong with any
// of them.
func TestStatementsReachTheLRS(t *testing.T) {
	f, srv := newFakeLRS(t)
	f.failNext.Store(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := app.New(app.Options{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "parley.db"), PublicURL: "https://parley.example.com",
		LRS: lrs.Config{Endpoint: srv.URL + "/xapi/", Username: "key", Password: "secret", Every: 100 * time.Millisecond},
		Configure: []func(*webui.Config){func(c *webui.Config) {
			c.Analyse = nil
			c.Passwords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
		}}}, slog.New(slog.DiscardHandler))
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		t.Fatal(<-done)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	cl := client.New(a.URL(), nil)
	admin, err := cl.Redeem(ctx, client.LinkToken(a.SetupLink()), "the admin's password here")
	if err != nil {
		t.Fatal(err)
	}
	made, err := admin.CreateUser(ctx, "sam@example.com", "Sam Patel", "trainee")
	if err != nil {
		t.Fatal(err)
	}
	sam, err := cl.Redeem(ctx, client.LinkToken(made.Link.URL), "the trainee's password")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sam.Dial(ctx, nil, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	play, err := conn.Start(1, "late-shipment")
	if err != nil {
		t.Fatal(err)
	}
	turns := 0
	replies := play.Snapshot.Replies
	for len(replies) > 0 {
		tn, err := play.Choose(replies[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		turns++
		replies = tn.Replies
		if tn.Ending != nil {
			if _, err := client.Next[client.Ended](conn); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	want := turns + 2 // a responded per reply, then completed and passed or failed
	deadline := time.Now().Add(30 * time.Second)
	for len(f.received()) < want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	f.mu.Lock()
	statements := make([]json.RawMessage, 0, len(f.got))
	for _, s := range f.got {
		statements = append(statements, s)
	}
	bad := f.bad
	f.mu.Unlock()
	if len(statements) != want || len(bad) > 0 {
		t.Fatalf("the LRS holds %d statements, want %d (%d turns); bad requests: %v", len(statements), want, turns, bad)
	}
	verbs := map[string]int{}
	for _, raw := range statements {
		var s struct {
			Actor struct {
				Name    string
				Account struct{ HomePage, Name string }
			}
			Verb    struct{ ID string }
			Context struct{ Registration string }
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		verbs[s.Verb.ID[strings.LastIndex(s.Verb.ID, "/")+1:]]++
		if s.Actor.Account.Name != "sam@example.com" || s.Actor.Account.HomePage != "https://parley.example.com" || s.Actor.Name != "Sam Patel" {
			t.Errorf("actor %+v", s.Actor)
		}
	}
	if verbs["responded"] != turns || verbs["completed"] != 1 || verbs["passed"]+verbs["failed"] != 1 {
		t.Errorf("verbs %v, want %d responded, one completed, one passed or failed", verbs, turns)
	}
	validate(t, statements)
}

// validate runs Learning Locker's xAPI validator (npm
// @learninglocker/xapi-validation, in testdata/validator) over the
// statements and fails on any problem it reports. Without Node or the
// package it skips, unless PARLEY_REQUIRE_XAPI_VALIDATOR is set (CI).
func validate(t *testing.T, statements []json.RawMessage) {
	t.Helper()
	dir := filepath.Join("testdata", "validator")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(filepath.Join(dir, "node_modules", "@learninglocker", "xapi-validation")); err != nil || serr != nil {
		if os.Getenv("PARLEY_REQUIRE_XAPI_VALIDATOR") != "" {
			t.Fatalf("the xAPI validator is required: install Node and run npm ci in %s (%v %v)", dir, err, serr)
		}
		t.Skipf("the xAPI validator is not installed (Node and npm ci in %s); statements not validated", dir)
	}
	in, _ := json.Marshal(statements)
	cmd := exec.Command(node, "validate.js")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("validator: %v", err)
	}
	var problems [][]struct{ Path, Message, Kind string }
	if err := json.Unmarshal(out, &problems); err != nil || len(problems) != len(statements) {
		t.Fatalf("validator answered %s: %v", out, err)
	}
	for i, p := range problems {
		if len(p) > 0 {
			t.Errorf("statement %s: %+v", statements[i], p)
		}
	}
}
