package training_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/engine"
	"parley/scenarios"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// catalogFixture is a catalog over a real SQLite file, offering
// ../testdata/short-call.toml from file "short-call.toml" (not trusted) and a
// trusted copy under another id from "bundled:short-call.toml".
type catalogFixture struct {
	st    *sqlite.Store
	cat   *training.Catalog
	src   []byte
	first training.Scenario
}

func newCatalogFixture(t *testing.T, analyse training.Analyser) *catalogFixture {
	t.Helper()
	src, err := os.ReadFile("../testdata/short-call.toml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f := &catalogFixture{st: st, src: src}
	f.first = f.scenario(t, "short-call.toml", "", "First")
	bundled := f.scenario(t, "bundled:short-call.toml", `id = "bundled-call"`, "Bundled")
	bundled.Trusted = true
	f.cat, err = training.NewCatalog([]training.Scenario{bundled, f.first}, st, compileForTest, analyse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cat.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

func compileForTest(name string, src []byte) (*engine.Scenario, engine.Problems) {
	return scenarios.Load(scenarios.File{Name: name, Src: src})
}

// scenario compiles short-call from file with its id line replaced by
// idLine (when set) and the given title, so each version differs.
func (f *catalogFixture) scenario(t *testing.T, file, idLine, title string) training.Scenario {
	t.Helper()
	src := strings.Replace(string(f.src), `title = "A short call"`, `title = "`+title+`"`, 1)
	if idLine != "" {
		src = strings.Replace(src, `id = "short-call"`, idLine, 1)
	}
	sc, problems := compileForTest(file, []byte(src))
	if sc == nil || problems.HasErrors() {
		t.Fatalf("compile %s: %v", file, problems)
	}
	return training.Scenario{Compiled: sc, Source: []byte(src), Name: file}
}

// TestCatalogUpdateRefused: an update that is refused leaves no trace, in
// the offer, in memory or in the database, and the last good version still
// serves. A bundled scenario is never replaced nor withdrawn.
func TestCatalogUpdateRefused(t *testing.T) {
	fails := func(context.Context, training.Scenario) error { return errors.New("its analysis ran out of time") }
	tests := []struct {
		name    string
		file    string
		idLine  string
		analyse training.Analyser
		trusted bool
		want    string
	}{
		{"failed analysis", "short-call.toml", "", fails, false, "ran out of time"},
		{"id of another file", "other.toml", "", nil, false, `id "short-call" is already used by short-call.toml`},
		{"id of a bundled scenario", "other.toml", `id = "bundled-call"`, nil, false, "already used by bundled:short-call.toml"},
		{"a trainer's file named like a bundled one, with its id", "bundled:short-call.toml", `id = "bundled-call"`, nil, false,
			"already used by bundled:short-call.toml"},
		{"a bundled scenario again", "bundled:short-call.toml", `id = "bundled-call"`, nil, true, "bundled scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newCatalogFixture(t, nil)
			s := f.scenario(t, tt.file, tt.idLine, "Edited")
			s.Trusted = tt.trusted
			err := f.cat.Update(ctx, s, tt.analyse)
			if !errors.Is(err, training.ErrRejected) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("update: %v, want training.ErrRejected saying %q", err, tt.want)
			}
			if f.cat.HasVersion(s.Compiled.Version) {
				t.Error("the refused version stays in memory")
			}
			if _, err := f.st.ScenarioSource(ctx, s.Compiled.Version); !errors.Is(err, training.ErrNotFound) {
				t.Errorf("the refused version's source was saved (or the read failed): %v", err)
			}
			if got, _ := f.cat.Current("short-call"); got != f.first.Compiled {
				t.Errorf("short-call on offer is %v, want the first version", got)
			}
			if got, _ := f.cat.Current("bundled-call"); got == nil || got.Title != "Bundled" {
				t.Errorf("the bundled scenario on offer is %v", got)
			}
			if len(f.cat.List()) != 2 {
				t.Errorf("%d scenarios on offer, want the 2 there were", len(f.cat.List()))
			}
		})
	}
	f := newCatalogFixture(t, nil)
	if f.cat.Withdraw("bundled:short-call.toml") {
		t.Error("a bundled scenario was withdrawn")
	}
	if _, ok := f.cat.Current("bundled-call"); !ok {
		t.Error("the bundled scenario is no longer offered")
	}
}

// TestCatalogUpdateRechecksTheID: two files with one id, updated at once,
// are not both offered: the id is checked again once the analysis is done.
func TestCatalogUpdateRechecksTheID(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	analysing, release := make(chan struct{}), make(chan struct{})
	slow := func(context.Context, training.Scenario) error {
		close(analysing)
		<-release
		return nil
	}
	a := f.scenario(t, "a.toml", `id = "twin"`, "A")
	done := make(chan error, 1)
	go func() { done <- f.cat.Update(ctx, a, slow) }()
	<-analysing
	if err := f.cat.Update(ctx, f.scenario(t, "b.toml", `id = "twin"`, "B"), nil); err != nil {
		t.Fatalf("b.toml: %v", err)
	}
	close(release)
	if err := <-done; !errors.Is(err, training.ErrRejected) || !strings.Contains(err.Error(), "already used by b.toml") {
		t.Errorf("a.toml: %v, want its id refused as b.toml's", err)
	}
	n := 0
	for _, s := range f.cat.List() {
		if s.Compiled.ID == "twin" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("id twin offered %d times, want once", n)
	}
}

// TestCatalogDropsWhatFailsItsAnalysis: a trainer's scenario that fails its
// analysis at start-up is forgotten with its analysis; an attempt played on
// its version in an earlier run can still get it, compiled again from the
// store.
func TestCatalogDropsWhatFailsItsAnalysis(t *testing.T) {
	ctx := context.Background()
	fails := func(_ context.Context, s training.Scenario) error {
		if s.Trusted {
			return nil
		}
		return errors.New("its analysis ran out of memory")
	}
	f := newCatalogFixture(t, fails)
	f.cat.CheckAll(ctx, fails, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, name := range f.cat.EntryNames() {
		if name == "short-call.toml" {
			t.Error("the failed scenario is still an entry")
		}
	}
	if _, ok := f.cat.Current("short-call"); ok {
		t.Error("the failed scenario is offered")
	}
	v := f.first.Compiled.Version
	if f.cat.HasVersion(v) {
		t.Error("the failed scenario stays in memory with its analysis")
	}
	sc, err := f.cat.Version(ctx, v)
	if err != nil {
		t.Fatalf("version %.12s: %v", v, err)
	}
	if sc.Version != v || sc == f.first.Compiled {
		t.Errorf("version %.12s is %.12s (the dropped copy: %v); want it compiled again from the store", v, sc.Version, sc == f.first.Compiled)
	}
	if _, ok := f.cat.Current("bundled-call"); !ok {
		t.Error("the bundled scenario is not offered")
	}
}

// TestCatalogKeepsFewVersions: a trainer's file saved again and again
// leaves only the newest version and a few recent ones compiled in memory
// (each may hold a large analysis). Every version still works: an old one
// is compiled again from the database, and its title is known without
// keeping it.
func TestCatalogKeepsFewVersions(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	before := f.cat.KeptVersions()
	var versions []string
	const saves = 3 * training.KeepVersions
	for i := range saves {
		s := f.scenario(t, "short-call.toml", "", fmt.Sprintf("Save %d", i))
		if err := f.cat.Update(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, s.Compiled.Version)
	}
	if got, most := f.cat.KeptVersions(), before+training.KeepVersions; got > most {
		t.Errorf("after %d saves the catalog keeps %d versions compiled, want at most %d", saves, got, most)
	}
	if !f.cat.HasVersion(versions[saves-1]) {
		t.Error("the version on offer is not kept")
	}
	if f.cat.HasVersion(versions[0]) {
		t.Error("the first save is still kept")
	}
	for i, v := range versions {
		if got := f.cat.Title(ctx, training.Attempt{ScenarioID: "short-call", Version: v}); got != fmt.Sprintf("Save %d", i) {
			t.Errorf("the title of save %d is %q", i, got)
		}
	}
	if f.cat.HasVersion(versions[0]) {
		t.Error("reading a title kept the version compiled")
	}
	sc, err := f.cat.Version(ctx, versions[0])
	if err != nil || sc.Title != "Save 0" {
		t.Fatalf("the first save, compiled again: %v %v", sc, err)
	}
	if !f.cat.HasVersion(versions[0]) || f.cat.KeptVersions() > before+training.KeepVersions {
		t.Errorf("the first save, compiled again, is kept %v with %d versions kept", f.cat.HasVersion(versions[0]), f.cat.KeptVersions())
	}
}

// TestCatalogKeepsTrainerFilesApart: a trainer's file named like a bundled
// scenario (with --scenarios ., a file called "bundled:short-call.toml")
// is its own scenario: offered once its analysis passes, whether it was
// there at start-up or arrived later, replaced by its own changes and
// withdrawn when deleted, while the bundled scenario stays as it was.
func TestCatalogKeepsTrainerFilesApart(t *testing.T) {
	ctx := context.Background()
	passes := func(context.Context, training.Scenario) error { return nil }
	offered := func(cat *training.Catalog) map[string]string {
		out := map[string]string{}
		for _, s := range cat.List() {
			out[s.Compiled.ID] = s.Compiled.Title
		}
		return out
	}
	bundledStays := func(t *testing.T, cat *training.Catalog) {
		t.Helper()
		if got, ok := cat.Current("bundled-call"); !ok || got.Title != "Bundled" {
			t.Errorf("the bundled scenario on offer is %v", got)
		}
	}
	const name = "bundled:short-call.toml"
	tests := []struct {
		name  string
		offer func(t *testing.T, f *catalogFixture, s training.Scenario) *training.Catalog
	}{
		{"at start-up", func(t *testing.T, f *catalogFixture, s training.Scenario) *training.Catalog {
			bundled := f.scenario(t, name, `id = "bundled-call"`, "Bundled")
			bundled.Trusted = true
			cat, err := training.NewCatalog([]training.Scenario{bundled, s}, f.st, compileForTest, passes)
			if err != nil {
				t.Fatal(err)
			}
			if err := cat.Publish(ctx); err != nil {
				t.Fatal(err)
			}
			cat.CheckAll(ctx, passes, slog.New(slog.DiscardHandler))
			return cat
		}},
		{"while running", func(t *testing.T, f *catalogFixture, s training.Scenario) *training.Catalog {
			if err := f.cat.Update(ctx, s, passes); err != nil {
				t.Fatalf("update: %v", err)
			}
			return f.cat
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCatalogFixture(t, nil)
			cat := tt.offer(t, f, f.scenario(t, name, `id = "trainer-call"`, "Trainer's"))
			if got := offered(cat); got["trainer-call"] != "Trainer's" {
				t.Errorf("on offer: %v; want the trainer's file among them", got)
			}
			bundledStays(t, cat)
			if err := cat.Update(ctx, f.scenario(t, name, `id = "trainer-call"`, "Trainer's, edited"), passes); err != nil {
				t.Fatalf("the trainer's file changed: %v", err)
			}
			if got := offered(cat); got["trainer-call"] != "Trainer's, edited" {
				t.Errorf("after its change, on offer: %v; want the trainer's new version", got)
			}
			bundledStays(t, cat)
			if !cat.Withdraw(name) {
				t.Error("deleting the trainer's file withdrew nothing")
			}
			if got := offered(cat); got["trainer-call"] != "" {
				t.Errorf("after its deletion, on offer: %v; want the trainer's file gone", got)
			}
			bundledStays(t, cat)
			if cat.Withdraw(name) {
				t.Error("a second Withdraw withdrew the bundled scenario")
			}
			bundledStays(t, cat)
		})
	}
}
