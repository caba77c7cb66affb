package training_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"parley/engine"
	"parley/scenarios"
	"parley/webui/training"
)

// lateShipment is the bundled late-shipment scenario.
func lateShipment(tb testing.TB) *engine.Scenario {
	tb.Helper()
	for _, f := range scenarios.Bundled() {
		if strings.HasPrefix(f.Name, "late-shipment") {
			sc, problems := scenarios.Load(f)
			if sc == nil {
				tb.Fatal(problems)
			}
			return sc
		}
	}
	tb.Fatal("no late-shipment among the bundled scenarios")
	return nil
}

// playFirst plays sc for up to turns replies, always the first on offer.
func playFirst(tb testing.TB, sc *engine.Scenario, turns int) *engine.Session {
	tb.Helper()
	s := sc.Start(5)
	for range turns {
		if s.Ended() {
			break
		}
		replies, err := s.Replies()
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := s.Choose(replies[0].ID); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestStoredStateEveryVersion: the same session stored as version 2 (what
// the core writes), 1 and 0 resumes as the same session, reads as the same
// State and head, and shows as the same JSON view.
func TestStoredStateEveryVersion(t *testing.T) {
	sc := lateShipment(t)
	s := playFirst(t, sc, 6)
	v2 := training.EncodeSession(s)
	if !bytes.HasPrefix(v2, []byte("PS\x02")) || training.StateVersion != 2 {
		t.Fatalf("EncodeSession wrote %q, want version 2", v2)
	}
	v1, err := training.EncodeState(s.State())
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ State json.RawMessage }
	if err := json.Unmarshal(v1, &env); err != nil {
		t.Fatal(err)
	}
	v0 := []byte(env.State)
	want := s.State()
	for name, data := range map[string][]byte{"version 2": v2, "version 1": v1, "version 0": v0} {
		t.Run(name, func(t *testing.T) {
			back, err := training.ResumeSession(sc, data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.State(), want) || !reflect.DeepEqual(back.Lines(), s.Lines()) {
				t.Errorf("resumed as %+v, want %+v", back.State(), want)
			}
			if st, err := training.StateOf(sc, data); err != nil || !reflect.DeepEqual(st, want) {
				t.Errorf("StateOf: %+v (%v), want %+v", st, err, want)
			}
			if view, err := training.StateJSON(sc, data); err != nil || !bytes.Equal(view, v1) {
				t.Errorf("StateJSON: %s (%v), want %s", view, err, v1)
			}
			head := engine.StateHead{Scenario: want.Scenario, Version: want.Version, Seed: want.Seed, At: want.At, Turn: want.Turn}
			if h, err := training.StateHead(data); err != nil || h != head {
				t.Errorf("StateHead: %+v (%v), want %+v", h, err, head)
			}
		})
	}
	if _, err := training.DecodeState(v2); err == nil || !strings.Contains(err.Error(), "use StateOf or ResumeSession") {
		t.Errorf("DecodeState of version 2: %v, want an error naming what reads it", err)
	}
}

// FuzzDecodeState: no stored state, of any version or none, panics, hangs
// or allocates beyond its size in any reader; what resumes saves again as
// a state that resumes the same.
func FuzzDecodeState(f *testing.F) {
	sc := lateShipment(f)
	for _, turns := range []int{0, 3, 11} {
		s := playFirst(f, sc, turns)
		f.Add(training.EncodeSession(s))
		v1, err := training.EncodeState(s.State())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v1)
	}
	f.Add([]byte(`{"scenario":"late-shipment","history":[{"node":"x","reply":"y"}]}`))
	f.Add([]byte("PS\x03"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = training.StateHead(data)
		_, _ = training.StateJSON(sc, data)
		s, err := training.ResumeSession(sc, data)
		if err != nil {
			return
		}
		again, err := training.ResumeSession(sc, training.EncodeSession(s))
		if err != nil || !reflect.DeepEqual(again.State(), s.State()) {
			t.Fatalf("resumed, saved again: %v", err)
		}
	})
}

// sink keeps what a benchmark writes alive, as a store would.
var sink []byte

// mediocre is the path of late-shipment.mediocre.testplan: 11 replies,
// the longest a bundled scenario has, and the ending.
var mediocre = []string{"own-it", "ask-kessler", "straight-answer", "offer-call-martin", "reflect-three", "honest-friday",
	"credit-and-claim", "sure-approved", "ask-what-helps", "recap-in-writing", "anything-else"}

// BenchmarkStoredState is what the core does with an attempt's State on
// late-shipment after ten replies of the longest path a bundled scenario
// has (the eleventh ends the call): saving it and resuming from it (as a
// trainee who reconnects), as version 1 JSON (before) and as version 2
// (now), in one run.
func BenchmarkStoredState(b *testing.B) {
	sc := lateShipment(b)
	s := sc.Start(5)
	for _, id := range mediocre[:10] {
		if _, err := s.Choose(id); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d turns, %d state bytes", s.Turn(), len(training.EncodeSession(s)))
	v1, err := training.EncodeState(s.State())
	if err != nil {
		b.Fatal(err)
	}
	v2 := training.EncodeSession(s)
	b.Run("save/v1-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := training.EncodeState(s.State()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save/v2-binary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = training.EncodeSession(s)
		}
		b.ReportMetric(float64(len(v2)), "state-bytes")
	})
	b.Run("resume/v1-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := training.ResumeSession(sc, v1); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(v1)), "state-bytes")
	})
	b.Run("resume/v2-binary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := training.ResumeSession(sc, v2); err != nil {
				b.Fatal(err)
			}
		}
	})
}
