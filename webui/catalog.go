package webui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"parley/engine"
	"parley/webui/store"
)

// Scenario is one scenario the server offers: compiled, with the exact
// source it was compiled from (saved in the store under its version).
type Scenario struct {
	Compiled *engine.Scenario
	Source   []byte
	// Name names it in the log: its file.
	Name string
	// Trusted scenarios (the bundled ones) are offered from the start;
	// others only once Config.Analyse has passed them.
	Trusted bool
}

// Analyser checks a scenario's analysis within its budgets (and keeps the
// analysis for scoring, through engine.Scenario.Analyse). An error says why
// the scenario cannot be offered and what to do.
type Analyser func(ctx context.Context, s Scenario) error

// Compiler compiles a scenario's source; name appears in problems. The
// result must be nil or carry errors when the source is unusable. The
// server uses it for versions that are only in the database.
type Compiler func(name string, src []byte) (*engine.Scenario, engine.Problems)

// catalog holds the scenarios on offer now and every version compiled so
// far, by content hash.
type catalog struct {
	all     []Scenario // every scenario the server was given, offered or not
	offered atomic.Pointer[offer]
	st      Store
	compile Compiler

	mu       sync.Mutex
	versions map[string]*engine.Scenario
}

// offer is what trainees are offered: replaced whole, never changed.
type offer struct {
	list []Scenario
	byID map[string]*engine.Scenario
}

// newCatalog offers every scenario when analyse is nil, and otherwise only
// the trusted ones until checkAll passes the others.
func newCatalog(list []Scenario, st Store, compile Compiler, analyse Analyser) (*catalog, error) {
	c := &catalog{all: list, st: st, compile: compile, versions: map[string]*engine.Scenario{}}
	ids := map[string]bool{}
	ready := make([]bool, len(list))
	for i, s := range list {
		sc := s.Compiled
		if sc == nil || sc.ID == "" || sc.Version == "" || len(s.Source) == 0 {
			return nil, errors.New("webui: every Config.Scenarios entry needs a compiled scenario with an id and version, and its source")
		}
		if ids[sc.ID] {
			return nil, fmt.Errorf("webui: scenario id %q is offered twice: keep one of the files", sc.ID)
		}
		ids[sc.ID] = true
		c.versions[sc.Version] = sc
		ready[i] = analyse == nil || s.Trusted
	}
	c.offer(ready)
	return c, nil
}

// offer makes the scenarios marked ready the ones on offer, in their order.
func (c *catalog) offer(ready []bool) {
	o := &offer{byID: map[string]*engine.Scenario{}}
	for i, s := range c.all {
		if ready[i] {
			o.list = append(o.list, s)
			o.byID[s.Compiled.ID] = s.Compiled
		}
	}
	c.offered.Store(o)
}

// checkAll analyses every scenario in the background, one at a time, each
// within the budgets analyse applies: a trusted one to warm it, so that the
// first trainee to reach an ending does not wait; another to decide whether
// it is offered at all. It returns when all are done or ctx ends.
func (c *catalog) checkAll(ctx context.Context, analyse Analyser, log *slog.Logger) {
	ready := make([]bool, len(c.all))
	for i, s := range c.all {
		ready[i] = s.Trusted
	}
	for i, s := range c.all {
		if ctx.Err() != nil {
			return
		}
		err := analyse(ctx, s)
		switch {
		case err != nil && ctx.Err() != nil:
			return // shutting down
		case err != nil && s.Trusted:
			log.Error("a bundled scenario failed its analysis; it stays on offer", "scenario", s.Compiled.ID, "err", err)
		case err != nil:
			log.Error("scenario not offered to trainees: "+err.Error(), "file", s.Name, "scenario", s.Compiled.ID)
		case !s.Trusted:
			ready[i] = true
			c.offer(ready)
			log.Info("scenario analysed and offered", "file", s.Name, "scenario", s.Compiled.ID)
		}
	}
}

// list is the scenarios on offer now.
func (c *catalog) list() []Scenario { return c.offered.Load().list }

// current is the scenario on offer with this id.
func (c *catalog) current(id string) (*engine.Scenario, bool) {
	sc, ok := c.offered.Load().byID[id]
	return sc, ok
}

// publish saves the source of every scenario the server was given, so that
// attempts on them can be resumed and debriefed whatever happens to the
// files later.
func (c *catalog) publish(ctx context.Context) error {
	for _, s := range c.all {
		if err := c.st.SaveScenarioVersion(ctx, s.Compiled.ID, s.Compiled.Version, s.Source); err != nil {
			return fmt.Errorf("save scenario %q: %w", s.Compiled.ID, err)
		}
	}
	return nil
}

// version returns the scenario compiled from the stored source of version,
// compiling it on first use.
func (c *catalog) version(ctx context.Context, version string) (*engine.Scenario, error) {
	c.mu.Lock()
	sc, ok := c.versions[version]
	c.mu.Unlock()
	if ok {
		return sc, nil
	}
	src, err := c.st.ScenarioSource(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("load scenario version %.12s: %w", version, err)
	}
	sc, problems := c.compile(fmt.Sprintf("stored version %.12s", version), src)
	if sc == nil || problems.HasErrors() {
		return nil, fmt.Errorf("compile stored scenario version %.12s: %w; the scenario loader changed since it was saved", version, problems)
	}
	if sc.Version != version {
		return nil, fmt.Errorf("stored scenario version %.12s compiles as version %.12s: the version hash changed; attempts on it cannot resume", version, sc.Version)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.versions[version]; ok {
		return prev, nil
	}
	c.versions[version] = sc
	go sc.Analysis() // explore it now, not inside the first ending's lock
	return sc, nil
}

// title is the title of a version, or its scenario id when it cannot be
// compiled (the list of attempts should not fail for one old record).
func (c *catalog) title(ctx context.Context, a store.Attempt) string {
	if sc, err := c.version(ctx, a.Version); err == nil {
		return sc.Title
	}
	return a.ScenarioID
}
