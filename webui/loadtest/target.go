package loadtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"parley/webui/client"
)

// Server is a Parley server that Options.Start started in this process.
type Server struct {
	URL      string // where it listens, as a browser would open it
	Database string // its database, named in the report

	// Stats reads its store's group-commit counters.
	Stats func() CommitStats

	// Stop shuts it down gracefully, closing its store: every queued write
	// is committed when it returns. It is called once.
	Stop func() error

	// SetupLink is the new server's one-time link to set its admin's
	// password: the run signs in as that admin to create the trainees.
	SetupLink string

	// Turns opens its database afresh, after Stop, to read the stored
	// turns back; done closes it. Nil: the turns are read over HTTP.
	Turns func(ctx context.Context) (read TurnReader, done func() error, err error)
}

// CommitStats is a store's group-commit counters.
type CommitStats struct {
	Commits, Writes int64
}

// target is the server under load: started in-process (srv is set) or
// already running at a URL.
type target struct {
	base    string // http://host:port, no trailing slash
	http    *http.Client
	dir     string  // temporary folder: the database and the floor's commit test
	srv     *Server // in-process only
	stopped bool
	admin   *client.Session // signed in by adminSession
}

// openTarget starts the server in-process, or checks the one at o.URL answers.
func openTarget(ctx context.Context, o Options, log *slog.Logger) (*target, error) {
	dir, err := os.MkdirTemp("", "parley-loadtest-")
	if err != nil {
		return nil, fmt.Errorf("loadtest: temporary folder: %w", err)
	}
	tg := &target{dir: dir, http: client.NewHTTPClient()}
	switch {
	case o.URL != "":
		tg.base = strings.TrimSuffix(o.URL, "/")
		err = tg.checkHealth(ctx)
	case o.Start == nil:
		err = errors.New("loadtest: no URL to drive and no way to start a server")
	default:
		if tg.srv, err = o.Start(ctx, dir, log); err == nil {
			tg.base = strings.TrimSuffix(tg.srv.URL, "/")
		}
	}
	if err != nil {
		tg.cleanup(log)
		return nil, err
	}
	return tg, nil
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
	if tg.srv == nil || tg.stopped {
		return nil
	}
	tg.stopped = true
	return tg.srv.Stop()
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
	if tg.srv == nil {
		return tg.base + " (already running; server memory not measured)"
	}
	return "in-process server at " + tg.base + ", database " + tg.srv.Database
}

// stats reads the store's group-commit counters; zero for a remote target.
func (tg *target) stats() commitStats {
	if tg.srv == nil || tg.srv.Stats == nil {
		return commitStats{}
	}
	s := tg.srv.Stats()
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
func fetchScenarioIDs(ctx context.Context, s *client.Session) ([]string, error) {
	ids, err := s.ScenarioIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	if len(ids) == 0 {
		return nil, errors.New("loadtest: the server offers no scenarios")
	}
	return ids, nil
}
