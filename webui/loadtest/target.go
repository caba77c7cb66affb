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

// target is the server under load: started in this process (srv), started
// as serve child processes (children), or already running at URLs.
type target struct {
	bases     []string // each instance's http://host:port, no trailing slash
	http      *http.Client
	dir       string  // temporary folder: the database and the floor's commit test
	srv       *Server // in-process only
	children  []*childServer
	db        string      // the children's database
	procs     serverProcs // the server processes whose CPU and memory are read
	setupLink string      // a new server's one-time admin link, when it printed one
	stopped   bool
	admin     *client.Session // signed in by adminSession
	tokens    []string        // the signed-in trainees' session tokens (signInTrainees)
	// readTurns opens the database afresh after stop, for the durable
	// check; nil: the turns are read over HTTP before stop.
	readTurns func(ctx context.Context) (TurnReader, func() error, error)
}

// openTarget starts the server (in this process or as child processes), or
// checks that the ones at o.URLs answer.
func openTarget(ctx context.Context, o Options, log *slog.Logger) (*target, error) {
	dir, err := os.MkdirTemp("", "parley-loadtest-")
	if err != nil {
		return nil, fmt.Errorf("loadtest: temporary folder: %w", err)
	}
	tg := &target{dir: dir, http: client.NewHTTPClient(), procs: serverProcs{db: o.DBPID}}
	switch {
	case len(o.URLs) > 0:
		err = tg.openRemote(ctx, o)
	case o.Child:
		err = tg.startChildren(ctx, o, log)
	case o.Start == nil:
		err = errors.New("loadtest: no URL to drive and no way to start a server")
	default:
		err = tg.startInProcess(ctx, o, log)
	}
	if err != nil {
		tg.cleanup(log)
		return nil, err
	}
	return tg, nil
}

// openRemote checks that every server at o.URLs answers, and that the
// server processes named by o.ServerPIDs can be read.
func (tg *target) openRemote(ctx context.Context, o Options) error {
	for _, u := range o.URLs {
		tg.bases = append(tg.bases, strings.TrimSuffix(u, "/"))
		if err := tg.checkHealth(ctx, tg.bases[len(tg.bases)-1]); err != nil {
			return err
		}
	}
	tg.procs.pids = o.ServerPIDs
	for _, pid := range o.ServerPIDs {
		if _, err := readProc(pid); err != nil {
			return fmt.Errorf("loadtest: --server-pid: %w", err)
		}
	}
	return nil
}

func (tg *target) startInProcess(ctx context.Context, o Options, log *slog.Logger) error {
	srv, err := o.Start(ctx, tg.dir, log)
	if err != nil {
		return err
	}
	tg.srv, tg.setupLink = srv, srv.SetupLink
	tg.bases = []string{strings.TrimSuffix(srv.URL, "/")}
	tg.readTurns = srv.Turns
	return nil
}

// checkHealth asks a running server's /healthz.
func (tg *target) checkHealth(ctx context.Context, base string) error {
	err := client.New(base, tg.http).Health(ctx)
	var se *client.StatusError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("loadtest: %s/healthz answered %s", base, se.Status)
	case err != nil:
		return fmt.Errorf("loadtest: --url %s does not answer: %w", base, err)
	}
	return nil
}

// client speaks the protocol to the target's first instance.
func (tg *target) client() *client.Client { return client.New(tg.bases[0], tg.http) }

// stop shuts down a server this run started, gracefully: its store is
// closed, so every queued write is committed. For a remote target it does
// nothing.
func (tg *target) stop() error {
	if tg.stopped {
		return nil
	}
	tg.stopped = true
	var err error
	if tg.srv != nil {
		err = tg.srv.Stop()
	}
	for _, c := range tg.children {
		err = errors.Join(err, c.stop())
	}
	return err
}

// cleanup stops the server if still running and removes the temporary folder.
func (tg *target) cleanup(log *slog.Logger) {
	if err := tg.stop(); err != nil {
		log.Warn("stopping the server", "err", err)
	}
	tg.http.CloseIdleConnections()
	if err := os.RemoveAll(tg.dir); err != nil {
		log.Warn("removing the temporary folder", "dir", tg.dir, "err", err)
	}
}

func (tg *target) describe() string {
	switch {
	case tg.srv != nil:
		return "in-process server at " + tg.bases[0] + ", database " + tg.srv.Database
	case len(tg.children) > 0:
		pids := make([]int, len(tg.children))
		for k, c := range tg.children {
			pids[k] = c.pid()
		}
		return fmt.Sprintf("parley serve in its own process at %s (pid %s), database %s", strings.Join(tg.bases, ", "), joinInts(pids), tg.db)
	case len(tg.procs.pids) > 0:
		return strings.Join(tg.bases, ", ") + " (already running, pid " + joinInts(tg.procs.pids) + "; server memory per session not measured)"
	}
	return strings.Join(tg.bases, ", ") + " (already running; server CPU and memory not measured: pass --server-pid)"
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
