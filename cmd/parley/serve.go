package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"parley/engine"
	"parley/scenarios"
	"parley/webui"
)

// serveOptions is what the serve flags and environment say.
type serveOptions struct {
	addr         string
	db           string
	scenarios    string
	static       string
	abandonAfter time.Duration
	maxWS        int // open websockets overall; 0: from the open-files limit
	maxWSPerUser int
	maxWSPerAddr int
	watchEvery   time.Duration // how often to look for changed trainer files; 0: never
}

// serve runs the web app until ctx ends or SIGINT/SIGTERM arrives, then shuts
// down gracefully and returns nil.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseServeFlags(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return NewApp(o, log).Run(ctx)
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveOptions, error) {
	var o serveOptions
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", envOr(getenv, "PARLEY_ADDR", "127.0.0.1:8080"), "address to listen on (env PARLEY_ADDR)")
	fs.StringVar(&o.db, "db", envOr(getenv, "PARLEY_DB", "parley.db"), "SQLite database file, created if missing (env PARLEY_DB)")
	fs.StringVar(&o.scenarios, "scenarios", getenv("PARLEY_SCENARIOS"), "folder of trainer scenario .toml files to offer besides the bundled ones (env PARLEY_SCENARIOS)")
	fs.StringVar(&o.static, "static", getenv("PARLEY_STATIC"), "serve the browser UI from this folder instead of the embedded copy, for UI work (env PARLEY_STATIC)")
	abandon, err := envDuration(getenv, "PARLEY_ABANDON_AFTER", webui.DefaultAbandonAfter)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return o, errUsage
	}
	fs.DurationVar(&o.abandonAfter, "abandon-after", abandon, "mark an attempt abandoned after it sits idle this long (env PARLEY_ABANDON_AFTER)")
	fs.DurationVar(&o.watchEvery, "watch-every", 2*time.Second, "how often to look for new or changed files in --scenarios and offer them as new versions (0: never)")
	fs.IntVar(&o.maxWS, "max-websockets", 0, "open conversations (websockets) at once, overall (default: 10000, or fewer if the open-files limit is lower)")
	fs.IntVar(&o.maxWSPerUser, "max-websockets-per-user", 0, fmt.Sprintf("open websockets per trainee, that is browser tabs (default %d)", webui.DefaultMaxWebsocketsPerUser))
	fs.IntVar(&o.maxWSPerAddr, "max-websockets-per-addr", 0, fmt.Sprintf("open websockets per client address, not applied to connections from this machine (default %d)", webui.DefaultMaxWebsocketsPerAddr))
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	if fs.NArg() > 0 || o.abandonAfter <= 0 {
		fmt.Fprintf(stderr, "serve: takes flags only (got %q) and a positive --abandon-after\n", fs.Args())
		return o, errUsage
	}
	return o, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a duration such as 24h or 90m", key, v)
	}
	return d, nil
}

// serverConfig loads the scenarios and builds the server's Config; it also
// returns the files read from the trainer's folder, for the watcher.
func serverConfig(o serveOptions, log *slog.Logger) (webui.Config, []scenarios.File, error) {
	list, trainerFiles, err := loadScenarios(o.scenarios, log)
	if err != nil {
		return webui.Config{}, nil, err
	}
	cfg := webui.Config{Scenarios: list, Compile: compileScenario, AbandonAfter: o.abandonAfter, Analyse: analyseScenario,
		MaxWebsocketsPerUser: o.maxWSPerUser, MaxWebsocketsPerAddr: o.maxWSPerAddr}
	cfg.MaxWebsockets, cfg.MaxConnections = connectionLimits(o.maxWS, openFilesLimit())
	if o.static != "" {
		if info, err := os.Stat(o.static); err != nil || !info.IsDir() {
			return webui.Config{}, nil, fmt.Errorf("--static %s: not a folder; pass the folder holding index.html", o.static)
		}
		cfg.Static = os.DirFS(o.static)
	}
	return cfg, trainerFiles, nil
}

// compileScenario compiles a scenario version stored in the database.
func compileScenario(name string, src []byte) (*engine.Scenario, engine.Problems) {
	return scenarios.Load(scenarios.File{Name: name, Src: src})
}

// analyseScenario checks a scenario the server was given, within the
// same budgets as parley lint's defaults: every check that needs its
// exploration, which is kept for scoring. Errors, or an exploration cut by
// time or memory, keep a trainer's file off the offer.
func analyseScenario(ctx context.Context, s webui.Scenario) error {
	ectx, cancel := context.WithTimeout(ctx, defaultExploreTimeout)
	defer cancel()
	problems := scenarios.Check(ectx, s.Compiled, engine.Limits{})
	a := s.Compiled.Analysis()
	switch a.Cut {
	case engine.CutTime, engine.CutMemory:
		return fmt.Errorf("its analysis ran out of %s after %d states; check it with parley lint %s, and give its loops a way out "+
			"or its variables fewer values", map[string]string{engine.CutTime: "time", engine.CutMemory: "memory"}[a.Cut], a.States, s.Name)
	case engine.CutCancelled:
		return ctx.Err()
	}
	var errs []error
	for _, p := range problems {
		if p.Severity == engine.Error {
			errs = append(errs, errors.New(p.String()))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("parley lint %s finds errors; fix them and restart: %w", s.Name, errors.Join(errs...))
	}
	return nil
}

// bundledPrefix starts the name of each bundled scenario.
const bundledPrefix = "bundled:"

// loadScenarios loads the bundled scenarios and those in dir. A file with
// errors, or whose id is taken, is logged and skipped; the rest are served.
// It also returns every file read from dir.
func loadScenarios(dir string, log *slog.Logger) ([]webui.Scenario, []scenarios.File, error) {
	files := scenarios.Bundled()
	bundled := len(files)
	if dir != "" {
		more, err := scenarios.ReadDir(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("--scenarios: %w", err)
		}
		files = append(files, more...)
	}
	var out []webui.Scenario
	seen := map[string]string{}
	for i, f := range files {
		sc, problems := scenarios.Load(f)
		if sc == nil || problems.HasErrors() {
			logProblems(log, f.Name, problems)
			continue
		}
		if first, dup := seen[sc.ID]; dup {
			log.Warn("scenario skipped: its id is already used; give it another id", "file", f.Name, "id", sc.ID, "used_by", first)
			continue
		}
		seen[sc.ID] = f.Name
		s := webui.Scenario{Compiled: sc, Source: f.Src, Name: f.Name}
		if i < bundled {
			// A name no file in the trainer's folder can have, so that the
			// watcher never takes a trainer's file (late-shipment.toml with
			// --scenarios .) for a bundled scenario.
			s.Name, s.Trusted = bundledPrefix+f.Name, true
		}
		out = append(out, s)
	}
	log.Info("scenarios loaded", "count", len(out), "trainer_folder", dir)
	return out, files[bundled:], nil
}

func logProblems(log *slog.Logger, file string, problems engine.Problems) {
	log.Warn("scenario skipped: it has errors; fix them (parley lint " + file + ") and restart")
	for _, p := range problems {
		log.Warn(file + ":" + p.String())
	}
}

// browserURL is where to point a browser for a listener on addr.
func browserURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// connectionLimits caps websockets and connections so that the process
// never runs out of file descriptors (each connection is one): the caps
// leave room for the database's files and, between them, for page loads and
// health checks. maxWS is the operator's --max-websockets, or 0.
func connectionLimits(maxWS, openFiles int) (websockets, connections int) {
	if maxWS <= 0 {
		maxWS = webui.DefaultMaxWebsockets
	}
	connections = maxWS + webui.ConnectionReserve
	if budget := openFiles - 64; openFiles > 0 && connections > budget { // 64: the database, logs, the listener
		connections = max(budget, 16)
		maxWS = max(connections-min(webui.ConnectionReserve, connections/4), 1)
	}
	return maxWS, connections
}
