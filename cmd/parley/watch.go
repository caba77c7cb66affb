package main

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parley/scenarios"
	"parley/webui"
)

// scenarioWatcher notices new, changed and deleted .toml files in a
// trainer's folder and offers each change as a new version of the
// scenario. A file that fails to load or to pass its analysis never
// replaces the last good version; the log says why.
type scenarioWatcher struct {
	dir   string
	srv   *webui.Server
	log   *slog.Logger
	every time.Duration
	seen  map[string]fileState // by path
}

// fileState is what the watcher last saw of a file.
type fileState struct {
	mod  time.Time
	size int64
	sum  [32]byte
}

// newScenarioWatcher starts from the files serve loaded, so only what
// changes after start-up is reported.
func newScenarioWatcher(dir string, loaded []scenarios.File, srv *webui.Server, log *slog.Logger, every time.Duration) *scenarioWatcher {
	w := &scenarioWatcher{dir: dir, srv: srv, log: log, every: every, seen: map[string]fileState{}}
	for _, f := range loaded {
		w.seen[f.Name] = fileState{sum: sha256.Sum256(f.Src)} // mod and size are recorded on the first look
	}
	return w
}

// run looks at the folder every w.every until ctx ends.
func (w *scenarioWatcher) run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.poll(ctx)
		}
	}
}

// poll compares the folder with what was last seen. Only a file whose time
// or size changed is read, and only one whose content changed is loaded.
func (w *scenarioWatcher) poll(ctx context.Context) {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		w.log.Warn("cannot read the scenario folder; still serving what was loaded", "dir", w.dir, "err", err)
		return
	}
	present := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".toml") || e.IsDir() {
			continue
		}
		path := filepath.Join(w.dir, e.Name())
		present[path] = true
		info, err := os.Stat(path)
		if err != nil {
			continue
		}
		old, known := w.seen[path]
		if known && old.mod.Equal(info.ModTime()) && old.size == info.Size() {
			continue
		}
		files, err := scenarios.Expand([]string{path})
		if err != nil || len(files) != 1 {
			continue // gone between the listing and the read
		}
		f := files[0]
		now := fileState{mod: info.ModTime(), size: info.Size(), sum: sha256.Sum256(f.Src)}
		w.seen[path] = now
		if known && now.sum == old.sum && f.Err == nil {
			continue // touched, not changed
		}
		w.apply(ctx, f)
	}
	for path := range w.seen {
		if !present[path] {
			delete(w.seen, path)
			if w.srv.Withdraw(path) {
				w.log.Info("scenario file removed: no longer offered (attempts on it go on)", "file", path)
			}
		}
	}
}

// apply offers the scenario in f as a new version, or says why not.
func (w *scenarioWatcher) apply(ctx context.Context, f scenarios.File) {
	sc, problems := scenarios.Load(f)
	if sc == nil {
		w.log.Warn("scenario file changed but has errors: still serving its last good version, if any; fix them (parley lint "+f.Name+")", "file", f.Name)
		for _, p := range problems {
			w.log.Warn(f.Name + ":" + p.String())
		}
		return
	}
	if err := w.srv.Update(ctx, webui.Scenario{Compiled: sc, Source: f.Src, Name: f.Name}); err != nil {
		w.log.Warn("scenario file changed but the new version is not offered: still serving its last good version, if any", "file", f.Name, "err", err)
		return
	}
	w.log.Info("scenario updated: new attempts get the new version; attempts under way keep theirs", "file", f.Name, "scenario", sc.ID, "version", sc.Version[:12])
}
