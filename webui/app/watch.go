package app

import (
	"context"
	"crypto/sha256"
	"errors"
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
// Removed files are withdrawn before new and changed ones are offered, so a
// renamed file is offered under its new name rather than refused for
// sharing its id with its old name.
func (w *scenarioWatcher) poll(ctx context.Context) {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		w.log.Warn("cannot read the scenario folder; still serving what was loaded", "dir", w.dir, "err", err)
		return
	}
	var paths []string
	present := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".toml") || e.IsDir() {
			continue
		}
		path := filepath.Join(w.dir, e.Name())
		present[path] = true
		paths = append(paths, path)
	}
	for path := range w.seen {
		if !present[path] {
			delete(w.seen, path)
			if w.srv.Withdraw(path) {
				w.log.Info("scenario file removed: no longer offered (attempts on it go on)", "file", path)
			}
		}
	}
	for _, path := range paths {
		w.look(ctx, path)
	}
}

// look offers the file at path if it is new or changed since it was last
// seen. What it saw is recorded only once the file is settled: offered, or
// refused for its content (errors, a failed analysis, a taken id), which
// the same bytes would meet again. After any other failure (the database
// did not save it, the server is stopping) the file is tried again on the
// next poll.
func (w *scenarioWatcher) look(ctx context.Context, path string) {
	info, err := os.Stat(path)
	if err != nil {
		return
	}
	old, known := w.seen[path]
	if known && old.mod.Equal(info.ModTime()) && old.size == info.Size() {
		return
	}
	files, err := scenarios.Expand([]string{path})
	if err != nil || len(files) != 1 {
		return // gone between the listing and the read
	}
	f := files[0]
	now := fileState{mod: info.ModTime(), size: info.Size(), sum: sha256.Sum256(f.Src)}
	if known && now.sum == old.sum && f.Err == nil {
		w.seen[path] = now // touched, not changed
		return
	}
	if w.apply(ctx, f) {
		w.seen[path] = now
	}
}

// apply offers the scenario in f as a new version, or says why not. It
// reports whether f is settled: offered, or refused for a reason that
// offering the same bytes again cannot change. A file that cannot be read
// or loaded counts as settled: its next change is looked at.
func (w *scenarioWatcher) apply(ctx context.Context, f scenarios.File) bool {
	sc, problems := scenarios.Load(f)
	if sc == nil {
		w.log.Warn("scenario file changed but has errors: still serving its last good version, if any; fix them (parley lint "+f.Name+")", "file", f.Name)
		for _, p := range problems {
			w.log.Warn(f.Name + ":" + p.String())
		}
		return true
	}
	if err := w.srv.Update(ctx, webui.Scenario{Compiled: sc, Source: f.Src, Name: f.Name}); err != nil {
		settled := errors.Is(err, webui.ErrRejected)
		w.log.Warn("scenario file changed but the new version is not offered: still serving its last good version, if any", "file", f.Name, "err", err, "retry", !settled)
		return settled
	}
	w.log.Info("scenario updated: new attempts get the new version; attempts under way keep theirs", "file", f.Name, "scenario", sc.ID, "version", sc.Version[:12])
	return true
}
