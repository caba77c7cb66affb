package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"parley/webui"
	"parley/webui/sqlite"
)

// App is one Parley server: the database, the web server and the watcher of
// the trainer's folder, wired from serve's options. serve, the tests and the
// load tool all start it the same way, and it says where it listens
// (Ready, URL) and when its scenarios are analysed (Analysed), so nobody
// reads its log for them.
type App struct {
	opts serveOptions
	log  *slog.Logger

	ready    chan struct{} // closed once it listens, or Run has failed
	url      string
	st       *sqlite.Store
	analysed <-chan struct{}
}

// NewApp makes the server that Run starts.
func NewApp(o serveOptions, log *slog.Logger) *App {
	return &App{opts: o, log: log, ready: make(chan struct{})}
}

// Ready is closed once the server listens (URL and Store are then set), or
// Run has returned without listening.
func (a *App) Ready() <-chan struct{} { return a.ready }

// URL is where the server listens, as a browser would open it; valid after
// Ready, and empty if Run failed before listening.
func (a *App) URL() string { return a.url }

// Store is the server's database; valid after Ready.
func (a *App) Store() *sqlite.Store { return a.st }

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
	if a.st, err = sqlite.Open(ctx, o.db); err != nil {
		return err
	}
	defer func() {
		if cerr := a.st.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close database %s: %w", o.db, cerr))
		}
		log.Info("parley stopped")
	}()
	srv, err := webui.New(cfg, a.st, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w; pick another with --addr or PARLEY_ADDR", o.addr, err)
	}
	a.url, a.analysed = browserURL(ln.Addr()), srv.Analysed()
	log.Info("open "+a.url+" in a browser", "addr", ln.Addr().String())
	listening = true
	close(a.ready)
	if o.scenarios != "" && o.watchEvery > 0 {
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go newScenarioWatcher(o.scenarios, trainerFiles, srv, log, o.watchEvery).run(wctx)
	}
	return srv.Run(ctx, ln)
}
