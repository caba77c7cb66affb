package scenarios

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"parley/engine"
)

// pipelineLimits keep one fuzz input's analysis small: the point is that
// every stage stays within its budget and never panics, not to explore.
var pipelineLimits = engine.Limits{MaxStates: 2_000, MaxDepth: 40, MaxBytes: 4 << 20}

// pipelineMaxAlloc caps what linting one fuzz input may allocate in all.
const pipelineMaxAlloc = 512 << 20

// FuzzPipeline runs the whole way from bytes to a played and debriefed
// attempt: load, lint (with its exploration, under a memory budget and a
// deadline), then a seeded playthrough, a save and resume, and the debrief.
// Nothing may panic, hang or exceed its budget, and the debrief of a played
// attempt must replay.
func FuzzPipeline(f *testing.F) {
	for _, pattern := range []string{"bundled/*.toml", "../cmd/parley/testdata/lint/*.toml", "../webui/testdata/*.toml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src, uint64(1))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, seed uint64) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, sc := Lint(ctx, File{Name: "fuzz.toml", Src: src}, pipelineLimits)
		runtime.ReadMemStats(&after)
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Fatalf("lint took %v, past its deadline", elapsed)
		}
		// The memory cap: everything lint allocated for one input of at most
		// MaxFileSize, whatever it holds, stays far below what one scenario
		// may cost the server.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > pipelineMaxAlloc {
			t.Fatalf("lint allocated %d MiB for a %d-byte input; the cap is %d MiB", alloc>>20, len(src), pipelineMaxAlloc>>20)
		}
		if sc == nil {
			return
		}
		a := sc.Analysis() // the one lint made, within pipelineLimits
		if a.States > pipelineLimits.MaxStates+pipelineLimits.MaxDepth*64 {
			t.Fatalf("%d states explored, past the limit of %d", a.States, pipelineLimits.MaxStates)
		}
		if len(a.Ideal) > a.States {
			t.Fatalf("an ideal path of %d replies over %d states repeats a state", len(a.Ideal), a.States)
		}
		playAndDebrief(t, sc, seed)
	})
}

// playAndDebrief plays up to 60 replies chosen by the seed, saves and
// resumes halfway, and debriefs the result.
func playAndDebrief(t *testing.T, sc *engine.Scenario, seed uint64) {
	s := sc.Start(seed)
	for turn := 0; turn < 60 && !s.Ended(); turn++ {
		choices, err := s.Replies()
		if err != nil || len(choices) == 0 {
			return // a run-time error or dead end that lint reported
		}
		if _, err := s.Choose(choices[(seed+uint64(turn))%uint64(len(choices))].ID); err != nil {
			return
		}
		if turn == 3 {
			data, err := s.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if s, err = sc.Resume(data); err != nil {
				t.Fatalf("resume after 4 replies: %v", err)
			}
		}
	}
	d, err := sc.Debrief(s.State())
	if err != nil {
		t.Fatalf("debrief of a played attempt: %v", err)
	}
	if len(d.Turns) != s.Turn() {
		t.Fatalf("debrief has %d turns, the attempt %d", len(d.Turns), s.Turn())
	}
}
