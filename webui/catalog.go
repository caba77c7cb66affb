package webui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"parley/engine"
	"parley/webui/store"
)

// Scenario is one scenario the server offers: compiled, with the exact
// source it was compiled from (saved in the store under its version).
type Scenario struct {
	Compiled *engine.Scenario
	Source   []byte
}

// Compiler compiles a scenario's source; name appears in problems. The
// result must be nil or carry errors when the source is unusable. The
// server uses it for versions that are only in the database.
type Compiler func(name string, src []byte) (*engine.Scenario, engine.Problems)

// catalog holds the scenarios on offer now and every version compiled so
// far, by content hash.
type catalog struct {
	list    []Scenario
	byID    map[string]*engine.Scenario
	st      Store
	compile Compiler

	mu       sync.Mutex
	versions map[string]*engine.Scenario
}

func newCatalog(list []Scenario, st Store, compile Compiler) (*catalog, error) {
	c := &catalog{list: list, byID: map[string]*engine.Scenario{}, st: st, compile: compile,
		versions: map[string]*engine.Scenario{}}
	for _, s := range list {
		sc := s.Compiled
		if sc == nil || sc.ID == "" || sc.Version == "" || len(s.Source) == 0 {
			return nil, errors.New("webui: every Config.Scenarios entry needs a compiled scenario with an id and version, and its source")
		}
		if _, dup := c.byID[sc.ID]; dup {
			return nil, fmt.Errorf("webui: scenario id %q is offered twice: keep one of the files", sc.ID)
		}
		c.byID[sc.ID] = sc
		c.versions[sc.Version] = sc
	}
	return c, nil
}

// warm explores every scenario on offer once (Config.WarmUp).
func (c *catalog) warm() {
	for _, s := range c.list {
		s.Compiled.Analysis()
	}
}

// current is the scenario on offer with this id.
func (c *catalog) current(id string) (*engine.Scenario, bool) {
	sc, ok := c.byID[id]
	return sc, ok
}

// publish saves the source of every scenario on offer, so that attempts on
// them can be resumed and debriefed whatever happens to the files later.
func (c *catalog) publish(ctx context.Context) error {
	for _, s := range c.list {
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
