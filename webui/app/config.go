package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"parley/engine"
	"parley/scenarios"
	"parley/webui"
)

// DefaultExploreTimeout bounds one scenario's exploration: the bundled ones
// take well under a second.
const DefaultExploreTimeout = 20 * time.Second

// serverConfig loads the scenarios and builds the server's Config (Run
// then adds what the database brings, and Options.Configure); it also
// returns the files read from the trainer's folder, for the watcher.
func serverConfig(o Options, log *slog.Logger) (webui.Config, []scenarios.File, error) {
	list, trainerFiles := o.Offer, []scenarios.File(nil)
	if list == nil {
		var err error
		if list, trainerFiles, err = loadScenarios(o.Scenarios, log); err != nil {
			return webui.Config{}, nil, err
		}
	}
	cfg := webui.Config{Scenarios: list, Compile: compileScenario, AbandonAfter: o.AbandonAfter, Analyse: analyseScenario,
		MaxWebsocketsPerUser: o.MaxWebsocketsPerUser, MaxWebsocketsPerAddr: o.MaxWebsocketsPerAddr, StartBurst: o.StartBurst,
		TrustedProxies: o.TrustedProxies, AllowedOrigins: o.AllowedOrigins}
	cfg.MaxWebsockets, cfg.MaxConnections = connectionLimits(o.MaxWebsockets, openFilesLimit())
	if o.Static != "" {
		if info, err := os.Stat(o.Static); err != nil || !info.IsDir() {
			return webui.Config{}, nil, fmt.Errorf("--static %s: not a folder; pass the folder holding index.html", o.Static)
		}
		cfg.Static = os.DirFS(o.Static)
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
	ectx, cancel := context.WithTimeout(ctx, DefaultExploreTimeout)
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
			// Named apart from late-shipment.toml in the trainer's folder
			// (--scenarios .) in the log. The catalog never takes a trainer's
			// file for a bundled scenario, even one literally named
			// bundled:late-shipment.toml: it matches files on trust too.
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
