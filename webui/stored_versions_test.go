package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"parley/engine"
	"parley/webui/client"
	"parley/webui/training"
)

// TestStoredVersion0Fixtures reads back the rows as Parley stored them
// before the formats had versions (testdata/wire/stored-v0-*.json, never
// rewritten): each decodes to the same as its version 1 golden, and encodes
// again to exactly that golden.
func TestStoredVersion0Fixtures(t *testing.T) {
	read := func(name string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("testdata", "wire", name))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer // as stored: compact
		if err := json.Compact(&out, data); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	same := func(name string, decode func([]byte) (any, error), encode func(any) ([]byte, error)) {
		t.Helper()
		v0, v1 := read("stored-v0-"+name+".json"), read("stored-v1-"+name+".json")
		if bytes.HasPrefix(v0, []byte(`{"v":`)) || !bytes.HasPrefix(v1, []byte(`{"v":1,`)) {
			t.Fatalf("%s: the fixtures are not version 0 and version 1", name)
		}
		old, err := decode(v0)
		if err != nil {
			t.Fatalf("%s, version 0: %v", name, err)
		}
		cur, err := decode(v1)
		if err != nil {
			t.Fatalf("%s, version 1: %v", name, err)
		}
		if !reflect.DeepEqual(old, cur) {
			t.Errorf("%s: version 0 reads as\n%+v\nversion 1 as\n%+v", name, old, cur)
		}
		again, err := encode(old)
		if err != nil {
			t.Fatal(err)
		}
		// The goldens hold placeholders such as <version-1>, which JSON writes escaped.
		again = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(string(again)))
		if !bytes.Equal(again, v1) {
			t.Errorf("%s: version 0 written again is\n%s\nwant\n%s", name, again, v1)
		}
	}
	for _, n := range []string{"turn-1", "turn-2"} {
		same(n, func(b []byte) (any, error) { return training.DecodeOutcome(b) },
			func(v any) ([]byte, error) { return training.EncodeOutcome(v.(engine.Outcome)) })
	}
	same("state", func(b []byte) (any, error) { return training.DecodeState(b) },
		func(v any) ([]byte, error) { return training.EncodeState(v.(engine.State)) })
	same("summary", func(b []byte) (any, error) { return training.DecodeScores(b) },
		func(v any) ([]byte, error) { return training.EncodeScores(v.([]engine.Score)) })
}

// TestStoredUnknownVersion holds that a row of a version this build does
// not know is refused with an error that says so, never guessed at.
func TestStoredUnknownVersion(t *testing.T) {
	for _, row := range []string{`{"v":2,"outcome":{"turn":1}}`, `{"v":2,"state":{}}`, `{"v":2,"scores":[]}`} {
		_, e1 := training.DecodeOutcome([]byte(row))
		_, e2 := training.DecodeState([]byte(row))
		_, e3 := training.DecodeScores([]byte(row))
		for _, err := range []error{e1, e2, e3} {
			if err == nil || !strings.Contains(err.Error(), "format version 2 is unknown") {
				t.Errorf("%s: %v, want an unknown format version", row, err)
			}
		}
	}
	if _, err := training.DecodeState([]byte(`{"v":1}`)); err == nil {
		t.Error("a version 1 state with no state decodes")
	}
}

// version0 is a store that writes every stored record as Parley did before
// the formats had versions: the bare payload, no envelope. With v1 set it
// writes as version 1 did instead: the JSON state, every record in its
// envelope. Set off to write as today's core does.
type version0 struct {
	training.Store
	t   *testing.T
	off *atomic.Bool
	v1  bool
}

// oldState is a version 2 (binary) state as version 0 or, with v1, version
// 1 wrote it.
func oldState(t *testing.T, data []byte, v1 bool) []byte {
	t.Helper()
	head, err := training.StateHead(data)
	if err != nil {
		t.Fatal(err)
	}
	view, err := training.StateJSON(loadScenario(t, head.Scenario), data)
	if err != nil {
		t.Fatal(err)
	}
	if v1 {
		return view
	}
	return bare(t, view)
}

// old is an event or summary as version 0 (or, with v1, version 1) wrote it.
func (s version0) old(data []byte) []byte {
	if s.v1 {
		return data
	}
	return bare(s.t, data)
}

func bare(t *testing.T, data []byte) []byte {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(data, &env); err != nil || len(env) != 2 || string(env["v"]) != "1" {
		t.Errorf("not a version 1 record: %s", data)
		return data
	}
	for k, v := range env {
		if k != "v" {
			return v
		}
	}
	return nil
}

func (s version0) CreateAttempt(ctx context.Context, a training.Attempt) error {
	if !s.off.Load() {
		a.State = oldState(s.t, a.State, s.v1)
	}
	return s.Store.CreateAttempt(ctx, a)
}

func (s version0) CreatePractice(ctx context.Context, a training.Attempt, maxActive int) error {
	if !s.off.Load() {
		a.State = oldState(s.t, a.State, s.v1)
	}
	return s.Store.CreatePractice(ctx, a, maxActive)
}

func (s version0) SaveTurn(ctx context.Context, w training.TurnWrite) error {
	if !s.off.Load() {
		w.State, w.Turn.Event = oldState(s.t, w.State, s.v1), s.old(w.Turn.Event)
		if w.End != nil {
			e := *w.End
			e.Summary = s.old(e.Summary)
			w.End = &e
		}
	}
	return s.Store.SaveTurn(ctx, w)
}

func (s version0) EndAttempt(ctx context.Context, id string, turns int, status training.Status, summary []byte) error {
	if !s.off.Load() {
		summary = s.old(summary)
	}
	return s.Store.EndAttempt(ctx, id, turns, status, summary)
}

// TestStoredVersion0Rows opens a database whose rows were written the old
// way (the engine's bare JSON, as in testdata/wire/stored-v0-*.json) and
// resumes, snapshots, debriefs, gives up and practises from them: every
// answer is the same as TestWireGolden's, on the same golden files. A
// practice run of an old attempt copies its old turn rows and adds new
// ones, so one attempt holds both versions.
func TestStoredVersion0Rows(t *testing.T) { storedOldRows(t, false) }

// TestStoredVersion1Rows is TestStoredVersion0Rows for the rows of version
// 1: the state as JSON in its envelope ({"v":1,"state":…}), as Parley wrote
// it before the binary state of version 2. The state written is the golden
// testdata/wire/stored-v1-state.json.
func TestStoredVersion1Rows(t *testing.T) { storedOldRows(t, true) }

func storedOldRows(t *testing.T, v1 bool) {
	off := &atomic.Bool{}
	h := startWrapped(t, filepath.Join(t.TempDir(), "parley.db"),
		func(st training.Store) training.Store { return version0{Store: st, t: t, off: off, v1: v1} },
		onlyShortCall, pinSeed)
	w := &wire{t: t, names: map[string]string{}}
	w.name("version", loadScenario(t, "short-call").Version)
	ctx := context.Background()

	// Written the old way: Sam plays to the ending, Ana answers once.
	sam := h.trainee("Sam")
	var me client.Me
	sam.get("/api/me", &me)
	w.name("user", me.ID)
	c := sam.dial()
	g := c.startGame("short-call")
	id := g.ID
	w.name("attempt", id)
	g.choose("own")
	g.choose("offer")
	expect[client.Ended](c)
	ana := h.trainee("Ana")
	var anaMe client.Me
	ana.get("/api/me", &anaMe)
	ga := ana.dial().startGame("short-call")
	ga.choose("ask")

	turns, err := h.st.Turns(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.st.Attempt(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		file string
		data []byte
	}{{"stored-v0-turn-1.json", turns[0].Event}, {"stored-v0-turn-2.json", turns[1].Event},
		{"stored-v0-state.json", a.State}, {"stored-v0-summary.json", a.Summary}}
	if v1 {
		files = files[2:3]
		files[0].file = "stored-v1-state.json"
	}
	for _, f := range files {
		w.fixture(f.file, f.data)
	}

	if a, err := h.st.Attempt(ctx, ga.ID); err != nil || bytes.HasPrefix(a.State, []byte(`{"v":`)) != v1 {
		t.Fatalf("Ana's state %s (%v), want version 0 or, for version 1, 1", a.State, err)
	}

	// Read by this build, after a restart: nothing of it is in memory.
	off.Store(true)
	h = h.restart(onlyShortCall)
	sam, ana = sam.on(h), ana.on(h)
	c = sam.dial()
	c.send(client.Resume(3, id))
	w.frame(c, "snapshot", "ws-snapshot-ended.json")
	w.http(sam, "GET", "/api/attempts/"+id, nil, 200, "attempt.json")
	w.http(sam, "GET", "/api/attempts/"+id+"/debrief", nil, 200, "debrief.json")

	// A practice run: turn 1 copied as it is (version 0), turn 2 new.
	data := w.http(sam, "POST", "/api/attempts/"+id+"/practice", map[string]int{"turn": 2}, 201, "")
	var run client.AttemptItem
	if err := json.Unmarshal(data, &run); err != nil {
		t.Fatal(err)
	}
	w.name("attempt", run.ID)
	w.check("practice.json", data)
	c.send(client.Resume(4, run.ID))
	w.frame(c, "snapshot", "ws-snapshot-practice.json")
	p := c.resume(run.ID)
	p.choose("offer")
	expect[client.Ended](c)
	turns, err = h.st.Turns(ctx, run.ID)
	if err != nil || len(turns) != 2 || bytes.HasPrefix(turns[0].Event, []byte(`{"v":`)) != v1 || !bytes.HasPrefix(turns[1].Event, []byte(`{"v":1,`)) {
		t.Fatalf("practice run turns %v (%v), want a version 0 (or 1) copy and a version 1 turn", turns, err)
	}
	var snap client.Snapshot
	if status := sam.get("/api/attempts/"+run.ID, &snap); status != 200 || len(snap.Transcript) != 2 {
		t.Errorf("practice run of both versions: status %d, %d turns", status, len(snap.Transcript))
	}
	var d client.DebriefAnswer
	if status := sam.get("/api/attempts/"+run.ID+"/debrief", &d); status != 200 || len(d.Debrief.Turns) != 2 {
		t.Errorf("practice run debrief: status %d, %d turns", status, len(d.Debrief.Turns))
	}

	// Ana's session resumes from her version 0 state to give up.
	w.name("user", anaMe.ID)
	w.name("attempt", ga.ID)
	ca := ana.dial()
	ca.send(client.GiveUp(2, ga.ID))
	w.frame(ca, "ack", "ws-ack-give-up.json")
	w.frame(ca, "ended", "ws-ended-given-up.json")
	w.http(ana, "GET", "/api/attempts/"+ga.ID+"/debrief", nil, 200, "debrief-given-up.json")
}
