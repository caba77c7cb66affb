package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parley/webui"
	"parley/webui/client"
	"parley/webui/sqlite"
)

// target is the server under load: started in-process (st is set) or
// already running at a URL.
type target struct {
	base   string // http://host:port, no trailing slash
	http   *http.Client
	dir    string        // temporary folder: the database and the floor's commit test
	dbPath string        // in-process only
	st     *sqlite.Store // in-process only
	cancel context.CancelFunc
	done   chan error // in-process: listenAndRun's result
}

// openTarget starts the server in-process, or checks the one at url answers.
func openTarget(ctx context.Context, url string, log *slog.Logger) (*target, error) {
	dir, err := os.MkdirTemp("", "parley-loadtest-")
	if err != nil {
		return nil, fmt.Errorf("loadtest: temporary folder: %w", err)
	}
	tg := &target{dir: dir, http: client.NewHTTPClient()}
	if url != "" {
		tg.base = strings.TrimSuffix(url, "/")
		err = tg.checkHealth(ctx)
	} else {
		err = tg.startInProcess(ctx, log)
	}
	if err != nil {
		tg.cleanup(log)
		return nil, err
	}
	return tg, nil
}

// startInProcess starts the server as serve does (an App) on 127.0.0.1:0
// with a database file in tg.dir, and waits until it listens and has
// analysed its scenarios.
func (tg *target) startInProcess(ctx context.Context, log *slog.Logger) error {
	tg.dbPath = filepath.Join(tg.dir, "parley.db")
	o := serveOptions{addr: "127.0.0.1:0", db: tg.dbPath, abandonAfter: webui.DefaultAbandonAfter}
	app := NewApp(o, slog.New(warningsOnly{log.Handler()}))
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	tg.cancel, tg.done = cancel, make(chan error, 1)
	go func() { tg.done <- app.Run(runCtx) }()
	select {
	case <-app.Ready():
	case <-time.After(30 * time.Second):
		return errors.Join(errors.New("loadtest: the server did not start listening within 30s"), tg.stop())
	}
	if app.URL() == "" {
		err := <-tg.done
		tg.done <- err
		return errors.Join(fmt.Errorf("loadtest: the server stopped before listening: %w", err), tg.stop())
	}
	tg.base, tg.st = strings.TrimSuffix(app.URL(), "/"), app.Store()
	// Measure the server at rest: its scenarios' analyses, made in the
	// background after it listens, are not a cost of the sessions.
	select {
	case <-app.Analysed():
		return nil
	case <-time.After(2 * time.Minute):
		return errors.Join(errors.New("loadtest: the server did not finish analysing its scenarios within 2 minutes"), tg.stop())
	}
}

// checkHealth asks a running server's /healthz.
func (tg *target) checkHealth(ctx context.Context) error {
	err := tg.client().Health(ctx)
	var se *client.StatusError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("loadtest: %s/healthz answered %s", tg.base, se.Status)
	case err != nil:
		return fmt.Errorf("loadtest: --url %s does not answer: %w", tg.base, err)
	}
	return nil
}

// client speaks the protocol to the target.
func (tg *target) client() *client.Client { return &client.Client{Base: tg.base, HTTP: tg.http} }

// stop shuts an in-process server down gracefully; it closes its store, so
// every queued write is committed. For a remote target it does nothing.
func (tg *target) stop() error {
	if tg.cancel == nil {
		return nil
	}
	tg.cancel()
	tg.cancel = nil
	return <-tg.done // the App drains and closes its store
}

// cleanup stops the server if still running and removes the temporary folder.
func (tg *target) cleanup(log *slog.Logger) {
	if err := tg.stop(); err != nil {
		log.Warn("stopping the in-process server", "err", err)
	}
	tg.http.CloseIdleConnections()
	if err := os.RemoveAll(tg.dir); err != nil {
		log.Warn("removing the temporary folder", "dir", tg.dir, "err", err)
	}
}

func (tg *target) describe() string {
	if tg.st == nil {
		return tg.base + " (already running; server memory not measured)"
	}
	return "in-process server at " + tg.base + ", database " + tg.dbPath
}

// stats reads the store's group-commit counters; zero for a remote target.
func (tg *target) stats() commitStats {
	if tg.st == nil {
		return commitStats{}
	}
	s := tg.st.Stats()
	return commitStats{known: true, commits: s.Commits, writes: s.Writes}
}

// commitStats is the store's counters over some stretch of time.
type commitStats struct {
	known           bool
	commits, writes int64
}

func (s commitStats) minus(before commitStats) commitStats {
	return commitStats{known: s.known, commits: s.commits - before.commits, writes: s.writes - before.writes}
}

// fetchScenarioIDs asks the server which scenarios are on offer.
func fetchScenarioIDs(ctx context.Context, cl *client.Client) ([]string, error) {
	ids, err := cl.ScenarioIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	if len(ids) == 0 {
		return nil, errors.New("loadtest: the server offers no scenarios")
	}
	return ids, nil
}

// warningsOnly passes on the server's log records at warning and above:
// the load tool's own output stays readable.
type warningsOnly struct{ slog.Handler }

func (h warningsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
