// Package app wires one Parley server: the engine's scenarios (bundled and
// a trainer's folder), the web server, its database (a SQLite file, or
// PostgreSQL for a postgres:// URL) and the watcher of the trainer's
// folder. It is the one place that does; parley serve, the
// load tool and the tests that run a whole server all start an App.
// Nothing but commands and tests imports it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"parley/webui"
	"parley/webui/lrs"
	"parley/webui/postgres"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// Options is how to wire a server: what parley serve's flags and
// environment say, and what tests need besides.
type Options struct {
	Addr         string // address to listen on, such as 127.0.0.1:0
	DB           string // a SQLite database file, created if missing, or a postgres:// (postgresql://) URL
	Scenarios    string // trainer's folder of .toml scenarios besides the bundled ones; "": none
	Static       string // serve the browser UI from this folder; "": the embedded copy
	AbandonAfter time.Duration
	// MaxWebsockets caps open websockets overall; 0: from the open-files
	// limit. The per-user and per-address caps are webui's defaults when 0.
	MaxWebsockets, MaxWebsocketsPerUser, MaxWebsocketsPerAddr int
	// StartBurst is how many new attempts a trainee may start at once
	// before they are paced (webui.Config.StartBurst): 0 is the default,
	// negative no limit (the load tool's servers).
	StartBurst int
	WatchEvery time.Duration // how often to look for changed trainer files; 0: never
	// TrustedProxies and AllowedOrigins: see webui.Config.
	TrustedProxies []netip.Prefix
	AllowedOrigins []string
	// PublicURL is the address browsers use (behind a proxy); "": where it
	// listens. The first run's setup link starts with it.
	PublicURL string
	// Console is where the first run's setup link is printed; nil: nowhere
	// (tests read App.SetupLink).
	Console io.Writer
	// LRS, when its Endpoint is set, sends xAPI statements about every
	// reply and finished attempt to a learning record store, through the
	// durable outbox. Their actors' homePage and activity ids start with
	// PublicURL (or http:// and Addr).
	LRS lrs.Config

	// Offer, when not nil, is the scenarios on offer instead of the bundled
	// ones and the trainer's folder's (which is then not watched): tests
	// that bring their own.
	Offer []webui.Scenario
	// Configure adjusts the server's Config last, in order: tests.
	Configure []func(*webui.Config)
	// WrapStore, when set, wraps the database the server is given (Store
	// still returns the database itself): tests that inject failures.
	WrapStore func(training.Store) training.Store
}

// App is one Parley server: the database, the web server and the watcher of
// the trainer's folder, wired from Options. serve, the tests and the
// load tool all start it the same way, and it says where it listens
// (Ready, URL) and when its scenarios are analysed (Analysed), so nobody
// reads its log for them.
type App struct {
	opts Options
	log  *slog.Logger

	ready    chan struct{} // closed once it listens, or Run has failed
	url      string
	st       Store
	srv      *webui.Server
	analysed <-chan struct{}
	setup    string // the first run's setup link, if one was issued
}

// New makes the server that Run starts.
func New(o Options, log *slog.Logger) *App {
	return &App{opts: o, log: log, ready: make(chan struct{})}
}

// Ready is closed once the server listens, with its scenarios' sources
// saved (URL and Store are then set), or Run has returned without
// listening.
func (a *App) Ready() <-chan struct{} { return a.ready }

// URL is where the server listens, as a browser would open it; valid after
// Ready, and empty if Run failed before listening.
func (a *App) URL() string { return a.url }

// Store is what an App needs of its database: the port the core uses, and
// Close. *sqlite.Store and *postgres.Store are both one; callers that need
// more of one (sqlite's Stats) assert its type.
type Store interface {
	training.Store
	Close() error
}

// IsPostgres reports whether db (Options.DB, --db) names a PostgreSQL
// database, a postgres:// or postgresql:// URL, rather than a SQLite file.
func IsPostgres(db string) bool { return postgres.IsURL(db) }

// OpenStore opens the database db names (Options.DB, --db): PostgreSQL for
// a postgres:// or postgresql:// URL, else a SQLite file, created if
// missing. Either is migrated first.
func OpenStore(ctx context.Context, db string) (Store, error) {
	if postgres.IsURL(db) {
		st, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// dbName is how messages name the database: a URL without its password.
func dbName(db string) string {
	if postgres.IsURL(db) {
		return postgres.Redact(db)
	}
	return db
}

// Store is the server's database; valid after Ready.
func (a *App) Store() Store { return a.st }

// Server is the web server; valid after Ready.
func (a *App) Server() *webui.Server { return a.srv }

// SetupLink is the one-time link that sets the first admin's password,
// when this run issued one (an installation with no admin who has a
// password); "" otherwise. Valid after Ready.
func (a *App) SetupLink() string { return a.setup }

// Analysed is closed once the server has analysed every scenario it started
// with, or has stopped. Valid after Ready.
func (a *App) Analysed() <-chan struct{} { return a.analysed }

// Run loads the scenarios, opens the database, listens and serves until ctx
// ends, then shuts down gracefully; the database is drained and closed last.
func (a *App) Run(ctx context.Context) (err error) {
	listening := false
	defer func() {
		if !listening {
			close(a.ready)
		}
	}()
	o, log := a.opts, a.log
	cfg, trainerFiles, err := serverConfig(o, log)
	if err != nil {
		return err
	}
	if a.st, err = OpenStore(ctx, o.DB); err != nil {
		return err
	}
	defer func() {
		if cerr := a.st.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close database %s: %w", dbName(o.DB), cerr))
		}
		log.Info("parley stopped")
	}()
	var store training.Store = a.st
	if o.WrapStore != nil {
		store = o.WrapStore(a.st)
	}
	leader := a.instances(&cfg)
	if leader != nil {
		defer leader.Close()
	}
	for _, f := range o.Configure {
		f(&cfg)
	}
	if o.LRS.Endpoint != "" {
		home := o.PublicURL
		if home == "" {
			home = "http://" + o.Addr
		}
		cfg.XAPI = &training.XAPIConfig{HomePage: home}
	}
	srv, err := webui.New(cfg, store, log)
	if err != nil {
		return err
	}
	if o.LRS.Endpoint != "" {
		lc := o.LRS
		lc.Log = log
		relay, err := lrs.New(a.st, lc)
		if err != nil {
			return err
		}
		rctx, stop := context.WithCancel(ctx)
		defer stop()
		go runRelay(rctx, relay, cfg.Leader, o.LRS.Every, log)
		log.Info("xAPI statements go to the learning record store", "endpoint", o.LRS.Endpoint)
	}
	// Before anyone is told where to go: a call cannot start on a scenario
	// whose source is not saved yet.
	if err := srv.Publish(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w; pick another with --addr or PARLEY_ADDR", o.Addr, err)
	}
	a.url, a.srv, a.analysed = browserURL(ln.Addr()), srv, srv.Analysed()
	if err := a.bootstrap(ctx); err != nil {
		_ = ln.Close()
		return err
	}
	log.Info("open "+a.url+" in a browser", "addr", ln.Addr().String())
	listening = true
	close(a.ready)
	if o.Scenarios != "" && o.Offer == nil && o.WatchEvery > 0 {
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go newScenarioWatcher(o.Scenarios, trainerFiles, srv, log, o.WatchEvery).run(wctx)
	}
	return srv.Run(ctx, ln)
}

// bootstrap makes sure someone can administer the server: on a new
// database it creates the admin account and prints a one-time link to set
// its password (again at each start until it is used; with several
// instances, the one that leads prints it).
func (a *App) bootstrap(ctx context.Context) error {
	username, token, err := a.srv.Accounts().Bootstrap(ctx)
	if err != nil {
		return fmt.Errorf("set up the first admin account: %w", err)
	}
	if username == "" {
		return nil
	}
	if token == "" {
		a.log.Info("no admin has a password yet: the instance that leads printed a one-time setup link on its console "+
			"(or set the password with parley user passwd "+username+" --password-stdin --db and this database)", "username", username)
		return nil
	}
	base := strings.TrimSuffix(a.opts.PublicURL, "/")
	if base == "" {
		base = strings.TrimSuffix(a.url, "/")
	}
	a.setup = base + "/#/link/" + token
	a.log.Info("no admin has a password yet: a one-time setup link was printed on the console", "username", username)
	if a.opts.Console != nil {
		ttl := a.srv.Accounts().Config().LinkTTL
		fmt.Fprintf(a.opts.Console, "\nParley has no administrator with a password yet. To choose the password of %q,\n"+
			"open this link within %d hours (it works once; each start prints a new one until it is used):\n\n    %s\n\n",
			username, int(ttl.Hours()), a.setup)
	}
	return nil
}
