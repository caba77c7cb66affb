package training

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"parley/engine"
)

// Scenario is one scenario the server offers: compiled, with the exact
// source it was compiled from (saved in the store under its version).
type Scenario struct {
	Compiled *engine.Scenario
	Source   []byte
	// Name names it in the log: its file. A trusted scenario and another
	// are never taken for each other, whatever their names.
	Name string
	// Trusted scenarios (the bundled ones) are offered from the start;
	// others only once their Analyser has passed them.
	Trusted bool
}

// AnalysedMessage is what CheckAll logs once every scenario it was given
// has been analysed: from then on, scoring never waits for an analysis.
const AnalysedMessage = "scenarios analysed"

// Analyser checks a scenario's analysis within its budgets (and keeps the
// analysis for scoring, through engine.Scenario.Analyse). An error says why
// the scenario cannot be offered and what to do.
type Analyser func(ctx context.Context, s Scenario) error

// Compiler compiles a scenario's source; name appears in problems. The
// result must be nil or carry errors when the source is unusable. The
// server uses it for versions that are only in the database.
type Compiler func(name string, src []byte) (*engine.Scenario, engine.Problems)

// keepVersions is how many compiled versions a Catalog keeps besides those
// it was given (on offer, or waiting for their analysis): older versions of
// a trainer's file, compiled again from the database for an attempt played
// on them. Each may hold an analysis of up to the explorer's memory budget;
// one pushed out is compiled again when next needed.
const keepVersions = 8

// Catalog holds the scenarios it was given and the versions compiled since,
// a few at a time (keepVersions), by content hash.
type Catalog struct {
	st      Store
	compile Compiler

	offerMu sync.Mutex // held while entries or the offer change
	entries []entry    // every scenario the server was given, offered or not, in order
	offered atomic.Pointer[offer]

	mu       sync.Mutex
	versions map[string]*engine.Scenario // the entries' versions
	recent   []*engine.Scenario          // others, least recently used first
	titles   map[string]string           // every version's title seen so far, by version
	// analysing lets one background analysis of a stored version run at a
	// time: listing many old attempts must not explore them all at once.
	analysing chan struct{}
}

// entry is one scenario the server was given, and whether it is offered.
type entry struct {
	Scenario
	ready bool
}

// offer is what trainees are offered: replaced whole, never changed.
type offer struct {
	list []Scenario
	byID map[string]*engine.Scenario
}

// NewCatalog offers every scenario when analyse is nil, and otherwise only
// the trusted ones until CheckAll passes the others.
func NewCatalog(list []Scenario, st Store, compile Compiler, analyse Analyser) (*Catalog, error) {
	c := &Catalog{st: st, compile: compile, versions: map[string]*engine.Scenario{}, titles: map[string]string{},
		analysing: make(chan struct{}, 1)}
	ids := map[string]bool{}
	for _, s := range list {
		if err := checkScenario(s); err != nil {
			return nil, err
		}
		if ids[s.Compiled.ID] {
			return nil, fmt.Errorf("webui: scenario id %q is offered twice: keep one of the files", s.Compiled.ID)
		}
		ids[s.Compiled.ID] = true
		c.versions[s.Compiled.Version] = s.Compiled
		c.entries = append(c.entries, entry{Scenario: s, ready: analyse == nil || s.Trusted})
	}
	c.publishOffer()
	return c, nil
}

func checkScenario(s Scenario) error {
	if sc := s.Compiled; sc == nil || sc.ID == "" || sc.Version == "" || len(s.Source) == 0 {
		return errors.New("webui: every scenario needs a compiled scenario with an id and version, and its source")
	}
	return nil
}

// publishOffer makes the ready entries the ones on offer, in their order.
// The caller holds offerMu (or is newCatalog).
func (c *Catalog) publishOffer() {
	o := &offer{byID: map[string]*engine.Scenario{}}
	for _, e := range c.entries {
		if e.ready {
			o.list = append(o.list, e.Scenario)
			o.byID[e.Compiled.ID] = e.Compiled
		}
	}
	c.offered.Store(o)
}

// entriesNow is the entries now.
func (c *Catalog) entriesNow() []entry {
	c.offerMu.Lock()
	defer c.offerMu.Unlock()
	return slices.Clone(c.entries)
}

// CheckAll analyses every scenario in the background, one at a time, each
// within the budgets analyse applies: a trusted one to warm it, so that the
// first trainee to reach an ending does not wait; another to decide whether
// it is offered at all. It returns when all are done or ctx ends.
func (c *Catalog) CheckAll(ctx context.Context, analyse Analyser, log *slog.Logger) {
	entries := c.entriesNow()
	defer func() {
		if ctx.Err() == nil {
			log.Info(AnalysedMessage, "count", len(entries))
		}
	}()
	for _, e := range entries {
		if ctx.Err() != nil {
			return
		}
		err := analyse(ctx, e.Scenario)
		switch {
		case err != nil && ctx.Err() != nil:
			return // shutting down
		case err != nil && e.Trusted:
			log.Error("a bundled scenario failed its analysis; it stays on offer", "scenario", e.Compiled.ID, "err", err)
		case err != nil:
			log.Error("scenario not offered to trainees: "+err.Error(), "file", e.Name, "scenario", e.Compiled.ID)
			c.drop(e)
		case !e.ready:
			c.offerMu.Lock()
			i := c.find(e.Name, e.Trusted)
			offered := i >= 0 && c.entries[i].Compiled == e.Compiled
			if offered {
				c.entries[i].ready = true
				c.publishOffer()
			}
			c.offerMu.Unlock()
			if offered {
				log.Info("scenario analysed and offered", "file", e.Name, "scenario", e.Compiled.ID)
			}
		}
	}
}

// find is the index of the entry from file name that is trusted or not,
// or -1: a trainer's file named like a bundled scenario (a file called
// "bundled:late-shipment.toml") is never taken for it. The caller holds
// offerMu.
func (c *Catalog) find(name string, trusted bool) int {
	return slices.IndexFunc(c.entries, func(e entry) bool { return e.Name == name && e.Trusted == trusted })
}

// ErrRejected marks an Update refused for the scenario itself (its id is
// taken, or it fails its analysis): offering the same source again is
// refused again. Other errors (the database did not save it, the server is
// stopping) may pass on a retry.
var ErrRejected = errors.New("scenario rejected")

// rejected is err, marked ErrRejected; its message is err's.
type rejected struct{ err error }

func (r rejected) Error() string   { return r.err.Error() }
func (r rejected) Unwrap() []error { return []error{r.err, ErrRejected} }

// Update offers s in place of the scenario from the same file, or beside
// the others when the file is new, once its analysis passes and its source
// is saved. Only then is the version kept in memory and in the database: a
// rejected one (and its exploration) is dropped. On any error the last good
// version stays on offer. Attempts on an older version go on with it. A
// trusted (bundled) scenario is never replaced.
func (c *Catalog) Update(ctx context.Context, s Scenario, analyse Analyser) error {
	if err := checkScenario(s); err != nil {
		return rejected{err}
	}
	c.offerMu.Lock()
	err := c.refuse(s)
	c.offerMu.Unlock()
	if err != nil {
		return err
	}
	if analyse != nil {
		if err := analyse(ctx, s); err != nil {
			if ctx.Err() != nil {
				return err
			}
			return rejected{err}
		}
	}
	c.offerMu.Lock()
	defer c.offerMu.Unlock()
	// Another file may have taken the id while this one was analysed.
	if err := c.refuse(s); err != nil {
		return err
	}
	// Saved under offerMu, so that nothing can take the id between this
	// check and the offer; the write is a small one.
	if err := c.st.SaveScenarioVersion(ctx, s.Compiled.ID, s.Compiled.Version, s.Source); err != nil {
		return fmt.Errorf("save its source: %w", err)
	}
	c.mu.Lock()
	c.versions[s.Compiled.Version] = s.Compiled
	c.titles[s.Compiled.Version] = s.Compiled.Title
	c.mu.Unlock()
	if i := c.find(s.Name, s.Trusted); i >= 0 {
		c.retire(c.entries[i].Compiled, s.Compiled)
		c.entries[i] = entry{Scenario: s, ready: true}
	} else {
		c.entries = append(c.entries, entry{Scenario: s, ready: true})
	}
	c.publishOffer()
	return nil
}

// refuse says why s cannot be offered from its file now, or nil: its file
// is a trusted scenario's, or its id is another file's. The caller holds
// offerMu.
func (c *Catalog) refuse(s Scenario) error {
	for _, e := range c.entries {
		switch {
		case e.Name == s.Name && e.Trusted && s.Trusted:
			return rejected{fmt.Errorf("%s is a bundled scenario, which is never replaced", s.Name)}
		case e.Compiled.ID == s.Compiled.ID && (e.Name != s.Name || e.Trusted != s.Trusted):
			return rejected{fmt.Errorf("its id %q is already used by %s; give it its own id", s.Compiled.ID, e.Name)}
		}
	}
	return nil
}

// Withdraw stops offering the scenario from file name (deleted, or no
// longer loadable); attempts on it go on. A trusted (bundled) scenario is
// never withdrawn.
func (c *Catalog) Withdraw(name string) bool {
	c.offerMu.Lock()
	defer c.offerMu.Unlock()
	i := c.find(name, false)
	if i < 0 {
		return false
	}
	c.retire(c.entries[i].Compiled, nil)
	c.entries = slices.Delete(c.entries, i, i+1)
	c.publishOffer()
	return true
}

// retire moves old, an entry's version replaced by next (nil: withdrawn),
// from those kept for good to the recent ones, which are forgotten in
// turn: a trainer's editor saving a file often must not keep every save's
// analysis. The caller holds offerMu.
func (c *Catalog) retire(old, next *engine.Scenario) {
	if next != nil && old.Version == next.Version {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.versions[old.Version] == old {
		delete(c.versions, old.Version)
		c.remember(old)
	}
}

// remember keeps sc among the recent versions, forgetting the least
// recently used past keepVersions. The caller holds mu.
func (c *Catalog) remember(sc *engine.Scenario) {
	c.titles[sc.Version] = sc.Title
	c.recent = slices.DeleteFunc(c.recent, func(r *engine.Scenario) bool { return r.Version == sc.Version })
	c.recent = append(c.recent, sc)
	if n := len(c.recent) - keepVersions; n > 0 {
		clear(c.recent[:n])
		c.recent = slices.Delete(c.recent, 0, n)
	}
}

// cached is version compiled, if kept; a recent one becomes the most
// recently used. The caller holds mu.
func (c *Catalog) cached(version string) (*engine.Scenario, bool) {
	if sc, ok := c.versions[version]; ok {
		return sc, true
	}
	if i := slices.IndexFunc(c.recent, func(r *engine.Scenario) bool { return r.Version == version }); i >= 0 {
		sc := c.recent[i]
		c.remember(sc)
		return sc, true
	}
	return nil, false
}

// drop forgets e, a scenario that failed its analysis, if it is still the
// entry from its file: neither it nor its analysis stays reachable. An
// attempt played on its version in an earlier run still works: version
// compiles it again from the store.
func (c *Catalog) drop(e entry) {
	c.offerMu.Lock()
	if i := c.find(e.Name, e.Trusted); i >= 0 && c.entries[i].Compiled == e.Compiled {
		c.entries = slices.Delete(c.entries, i, i+1)
		c.publishOffer()
	}
	c.offerMu.Unlock()
	c.mu.Lock()
	if c.versions[e.Compiled.Version] == e.Compiled {
		delete(c.versions, e.Compiled.Version)
	}
	c.mu.Unlock()
}

// List is the scenarios on offer now.
func (c *Catalog) List() []Scenario { return c.offered.Load().list }

// Current is the scenario on offer with this id.
func (c *Catalog) Current(id string) (*engine.Scenario, bool) {
	sc, ok := c.offered.Load().byID[id]
	return sc, ok
}

// Publish saves the source of every scenario the server was given, so that
// attempts on them can be resumed and debriefed whatever happens to the
// files later.
func (c *Catalog) Publish(ctx context.Context) error {
	for _, e := range c.entriesNow() {
		if err := c.st.SaveScenarioVersion(ctx, e.Compiled.ID, e.Compiled.Version, e.Source); err != nil {
			return fmt.Errorf("save scenario %q: %w", e.Compiled.ID, err)
		}
	}
	return nil
}

// Version returns the scenario compiled from the stored source of version,
// compiling it when it is not kept (see keepVersions), and analysing it in
// the background, one version at a time, so that its first ending does not
// wait for the analysis.
func (c *Catalog) Version(ctx context.Context, version string) (*engine.Scenario, error) {
	c.mu.Lock()
	sc, ok := c.cached(version)
	c.mu.Unlock()
	if ok {
		return sc, nil
	}
	sc, err := c.compileStored(ctx, version)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.cached(version); ok {
		return prev, nil
	}
	c.remember(sc)
	go func() {
		c.analysing <- struct{}{}
		defer func() { <-c.analysing }()
		c.mu.Lock()
		kept := c.versions[version] == sc || slices.Contains(c.recent, sc)
		c.mu.Unlock()
		if kept { // not pushed out meanwhile
			sc.Analysis()
		}
	}()
	return sc, nil
}

// compileStored compiles the stored source of version.
func (c *Catalog) compileStored(ctx context.Context, version string) (*engine.Scenario, error) {
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
	return sc, nil
}

// Title is the title of a version, or its scenario id when it cannot be
// compiled (the list of attempts should not fail for one old record). A
// version not seen yet is compiled for its title alone, never analysed or
// kept: a list of old attempts costs no exploration.
func (c *Catalog) Title(ctx context.Context, a Attempt) string {
	c.mu.Lock()
	title, ok := c.titles[a.Version]
	if !ok {
		if sc, kept := c.versions[a.Version]; kept {
			title, ok = sc.Title, true
		}
	}
	c.mu.Unlock()
	if ok {
		return title
	}
	title = a.ScenarioID // a version that cannot be compiled is named by its scenario, once
	if sc, err := c.compileStored(ctx, a.Version); err == nil {
		title = sc.Title
	} else if ctx.Err() != nil {
		return title
	}
	c.mu.Lock()
	c.titles[a.Version] = title
	c.mu.Unlock()
	return title
}
