package webui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"parley/webui/training"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for Config's zero values.
const (
	DefaultAbandonAfter   = 24 * time.Hour
	DefaultSweepEvery     = time.Minute
	DefaultIdleEvict      = 10 * time.Minute
	DefaultShutdownWait   = 10 * time.Second
	DefaultPingAfter      = 30 * time.Second
	DefaultPongWait       = 60 * time.Second
	DefaultRecheckEvery   = 10 * time.Second
	DefaultRequestTimeout = 30 * time.Second
)

// Config is everything the server is told; nothing deeper reads flags or
// the environment.
type Config struct {
	// Scenarios are the scenarios on offer, in the order they are listed.
	Scenarios []Scenario
	// Compile compiles a scenario version stored in the database, to resume
	// or debrief an attempt played on it. Required.
	Compile Compiler
	// AbandonAfter is how long an attempt may sit idle before the sweep
	// marks it abandoned. Zero means DefaultAbandonAfter.
	AbandonAfter time.Duration
	// SweepEvery is how often the sweep runs. Zero means DefaultSweepEvery.
	SweepEvery time.Duration
	// IdleEvict is how long an unused session stays in memory. Zero means
	// DefaultIdleEvict.
	IdleEvict time.Duration
	// ShutdownWait bounds a graceful shutdown. Zero means DefaultShutdownWait.
	ShutdownWait time.Duration
	// PingAfter is how long a browser may be silent on its websocket before
	// it is pinged, and PongWait how long before it is dropped; anything it
	// sends counts. Zero means DefaultPingAfter and DefaultPongWait.
	PingAfter, PongWait time.Duration
	// RecheckEvery is how long a websocket trusts its last check of the
	// session that opened it (disabled, signed out, roles changed; a
	// watcher's right to watch). Zero means DefaultRecheckEvery.
	RecheckEvery time.Duration
	// Now is the clock. Nil means time.Now. The sweep compares it with the
	// store's own timestamps, so tests move it forward rather than back.
	Now func() time.Time
	// Static overrides the embedded browser UI, for working on the UI
	// without rebuilding. Nil means the embedded files.
	Static fs.FS
	// XAPI, when set, writes xAPI statements about every reply and every
	// finished attempt to the outbox with the turn (webui/lrs sends them).
	XAPI *training.XAPIConfig
	// Passwords are argon2id's costs for new password hashes. Zero means
	// training.DefaultPasswordParams (OWASP's); tests pass cheaper ones.
	Passwords training.PasswordParams
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For (the client's address, for rate limits) and
	// X-Forwarded-Proto (https: cookies are then Secure) Parley believes.
	// Headers from anyone else are ignored.
	TrustedProxies []netip.Prefix
	// AllowedOrigins are origins besides the server's own (scheme://host
	// [:port]) whose pages may open the websocket and send state-changing
	// requests: the public address, when a proxy changes the Host header.
	AllowedOrigins []string
	// Analyse, when set, analyses every scenario in the background once the
	// server is listening, one at a time, each within the budgets it
	// applies. A scenario that is not Trusted is offered only once its
	// analysis passes; one that fails is logged and never offered. Trusted
	// ones are offered from the start and analysed to warm them, so the
	// first trainee to reach an ending does not wait. Nil offers everything
	// at once, unanalysed (tests, to start fast).
	Analyse Analyser
	// MaxWebsockets caps the play websockets open at once, overall; one over
	// it is answered too_many_connections and closed. Zero means
	// DefaultMaxWebsockets.
	MaxWebsockets int
	// MaxWebsocketsPerUser and MaxWebsocketsPerAddr cap them per user and
	// per client address: an IPv4 address or an IPv6 /64 (connections from
	// this machine are not capped per address). Zero means the defaults.
	MaxWebsocketsPerUser, MaxWebsocketsPerAddr int
	// NewWebsocketsPerSec and NewWebsocketsBurst limit how fast one user or
	// one address opens websockets: a token bucket each. Zero means the
	// defaults.
	NewWebsocketsPerSec float64
	NewWebsocketsBurst  int
	// StartBurst and StartEvery limit how fast one user starts new attempts
	// and practice runs (training.ServiceConfig): zero means
	// training.DefaultStartBurst (10) and DefaultStartEvery (3 s); a
	// negative StartBurst, no limit.
	StartBurst int
	StartEvery time.Duration
	// RequestTimeout bounds reading a whole HTTP request and writing its
	// answer: a client that trickles its body or never reads is cut off.
	// Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxConnections caps the TCP connections Run accepts at once; more are
	// closed as they arrive. Zero means MaxWebsockets + ConnectionReserve,
	// which leaves room for page loads and health checks.
	MaxConnections int
	// Broadcast, when set, carries what crosses the instances sharing a
	// database (live watching, signing out); Leader decides which of them
	// runs the sweeps. Nil: one process (docs/instances.md).
	Broadcast training.Broadcast
	Leader    training.Leader
	// AnnounceEvery is how often, with a Broadcast, this instance tells the
	// others who watches what here. Zero means DefaultAnnounceEvery.
	AnnounceEvery time.Duration
	// Seeds gives each new attempt its seed, from many goroutines at once.
	// Nil means crypto/rand; tests pin it so that a conversation, and so the
	// wire, is the same each run.
	Seeds func() uint64
}

func (cfg *Config) setDefaults() {
	cfg.AbandonAfter = positiveOr(cfg.AbandonAfter, DefaultAbandonAfter)
	cfg.SweepEvery = positiveOr(cfg.SweepEvery, DefaultSweepEvery)
	cfg.IdleEvict = positiveOr(cfg.IdleEvict, DefaultIdleEvict)
	cfg.ShutdownWait = positiveOr(cfg.ShutdownWait, DefaultShutdownWait)
	cfg.PingAfter = positiveOr(cfg.PingAfter, DefaultPingAfter)
	cfg.PongWait = positiveOr(cfg.PongWait, DefaultPongWait)
	cfg.RecheckEvery = positiveOr(cfg.RecheckEvery, DefaultRecheckEvery)
	cfg.RequestTimeout = positiveOr(cfg.RequestTimeout, DefaultRequestTimeout)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Static == nil {
		cfg.Static = embeddedStatic()
	}
	cfg.MaxWebsockets = intOr(cfg.MaxWebsockets, DefaultMaxWebsockets)
	cfg.MaxWebsocketsPerUser = intOr(cfg.MaxWebsocketsPerUser, DefaultMaxWebsocketsPerUser)
	cfg.MaxWebsocketsPerAddr = intOr(cfg.MaxWebsocketsPerAddr, DefaultMaxWebsocketsPerAddr)
	cfg.NewWebsocketsBurst = intOr(cfg.NewWebsocketsBurst, DefaultNewWebsocketsBurst)
	cfg.MaxConnections = intOr(cfg.MaxConnections, cfg.MaxWebsockets+ConnectionReserve)
	if cfg.NewWebsocketsPerSec <= 0 {
		cfg.NewWebsocketsPerSec = DefaultNewWebsocketsPerSec
	}
}

// intOr is n, or def when n is not positive.
func intOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// positiveOr is d, or def when d is not positive.
func positiveOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Server is Parley's web server.
type Server struct {
	cfg       Config
	st        training.Store
	log       *slog.Logger
	cat       *training.Catalog
	svc       *training.Service
	accounts  *training.Accounts
	cohorts   *training.Cohorts
	hub       *hub
	limits    *wsLimits
	upgrader  websocket.Upgrader
	handler   http.Handler
	plays     map[string]playHandler
	wrote     writeCheck // the health check's last passed write
	analysed  chan struct{}
	published atomic.Bool // Publish has saved the scenarios' sources
}

// New checks cfg and builds the server. It does no I/O: Publish and Run do.
func New(cfg Config, st training.Store, log *slog.Logger) (*Server, error) {
	if st == nil || log == nil || cfg.Compile == nil {
		return nil, errors.New("webui: New needs a store, a logger and Config.Compile")
	}
	cfg.setDefaults()
	csrf := http.NewCrossOriginProtection()
	for _, o := range cfg.AllowedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("webui: allowed origin %q: %w (write it as scheme://host[:port])", o, err)
		}
	}
	cat, err := training.NewCatalog(cfg.Scenarios, st, cfg.Compile, cfg.Analyse)
	if err != nil {
		return nil, err
	}
	svc := training.NewService(st, cat, training.ServiceConfig{Now: cfg.Now, AbandonAfter: cfg.AbandonAfter,
		IdleEvict: cfg.IdleEvict, Log: log, XAPI: cfg.XAPI, Leader: cfg.Leader, Seeds: cfg.Seeds,
		StartBurst: cfg.StartBurst, StartEvery: cfg.StartEvery})
	s := &Server{cfg: cfg, st: st, log: log, cat: cat, svc: svc, hub: newHub(log), limits: newWSLimits(cfg), analysed: make(chan struct{}),
		// Small read buffers and pooled write buffers keep an idle connected
		// session small (docs/performance.md: ~25 KiB instead of ~38 KiB).
		upgrader: websocket.Upgrader{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 4096,
			WriteBufferPool: &sync.Pool{}}}
	s.hub.peek = svc.StoredSnapshot
	if cfg.Broadcast != nil {
		s.hub.remote = newRemoteHub(s.hub, cfg.Broadcast, log, cfg.AnnounceEvery)
	}
	s.accounts = training.NewAccounts(st, training.AccountsConfig{Now: cfg.Now, Password: cfg.Passwords, Log: log, Leader: cfg.Leader})
	s.cohorts = training.NewCohorts(st, cat, s.accounts, cfg.Now)
	s.upgrader.CheckOrigin = s.sameOrigin
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, fail(codeCrossOrigin, "this request came from another site and was refused; open Parley at its own address"))
	}))
	s.plays = s.playHandlers()
	s.handler = secureHeaders(csrf.Handler(s.routes()))
	return s, nil
}

// Accounts is who may sign in: the admin's tools (parley user) and the
// first run's setup link use it.
func (s *Server) Accounts() *training.Accounts { return s.accounts }

// Analysed is closed once Run has analysed every scenario the server started
// with (Config.Analyse), or has stopped: from then on, scoring never waits
// for an analysis.
func (s *Server) Analysed() <-chan struct{} { return s.analysed }

// Publish saves the sources of the scenarios the server was given, so that
// attempts on them can start. Call it before telling anyone where the server
// listens: a trainee who starts a call before it has run is refused. Run
// calls it if the caller has not.
func (s *Server) Publish(ctx context.Context) error {
	if s.published.Load() {
		return nil
	}
	if err := s.cat.Publish(ctx); err != nil {
		return fmt.Errorf("webui: %w", err)
	}
	s.published.Store(true)
	return nil
}

// Run saves the scenarios' sources (Publish), serves on ln until ctx is
// done, then shuts down gracefully: it stops accepting, tells every
// websocket going_away, waits for messages being handled to commit, and
// returns. The caller closes the store afterwards.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if err := s.Publish(ctx); err != nil {
		_ = ln.Close()
		return err
	}
	// Bodies are small and answers quick: a client that trickles its request
	// or never reads the answer loses its connection (a websocket, once
	// upgraded, has its own deadlines).
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: min(10*time.Second, s.cfg.RequestTimeout),
		ReadTimeout: s.cfg.RequestTimeout, WriteTimeout: s.cfg.RequestTimeout, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	ln = newLimitListener(ln, s.cfg.MaxConnections, s.connectionsFull())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	swept := make(chan struct{})
	go func() { defer close(swept); s.svc.RunSweeps(sweepCtx, s.cfg.SweepEvery) }()
	go s.accounts.RunSweeps(sweepCtx, s.cfg.SweepEvery)
	crossed := s.runRemote(sweepCtx)
	go func() {
		defer close(s.analysed)
		if s.cfg.Analyse != nil {
			s.cat.CheckAll(sweepCtx, s.cfg.Analyse, s.log)
		}
	}()
	var err error
	select {
	case err = <-served:
		err = fmt.Errorf("webui: serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	stopSweep()
	<-swept
	<-s.analysed
	<-crossed
	err = errors.Join(err, s.shutdown(hs))
	s.hub.stopBackground()
	return err
}

// shutdown stops accepting, closes every websocket with going_away and
// waits for them, within ShutdownWait.
func (s *Server) shutdown(hs *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownWait)
	defer cancel()
	err := hs.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = errors.Join(err, hs.Close())
	}
	// The websockets get their own grace period, whatever HTTP used up.
	wsCtx, wsCancel := context.WithTimeout(context.Background(), s.cfg.ShutdownWait)
	defer wsCancel()
	if n := s.hub.goAway(wsCtx); n > 0 {
		s.log.Warn("websockets did not close in time and were cut", "count", n)
	}
	if err != nil {
		return fmt.Errorf("webui: shut down HTTP: %w", err)
	}
	return nil
}

// connectionsFull logs, at most once a minute, that the listener is turning
// connections away.
func (s *Server) connectionsFull() func() {
	var mu sync.Mutex
	var last time.Time
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if now := s.cfg.Now(); now.Sub(last) >= time.Minute {
			last = now
			s.log.Warn("connection refused: the server is at its limit of open connections; raise --max-websockets if the machine allows",
				"max_connections", s.cfg.MaxConnections)
		}
	}
}

// Update offers sc in place of the scenario loaded from the same file
// (Scenario.Name), or as a new one: its source is saved as a new version,
// and it is offered once Config.Analyse passes it. On an error the last
// good version stays on offer. Attempts on an older version go on with it.
func (s *Server) Update(ctx context.Context, sc Scenario) error {
	if err := s.cat.Update(ctx, sc, s.cfg.Analyse); err != nil {
		return fmt.Errorf("webui: %s not updated: %w", sc.Name, err)
	}
	return nil
}

// Withdraw stops offering the scenario loaded from file name; attempts on
// it go on. It reports whether one was offered.
func (s *Server) Withdraw(name string) bool { return s.cat.Withdraw(name) }
