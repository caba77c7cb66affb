package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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
	spec := os.Getenv(idleChildEnv)
	if spec == "" {
		t.Skip("only runs as the idle-session child of TestLoadtestInProcess")
	}
	if err := runIdleChild(context.Background(), spec, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "idle child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// TestLoadtestInProcess is a real, short run: the real server in-process,
// real websockets, a real database file.
func TestLoadtestInProcess(t *testing.T) {
	useTestBinaryForIdleChild(t)
	o := loadOptions{trainees: 5, think: 20 * time.Millisecond, duration: 2 * time.Second, idle: 5, floorN: 100}
	rep, err := runLoadtest(t.Context(), o, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.print(&out)
	t.Log("\n" + out.String())
	checkCleanRun(t, rep)
	if rep.floor.echo.n != 100 || rep.floor.commit.n != 100 || rep.floor.total() <= 0 {
		t.Errorf("floor not measured: %+v", rep.floor)
	}
	if rep.memory == nil || rep.memory.sessions != 5 {
		t.Errorf("memory per idle session not measured: %+v", rep.memory)
	}
	if !rep.commits.known || rep.commits.writes < int64(len(rep.load.acked)) {
		t.Errorf("group commit counters %+v do not cover %d acked turns", rep.commits, len(rep.load.acked))
	}
	want := fmt.Sprintf("durable:       %d/%d acked turns found", len(rep.load.acked), len(rep.load.acked))
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q", want)
	}
}

// TestLoadtestURL drives a server that is already running, as --url does,
// and reads the turns back over HTTP.
func TestLoadtestURL(t *testing.T) {
	log := testLogger(t)
	tg, err := openTarget(t.Context(), "", log)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.cleanup(log)
	o := loadOptions{url: tg.base, trainees: 3, think: 0, duration: time.Second}
	rep, err := runLoadtest(t.Context(), o, log)
	if err != nil {
		t.Fatal(err)
	}
	checkCleanRun(t, rep)
	if rep.memory != nil || rep.commits.known {
		t.Errorf("a remote server's memory and commits cannot be known: %+v %+v", rep.memory, rep.commits)
	}
}

func checkCleanRun(t *testing.T, rep *loadReport) {
	t.Helper()
	acked := len(rep.load.acked)
	if acked == 0 || rep.load.rtt.n != acked {
		t.Errorf("acked %d turns, %d round trips: want some, and one per turn", acked, rep.load.rtt.n)
	}
	if n := rep.load.errorCount(); n != 0 {
		t.Errorf("%d errors: %v", n, rep.load.errors)
	}
	if !rep.durable.checked || rep.durable.found != acked || rep.durable.acked != acked {
		t.Errorf("durable %d/%d, acked %d: %v", rep.durable.found, rep.durable.acked, acked, rep.durable.missing)
	}
	if err := rep.verdict(); err != nil {
		t.Errorf("verdict: %v", err)
	}
}

func TestParseLoadFlags(t *testing.T) {
	o, err := parseLoadFlags(nil, io.Discard)
	want := loadOptions{trainees: 50, think: time.Second, duration: 20 * time.Second, idle: 1000, floorN: 500}
	if err != nil || o != want {
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

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	s := summarize(ds)
	if s.p50 != 50*time.Millisecond || s.p90 != 90*time.Millisecond || s.p99 != 99*time.Millisecond || s.max != 100*time.Millisecond {
		t.Errorf("got %v", s)
	}
	if one := summarize([]time.Duration{time.Second}); one.p50 != time.Second || one.p99 != time.Second {
		t.Errorf("one sample: %v", one)
	}
}
