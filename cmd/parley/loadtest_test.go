package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"parley/webui/client"
	"parley/webui/loadtest"
)

// useTestBinaryForIdleChild makes the idle-session child a re-executed test
// binary running TestLoadtestIdleChild.
func useTestBinaryForIdleChild(t *testing.T) {
	t.Helper()
	saved := idleChildCommand
	idleChildCommand = func(ctx context.Context) (*exec.Cmd, error) {
		return exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoadtestIdleChild$"), nil
	}
	t.Cleanup(func() { idleChildCommand = saved })
}

// TestLoadtestIdleChild is the child process of the memory measurement;
// run directly it does nothing.
func TestLoadtestIdleChild(t *testing.T) {
	spec := os.Getenv(loadtest.IdleChildEnv)
	if spec == "" {
		t.Skip("only runs as the idle-session child of TestLoadtestInProcess")
	}
	if err := loadtest.RunIdleChild(context.Background(), spec, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "idle child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// TestLoadtestInProcess is a real, short run: the real server in-process
// (the App, as loadtestCmd wires it), real websockets, a real database file.
func TestLoadtestInProcess(t *testing.T) {
	useTestBinaryForIdleChild(t)
	o := loadtest.Options{Trainees: 5, Think: 20 * time.Millisecond, Duration: 2 * time.Second, Idle: 5, Floor: 100,
		Start: startInProcess, IdleChild: idleChildCommand}
	rep, err := loadtest.Measure(t.Context(), o, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	t.Log("\n" + out.String())
	checkCleanRun(t, rep)
	s := rep.Summary()
	if s.FloorEcho != 100 || s.FloorCommit != 100 || s.Floor <= 0 {
		t.Errorf("floor not measured: %+v", s)
	}
	if s.IdleSessions != 5 {
		t.Errorf("memory per idle session not measured: %d sessions", s.IdleSessions)
	}
	if !s.CommitsKnown || s.Writes < int64(s.Acked) {
		t.Errorf("group commit counters (%d commits, %d writes) do not cover %d acked turns", s.Commits, s.Writes, s.Acked)
	}
	want := fmt.Sprintf("durable:       %d/%d acked turns found", s.Acked, s.Acked)
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q", want)
	}
}

// TestLoadtestURL drives a server that is already running, as --url does,
// and reads the turns back over HTTP.
func TestLoadtestURL(t *testing.T) {
	log := testLogger(t)
	srv, err := startInProcess(t.Context(), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	}()
	// An operator running the load tool against their server names an admin.
	if _, err := client.New(srv.URL, nil).Redeem(t.Context(), client.LinkToken(srv.SetupLink), testAdminPassword); err != nil {
		t.Fatal(err)
	}
	o := loadtest.Options{URL: srv.URL, Trainees: 3, Think: 0, Duration: time.Second, Admin: "admin", AdminPassword: testAdminPassword}
	rep, err := loadtest.Measure(t.Context(), o, log)
	if err != nil {
		t.Fatal(err)
	}
	checkCleanRun(t, rep)
	if s := rep.Summary(); s.IdleSessions != 0 || s.CommitsKnown {
		t.Errorf("a remote server's memory and commits cannot be known: %+v", s)
	}
}

func checkCleanRun(t *testing.T, rep *loadtest.Report) {
	t.Helper()
	s := rep.Summary()
	if s.Acked == 0 || s.RoundTrips != s.Acked {
		t.Errorf("acked %d turns, %d round trips: want some, and one per turn", s.Acked, s.RoundTrips)
	}
	if len(s.Errors) != 0 {
		t.Errorf("errors: %v", s.Errors)
	}
	if !s.DurableChecked || s.DurableFound != s.Acked || s.DurableAcked != s.Acked {
		t.Errorf("durable %d/%d, acked %d: %v", s.DurableFound, s.DurableAcked, s.Acked, s.Missing)
	}
	if err := rep.Verdict(); err != nil {
		t.Errorf("verdict: %v", err)
	}
}

func TestParseLoadFlags(t *testing.T) {
	o, err := parseLoadFlags(nil, io.Discard)
	want := loadtest.Options{Trainees: 50, Think: time.Second, Duration: 20 * time.Second, Idle: 1000, Floor: 500}
	if err != nil || !reflect.DeepEqual(o, want) {
		t.Errorf("defaults: got %+v, %v; want %+v", o, err, want)
	}
	for _, args := range [][]string{
		{"--trainees", "0"}, {"--trainees", "5001"}, {"--duration", "0s"}, {"--duration", "2h"},
		{"--think", "-1s"}, {"--ramp", "30s"}, {"--idle", "-1"}, {"--idle", "9999"}, {"extra"}, {"--pacing", "1"},
	} {
		if _, err := parseLoadFlags(args, io.Discard); err != errUsage {
			t.Errorf("%q: got %v, want errUsage", args, err)
		}
	}
}
