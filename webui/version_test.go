package webui_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"parley/scenarios"
	"parley/webui"
	"parley/webui/client"
	"parley/webui/training"
)

// withShortCallV2 offers an edited short-call in place of the original.
func withShortCallV2(t *testing.T) func(*webui.Config) {
	return func(cfg *webui.Config) {
		var list []webui.Scenario
		for _, s := range cfg.Scenarios {
			if s.Compiled.ID != "short-call" {
				list = append(list, s)
				continue
			}
			src := bytes.Replace(s.Source, []byte(`title = "A short call"`), []byte(`title = "A short call, v2"`), 1)
			src = bytes.Replace(src, []byte(`"My order is late.", "Where is my order?", "You're late again."`), []byte(`"V2 opening."`), 1)
			sc, problems := scenarios.Load(scenarios.File{Name: "short-call-v2.toml", Src: src})
			if sc == nil || sc.Version == s.Compiled.Version {
				t.Fatalf("v2 did not compile to a new version: %v", problems)
			}
			list = append(list, webui.Scenario{Compiled: sc, Source: src})
		}
		cfg.Scenarios = list
	}
}

func TestOldAttemptsKeepTheirScenarioVersion(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	g := tr.dial().startGame("short-call")
	first := g.choose("ask")

	h2 := h.restart(withShortCallV2(t))
	tr2 := tr.on(h2)
	c := tr2.dial()
	old := c.resume(g.ID)
	if !slices.Equal(old.Snapshot.Opening, g.Snapshot.Opening) || !slices.Equal(old.Snapshot.Lines, first.Lines) {
		t.Fatalf("resumed on the edited file: opening %q lines %q, want %q %q", old.Snapshot.Opening, old.Snapshot.Lines, g.Snapshot.Opening, first.Lines)
	}
	old.choose("own")
	old.choose("offer")
	expect[client.Ended](c)
	var d client.DebriefAnswer
	if status := tr2.get("/api/attempts/"+g.ID+"/debrief", &d); status != http.StatusOK || len(d.Debrief.Turns) != 3 {
		t.Fatalf("debrief of the old version: %d, %d turns", status, len(d.Debrief.Turns))
	}

	fresh := h2.trainee("Kim").dial().startGame("short-call")
	if !slices.Equal(fresh.Snapshot.Opening, []string{"V2 opening."}) {
		t.Fatalf("a new attempt opens with %q, want the edited file's line", fresh.Snapshot.Opening)
	}
}

// failingStore is the real store whose next SaveTurn or EndAttempt fails.
type failingStore struct {
	training.Store
	fail atomic.Bool
}

var errInjected = errors.New("injected failure")

func (f *failingStore) SaveTurn(ctx context.Context, w training.TurnWrite) error {
	if f.fail.CompareAndSwap(true, false) {
		return errInjected
	}
	return f.Store.SaveTurn(ctx, w)
}

func (f *failingStore) EndAttempt(ctx context.Context, id string, turns int, status training.Status, summary []byte) error {
	if f.fail.CompareAndSwap(true, false) {
		return errInjected
	}
	return f.Store.EndAttempt(ctx, id, turns, status, summary)
}

func TestFailedCommitRollsBack(t *testing.T) {
	fs := &failingStore{}
	h := startWrapped(t, filepath.Join(t.TempDir(), "parley.db"), func(st training.Store) training.Store {
		fs.Store = st
		return fs
	})
	c := h.trainee("Sam").dial()
	g := c.startGame("short-call")

	fs.fail.Store(true)
	c.send(client.Choose(1, g.ID, "own"))
	if e := c.expectError("internal"); e.Seq != 1 {
		t.Fatalf("error %+v, want seq 1", e)
	}
	if s := c.resume(g.ID); s.Snapshot.Attempt.Turn != 0 || !slices.Contains(ids(s.Snapshot.Replies), "own") {
		t.Fatalf("after a failed commit: turn %d, replies %v; want nothing applied", s.Snapshot.Attempt.Turn, ids(s.Snapshot.Replies))
	}
	if tn := g.choose("own"); tn.Turn != 1 {
		t.Fatalf("retry: turn %d, want 1", tn.Turn)
	}

	fs.fail.Store(true)
	c.send(client.GiveUp(2, g.ID))
	c.expectError("internal")
	if s := c.resume(g.ID); s.Snapshot.Attempt.Status != "active" {
		t.Fatalf("after a failed give_up: status %s, want active", s.Snapshot.Attempt.Status)
	}
	g.choose("offer")
}
