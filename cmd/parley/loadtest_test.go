package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/loadtest"
	"parley/webui/postgres/pgtest"
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

// testLoadOptions are o wired as loadtestCmd wires it, with the test binary
// re-executed in place of this binary's serve, drivers and idle child.
func testLoadOptions(o loadtest.Options) loadtest.Options {
	wireLoadtest(&o)
	o.IdleChild = func(ctx context.Context) (*exec.Cmd, error) {
		return exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoadtestIdleChild$"), nil
	}
	o.Driver = func(ctx context.Context) (*exec.Cmd, error) {
		return exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoadtestDriverChild$"), nil
	}
	o.Serve = func(ctx context.Context, args []string) (*exec.Cmd, error) {
		cmd := exec.CommandContext(ctx, os.Args[0], args...) // TestMain runs serve
		cmd.Env = append(os.Environ(), childEnv+"=1")
		return cmd, nil
	}
	return o
}

// TestLoadtestDriverChild is a driver process of the tests' runs with
// Drivers; run directly it does nothing.
func TestLoadtestDriverChild(t *testing.T) {
	if os.Getenv(loadtest.DriverEnv) == "" {
		t.Skip("only runs as a driver process of TestLoadtestDrivers")
	}
	if err := loadtest.RunDriver(context.Background(), os.Stdin, os.Stdout, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
	os.Exit(0)
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
	o := loadtest.Options{URLs: []string{srv.URL}, Trainees: 3, Think: 0, Duration: time.Second, Admin: "admin", AdminPassword: testAdminPassword}
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
	want := loadtest.Options{Trainees: 50, Think: time.Second, Duration: 20 * time.Second, Idle: 1000, Floor: 500,
		Instances: 1, Drivers: 1, FindMaxLimit: 10000, MaxP99: 100 * time.Millisecond}
	if err != nil || !reflect.DeepEqual(o, want) {
		t.Errorf("defaults: got %+v, %v; want %+v", o, err, want)
	}
	for _, args := range [][]string{
		{"--trainees", "0"}, {"--duration", "0s"}, {"--duration", "2h"},
		{"--think", "-1s"}, {"--ramp", "30s"}, {"--idle", "-1"}, {"--idle", "9999"}, {"extra"}, {"--pacing", "1"},
		{"--trainees", "50001"}, {"--drivers", "0"}, {"--drivers", "65"}, {"--server", "elsewhere"},
		{"--server", "child", "--url", "http://127.0.0.1:1", "--admin", "a"}, {"--server-pid", "12"}, {"--server-pid", "x"},
		{"--db", "x.db"}, {"--server", "child", "--instances", "2"}, {"--server", "child", "--instances", "2", "--db", "x.db"},
		{"--instances", "0"}, {"--find-max", "--trainees", "100", "--find-max-limit", "50"},
		{"--find-max", "--cpuprofile", "x"}, {"--find-max", "--p99", "0s"}, {"--sessions", "f"}, {"--server", "child", "--sessions", "f"},
	} {
		if _, err := parseLoadFlags(args, io.Discard); err != errUsage {
			t.Errorf("%q: got %v, want errUsage", args, err)
		}
	}
}

func TestParseLoadFlagsServers(t *testing.T) {
	t.Setenv("PARLEY_LOADTEST_PASSWORD", "pw")
	for _, tt := range []struct {
		args []string
		want func(o loadtest.Options) bool
	}{
		{[]string{"--url", "http://a:1,http://b:2/", "--url", "http://c:3", "--admin", "x", "--server-pid", "10,11", "--server-pid", "12"},
			func(o loadtest.Options) bool {
				return reflect.DeepEqual(o.URLs, []string{"http://a:1", "http://b:2/", "http://c:3"}) &&
					reflect.DeepEqual(o.ServerPIDs, []int{10, 11, 12}) && o.Idle == 0
			}},
		{[]string{"--server", "child", "--instances", "3", "--db", "postgres://u:p@h/db", "--drivers", "4", "--trainees", "10000"},
			func(o loadtest.Options) bool {
				return o.Child && o.Instances == 3 && o.DB == "postgres://u:p@h/db" && o.Drivers == 4 && o.Trainees == 10000 && o.Idle == 0
			}},
		{[]string{"--find-max", "--trainees", "100", "--find-max-limit", "4000", "--p99", "50ms"},
			func(o loadtest.Options) bool {
				return o.FindMax && o.FindMaxLimit == 4000 && o.MaxP99 == 50*time.Millisecond && !o.Child
			}},
	} {
		o, err := parseLoadFlags(tt.args, io.Discard)
		if err != nil || !tt.want(o) {
			t.Errorf("%q: got %+v, %v", tt.args, o, err)
		}
	}
}

// TestLoadtestChild runs the server as parley serve in its own process:
// the report gives that process's CPU and memory, the CPU profile is the
// server's, and the acknowledged turns are read from its database file
// once it has stopped.
func TestLoadtestChild(t *testing.T) {
	t.Parallel()
	profile := filepath.Join(t.TempDir(), "server.cpu")
	o := testLoadOptions(loadtest.Options{Child: true, Instances: 1, Drivers: 1, Trainees: 4, Think: 20 * time.Millisecond,
		Duration: 2 * time.Second, Ramp: 500 * time.Millisecond, CPUProfile: profile})
	rep := measure(t, o)
	checkCleanRun(t, rep)
	s := rep.Summary()
	if len(s.ServerPIDs) != 1 || s.ServerPIDs[0] == os.Getpid() || s.ServerCPU <= 0 {
		t.Errorf("server process %v used %v of CPU: want one process, not this one, and some CPU", s.ServerPIDs, s.ServerCPU)
	}
	if s.ServerCPUSteady <= 0 || s.ServerCPUSteady > s.ServerCPU {
		t.Errorf("server CPU after the ramp %v, of %v in all: want some, and not more", s.ServerCPUSteady, s.ServerCPU)
	}
	if s.CommitsKnown {
		t.Error("the commit counters of a server in another process cannot be read")
	}
	if info, err := os.Stat(profile); err != nil || info.Size() == 0 {
		t.Errorf("no CPU profile fetched from the server: %v", err)
	}
}

// TestLoadtestSpreadAndDrivers drives one in-process server listed twice,
// as two instances, from two driver processes: trainees are spread across
// both URLs and both drivers, whose results are merged, and this process
// (the server) is read from /proc as --server-pid does.
func TestLoadtestSpreadAndDrivers(t *testing.T) {
	t.Parallel()
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
	if _, err := client.New(srv.URL, nil).Redeem(t.Context(), client.LinkToken(srv.SetupLink), testAdminPassword); err != nil {
		t.Fatal(err)
	}
	o := testLoadOptions(loadtest.Options{URLs: []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)},
		ServerPIDs: []int{os.Getpid()}, Drivers: 2, Trainees: 4, Think: 20 * time.Millisecond, Duration: 2 * time.Second,
		Admin: "admin", AdminPassword: testAdminPassword})
	rep := measure(t, o)
	checkCleanRun(t, rep)
	if s := rep.Summary(); s.ServerCPU <= 0 {
		t.Errorf("server CPU %v: want some", s.ServerCPU)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"drivers:       2 processes", "server cpu:", "2 driver processes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestLoadtestFindMax runs a tiny search: two steps that pass, each with
// its line, and every turn of both durable.
func TestLoadtestFindMax(t *testing.T) {
	t.Parallel()
	o := testLoadOptions(loadtest.Options{FindMax: true, Trainees: 2, FindMaxLimit: 3, MaxP99: 10 * time.Second,
		Drivers: 1, Instances: 1, Think: 20 * time.Millisecond, Duration: time.Second})
	rep := measure(t, o)
	s := rep.Summary()
	if !reflect.DeepEqual(s.StepTrainees, []int{2, 3}) || !reflect.DeepEqual(s.StepPassed, []bool{true, true}) {
		t.Errorf("steps %v passed %v; want 2 and 3 trainees, both passing", s.StepTrainees, s.StepPassed)
	}
	if s.Acked == 0 || s.DurableFound != s.Acked || rep.Verdict() != nil {
		t.Errorf("durable %d of %d; verdict %v", s.DurableFound, s.Acked, rep.Verdict())
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "largest:       3 trainees") {
		t.Errorf("report lacks the largest count:\n%s", out.String())
	}
}

// TestLoadtestPostgresInstances starts two serve processes on one
// PostgreSQL database and spreads the trainees across them; the turns are
// read back from the database after both stopped. A second run on the
// database uses the sessions the first kept, and signs nobody in.
func TestLoadtestPostgresInstances(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	sessions := filepath.Join(t.TempDir(), "sessions")
	o := testLoadOptions(loadtest.Options{Child: true, Instances: 2, DB: db.URL, Drivers: 1, Trainees: 4,
		Think: 20 * time.Millisecond, Duration: 2 * time.Second, SessionsFile: sessions})
	rep := measure(t, o)
	checkCleanRun(t, rep)
	if s := rep.Summary(); len(s.ServerPIDs) != 2 || slices.Contains(s.ServerCPUEach, 0) || s.SignedIn != 4 {
		t.Errorf("server processes %v, CPU %v, %d signed in: want two, each with some CPU (each has trainees), and 4", s.ServerPIDs, s.ServerCPUEach, s.SignedIn)
	}
	o.Instances, o.Trainees, o.Duration = 1, 3, time.Second
	again := measure(t, o)
	checkCleanRun(t, again)
	if s := again.Summary(); s.SignedIn != 0 {
		t.Errorf("the second run signed in %d trainees; the first kept 4 sessions", s.SignedIn)
	}
}

// measure runs o and logs its report.
func measure(t *testing.T, o loadtest.Options) *loadtest.Report {
	t.Helper()
	rep, err := loadtest.Measure(t.Context(), o, testLogger(t))
	if rep != nil {
		var out bytes.Buffer
		rep.Print(&out)
		t.Log("\n" + out.String())
	}
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestLoadtestReconnectsToTheNextInstance: two in-process servers on one
// PostgreSQL database; the second stops while its trainees play. They
// dial the first and resume their attempts there: the only errors are the
// broken connections, and every acknowledged turn is stored.
func TestLoadtestReconnectsToTheNextInstance(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	first, stopFirst := startPostgresApp(t, db.URL)
	defer stopFirst()
	if _, err := client.New(first.URL(), nil).Redeem(t.Context(), client.LinkToken(first.SetupLink()), testAdminPassword); err != nil {
		t.Fatal(err)
	}
	second, stopSecond := startPostgresApp(t, db.URL)
	defer stopSecond()
	o := testLoadOptions(loadtest.Options{URLs: []string{first.URL(), second.URL()}, Drivers: 1, Trainees: 4,
		Think: 20 * time.Millisecond, Duration: 4 * time.Second, Admin: "admin", AdminPassword: testAdminPassword})
	stopAt := time.AfterFunc(2*time.Second, stopSecond)
	defer stopAt.Stop()
	rep, err := loadtest.Measure(t.Context(), o, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	t.Log("\n" + out.String())
	s := rep.Summary()
	if s.Acked == 0 || !s.DurableChecked || s.DurableFound != s.Acked {
		t.Errorf("durable %d of %d acked", s.DurableFound, s.Acked)
	}
	if len(s.Errors) == 0 {
		t.Error("no connection broke: the second server did not stop during the run")
	}
	for kind := range s.Errors {
		if !strings.HasPrefix(kind, "transport: ") {
			t.Errorf("error %q: only broken connections were expected, and every attempt resumed", kind)
		}
	}
}

// startPostgresApp runs the App as serve would on the PostgreSQL database
// db, until stop; it waits until it has analysed its scenarios.
func startPostgresApp(t *testing.T, db string) (a *app.App, stop func()) {
	t.Helper()
	a = app.New(app.Options{Addr: "127.0.0.1:0", DB: db, AbandonAfter: webui.DefaultAbandonAfter, StartBurst: -1}, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		cancel()
		t.Fatal(<-done)
	}
	<-a.Analysed()
	var once sync.Once
	return a, func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("the server on %s stopped with %v", db, err)
			}
		})
	}
}
