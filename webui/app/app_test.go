package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/sqlite"
)

func TestConnectionLimits(t *testing.T) {
	tests := []struct {
		name                  string
		flag, openFiles       int
		wantWS, wantConnected int
	}{
		{"defaults, plenty of files", 0, 1 << 20, webui.DefaultMaxWebsockets, webui.DefaultMaxWebsockets + webui.ConnectionReserve},
		{"limit unknown", 0, 0, webui.DefaultMaxWebsockets, webui.DefaultMaxWebsockets + webui.ConnectionReserve},
		{"the operator's cap", 500, 1 << 20, 500, 500 + webui.ConnectionReserve},
		{"a 20,000-file limit", 0, 20_000, webui.DefaultMaxWebsockets, webui.DefaultMaxWebsockets + webui.ConnectionReserve},
		{"a 1,024-file limit", 0, 1024, 960 - 240, 960},
		{"a cap past the file limit", 50_000, 20_000, 19_936 - 512, 19_936},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, conns := connectionLimits(tt.flag, tt.openFiles)
			if ws != tt.wantWS || conns != tt.wantConnected {
				t.Errorf("connectionLimits(%d, %d) = %d, %d; want %d, %d", tt.flag, tt.openFiles, ws, conns, tt.wantWS, tt.wantConnected)
			}
			if tt.openFiles > 0 && conns > tt.openFiles {
				t.Errorf("%d connections allowed with %d open files", conns, tt.openFiles)
			}
		})
	}
}

// flakyStore fails to save scenario versions while fail is set.
type flakyStore struct {
	*sqlite.Store
	fail atomic.Bool
}

func (f *flakyStore) SaveScenarioVersion(ctx context.Context, id, version string, src []byte) error {
	if f.fail.Load() {
		return errors.New("disk I/O error (injected)")
	}
	return f.Store.SaveScenarioVersion(ctx, id, version, src)
}

// TestWatcherRetries: a new file whose update failed for a passing reason
// (the database did not save it) is tried again on the next poll; one
// refused for its content (it fails its analysis) is not analysed again
// until it changes.
func TestWatcherRetries(t *testing.T) {
	good, err := os.ReadFile("../testdata/short-call.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		saveFails   bool
		analysis    error
		wantOffered bool // after the second poll
		wantAnalyse int  // analyses over both polls
	}{
		{"database fails once", true, nil, true, 2},
		{"analysis fails", false, errors.New("ran out of time"), false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			flaky := &flakyStore{Store: st}
			analysed := 0
			analyse := func(context.Context, webui.Scenario) error { analysed++; return tt.analysis }
			logs := &syncLog{}
			log := slog.New(slog.NewTextHandler(logs, nil))
			srv, err := webui.New(webui.Config{Compile: compileScenario, Analyse: analyse}, flaky, log)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			w := newScenarioWatcher(dir, nil, srv, log, time.Hour)
			path := filepath.Join(dir, "short-call.toml")
			writeFile(t, path, good)
			flaky.fail.Store(tt.saveFails)
			w.poll(ctx)
			flaky.fail.Store(false)
			w.poll(ctx)
			if got := srv.Withdraw(path); got != tt.wantOffered {
				t.Errorf("offered after two polls: %v, want %v; the watcher logged:\n%s", got, tt.wantOffered, logs)
			}
			if analysed != tt.wantAnalyse {
				t.Errorf("analysed %d times, want %d", analysed, tt.wantAnalyse)
			}
		})
	}
}

// syncLog keeps what is logged, for printing when a test fails.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadyWithSourcesSaved: once an App says where it listens, a call can
// start on any scenario it offers, because their sources are saved. Before,
// they were saved after Ready, and a call started at once was refused now
// and then.
func TestReadyWithSourcesSaved(t *testing.T) {
	src, err := os.ReadFile("../testdata/short-call.toml")
	if err != nil {
		t.Fatal(err)
	}
	sc, problems := compileScenario("short-call.toml", src)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	offer := []webui.Scenario{{Compiled: sc, Source: src, Name: "short-call.toml", Trusted: true}}
	a := New(Options{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "p.db"), Offer: offer,
		Configure: []func(*webui.Config){func(c *webui.Config) { c.Analyse = nil }}},
		slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	if a.URL() == "" {
		t.Fatal("the App did not listen")
	}
	got, err := a.Store().ScenarioSource(ctx, sc.Version)
	if err != nil {
		t.Fatalf("the source of the offered scenario, read as soon as the App is ready: %v", err)
	}
	if !bytes.Equal(got, src) {
		t.Errorf("the saved source differs from the file")
	}
}
