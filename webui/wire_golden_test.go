package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"parley/scenarios"
	"parley/webui"
	"parley/webui/client"
	"parley/webui/training"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenSeed is the seed of every attempt in TestWireGolden: it picks the
// opening line variant and the order replies are offered in.
const goldenSeed = 7

// pinSeed starts every attempt with goldenSeed instead of a random one, so
// the conversation, and so the wire, is the same on every run.
func pinSeed(cfg *webui.Config) { cfg.Seeds = func() uint64 { return goldenSeed } }

// wire records what goes over the wire, with what changes from run to run
// (ids, times, the scenario version) replaced by placeholders, and compares
// it with the golden files under testdata/wire.
type wire struct {
	t     *testing.T
	names map[string]string // id → placeholder
	order []string          // the ids in the order they were named
}

// name replaces id with <kind-N> in everything recorded from now on.
func (w *wire) name(kind, id string) {
	if _, ok := w.names[id]; ok || id == "" {
		return
	}
	n := 1
	for _, p := range w.names {
		if strings.HasPrefix(p, "<"+kind+"-") {
			n++
		}
	}
	w.names[id] = fmt.Sprintf("<%s-%d>", kind, n)
	w.order = append(w.order, id)
}

var rfc3339 = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)

// check compares data (one JSON value, as sent) with testdata/wire/file,
// indented but otherwise as sent: the fields in the order they are written.
func (w *wire) check(file string, data []byte) { w.t.Helper(); w.compare(file, data, *update) }

// fixture is check for a file go test -update never rewrites: a format
// Parley no longer writes but must still read.
func (w *wire) fixture(file string, data []byte) { w.t.Helper(); w.compare(file, data, false) }

func (w *wire) compare(file string, data []byte, update bool) {
	w.t.Helper()
	s := strings.TrimSpace(string(data)) // an HTTP answer ends in a newline, a frame does not
	for _, id := range w.order {
		s = strings.ReplaceAll(s, id, w.names[id])
	}
	s = rfc3339.ReplaceAllString(s, `"<time>"`)
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(s), "", "  "); err != nil {
		w.t.Fatalf("%s: %v in %s", file, err, s)
	}
	out.WriteByte('\n')
	path := filepath.Join("testdata", "wire", file)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			w.t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			w.t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out.String() != string(want) {
		w.t.Errorf("wire format differs from %s (go test -update rewrites it; then fix docs/protocol.md):\n--- got\n%s\n--- want\n%s",
			path, out.String(), want)
	}
}

// storedBinary is a binary stored state as a golden file can hold it:
// quoted as Go quotes a string, so its ids and version read as text.
func storedBinary(t *testing.T, data []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("PS\x02")) {
		t.Fatalf("stored state %q is not version 2", data)
	}
	out, err := json.Marshal(map[string]any{"v": 2, "go_quoted": strconv.Quote(string(data))})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// http fetches path and records its body as file (unless ""); status must
// be want.
func (w *wire) http(tr *trainee, method, path string, body any, want int, file string) []byte {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, tr.h.url(path), rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := tr.s.HTTP().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	if resp.StatusCode != want {
		w.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	if file != "" {
		w.check(file, data)
	}
	return data
}

// frame reads the next frame, which must be of type typ, and records it.
func (w *wire) frame(c *conn, typ, file string) []byte {
	w.t.Helper()
	got, data := c.next()
	if got != typ {
		w.t.Fatalf("got frame %s, want type %q", data, typ)
	}
	w.check(file, data)
	return data
}

// TestWireGolden pins every format Parley writes, the HTTP answers, the
// websocket frames and the stored turn event and state, with golden files
// under testdata/wire: renaming, adding or dropping a field fails it. After
// an intended change, go test -update rewrites them, and docs/protocol.md
// must say the same.
func TestWireGolden(t *testing.T) {
	h := startWrapped(t, filepath.Join(t.TempDir(), "parley.db"), nil, onlyShortCall, pinSeed)
	w := &wire{t: t, names: map[string]string{}}
	w.name("version", loadScenario(t, "short-call").Version)
	ctx := context.Background()

	sam := h.login(h.namedAccount("sam", "Sam", training.Roles(training.RoleTrainee)))
	var me client.Me
	sam.get("/api/me", &me)
	w.name("user", me.ID)
	w.http(sam, "GET", "/api/me", nil, 200, "me.json")
	w.http(sam, "GET", "/api/scenarios", nil, 200, "scenarios.json")
	w.http(sam, "GET", "/api/scenarios/short-call", nil, 200, "scenario.json")

	// A full play: start, a refused reply, the ideal path to an ending.
	c := sam.dial()
	c.send(client.Start(1, "short-call"))
	_, data := c.next()
	snap, err := client.As[client.Snapshot](data)
	if err != nil {
		t.Fatal(err)
	}
	id := snap.Attempt.ID
	w.name("attempt", id)
	w.check("ws-snapshot-start.json", data)
	w.http(sam, "GET", "/api/attempts", nil, 200, "attempts-active.json")
	w.http(sam, "GET", "/api/attempts/"+id+"/debrief", nil, 409, "http-error.json")

	c.send(client.Choose(1, id, "offer"))
	w.frame(c, "error", "ws-error.json")
	c.send(client.Choose(1, id, "own"))
	w.frame(c, "turn", "ws-turn.json")
	w.frame(c, "ack", "ws-ack.json")
	c.send(client.Choose(2, id, "offer"))
	w.frame(c, "turn", "ws-turn-ending.json")
	w.frame(c, "ack", "ws-ack-ending.json")
	w.frame(c, "ended", "ws-ended.json")

	c.send(client.Resume(3, id))
	w.frame(c, "snapshot", "ws-snapshot-ended.json")
	w.http(sam, "GET", "/api/attempts", nil, 200, "attempts.json")
	w.http(sam, "GET", "/api/attempts/"+id, nil, 200, "attempt.json")
	w.http(sam, "GET", "/api/attempts/"+id+"/debrief", nil, 200, "debrief.json")
	// A reviewer it is shared with reads it too, with whose attempt it is.
	mo := h.login(h.namedAccount("mo", "Mo", training.Roles(training.RoleManager)))
	if status := sam.post("/api/attempts/"+id+"/shares", map[string]string{"username": "mo"}, nil); status != 200 {
		t.Fatalf("share with mo: %d", status)
	}
	w.http(mo, "GET", "/api/attempts/"+id+"/debrief", nil, 200, "debrief-reviewer.json")

	// As stored: each turn's event, the state after the last and the scores.
	turns, err := h.st.Turns(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 2 {
		t.Fatalf("%d turns stored, want 2", len(turns))
	}
	w.check("stored-v1-turn-1.json", turns[0].Event)
	w.check("stored-v1-turn-2.json", turns[1].Event)
	a, err := h.st.Attempt(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	w.check("stored-v2-state.json", storedBinary(t, a.State))
	view, err := training.StateJSON(loadScenario(t, "short-call"), a.State)
	if err != nil {
		t.Fatal(err)
	}
	w.fixture("stored-v1-state.json", view)      // no longer written: the JSON view of the version 2 state
	w.check("stored-v1-summary.json", a.Summary) // the scores at the end

	// A practice run from turn 2: its list item and its snapshot.
	data = w.http(sam, "POST", "/api/attempts/"+id+"/practice", map[string]int{"turn": 2}, 201, "")
	var run client.AttemptItem
	if err := json.Unmarshal(data, &run); err != nil {
		t.Fatal(err)
	}
	w.name("attempt", run.ID)
	w.check("practice.json", data)
	c.send(client.Resume(4, run.ID))
	w.frame(c, "snapshot", "ws-snapshot-practice.json")

	// Another trainee gives up after one question: ended without an ending.
	ana := h.trainee("Ana")
	var anaMe client.Me
	ana.get("/api/me", &anaMe)
	w.name("user", anaMe.ID)
	ca := ana.dial()
	g := ca.startGame("short-call")
	w.name("attempt", g.ID)
	g.choose("ask")
	ca.send(client.GiveUp(2, g.ID))
	w.frame(ca, "ack", "ws-ack-give-up.json")
	w.frame(ca, "ended", "ws-ended-given-up.json")
	w.http(ana, "GET", "/api/attempts/"+g.ID+"/debrief", nil, 200, "debrief-given-up.json")
}

// TestWireGoldenDebriefRare pins the debrief's rarer fields, which the short
// test scenario never produces, by playing bundled test plans through the
// server with the pinned seed: late-shipment.mediocre (a reply closed by an
// earlier choice, an ideal that is only the best of what was left, the mood
// meter misleading, the variables that decided the ending, rules that
// fired) and defective-part.worst (a competency blocked outright,
// interjections).
func TestWireGoldenDebriefRare(t *testing.T) {
	h := startWrapped(t, filepath.Join(t.TempDir(), "parley.db"), nil, pinSeed)
	w := &wire{t: t, names: map[string]string{}}
	tr := h.trainee("Sam")
	var me client.Me
	tr.get("/api/me", &me)
	w.name("user", me.ID)
	c := tr.dial()
	for _, tc := range []struct {
		plan, file string
		fields     []string // each must be in the golden, so that it keeps covering them
	}{
		{"late-shipment.mediocre", "debrief-mediocre.json",
			[]string{`"closed"`, `"decisive"`, `"mood_misleads": true`, `"ideal_kind": "stronger"`, `"ideal_kind": "best_left"`, `"rules"`}},
		{"defective-part.worst", "debrief-worst.json",
			[]string{`"blocked_by"`, `"closed"`, `"interjections"`, `"ideal_kind": "best_left"`, `"rules"`}},
	} {
		scenario, _, _ := strings.Cut(tc.plan, ".")
		w.name("version", loadScenario(t, scenario).Version)
		g := c.startGame(scenario)
		w.name("attempt", g.ID)
		for _, reply := range planReplies(t, tc.plan) {
			g.choose(reply)
		}
		if _, data := c.next(); !strings.Contains(string(data), `"ended"`) {
			t.Fatalf("%s: after the last reply got %s, want the ended frame", tc.plan, data)
		}
		w.http(tr, "GET", "/api/attempts/"+g.ID+"/debrief", nil, 200, tc.file)
		golden, err := os.ReadFile(filepath.Join("testdata", "wire", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tc.fields {
			if !strings.Contains(string(golden), f) {
				t.Errorf("%s no longer has %s: the plan %s no longer covers it; pick another", tc.file, f, tc.plan)
			}
		}
	}
}

// planReplies is the reply ids the bundled test plan name (such as
// "late-shipment.mediocre") chooses, in order.
func planReplies(t *testing.T, name string) []string {
	t.Helper()
	file := filepath.Join("..", "scenarios", "bundled", name+".testplan")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	plan, diags := scenarios.ParsePlan(file, src)
	if len(diags) > 0 {
		t.Fatalf("%s: %v", file, diags)
	}
	var replies []string
	for _, s := range plan.Steps {
		if s.Kind == "choose" {
			replies = append(replies, s.Arg)
		}
	}
	return replies
}

// onlyShortCall offers the short-call scenario alone, so the goldens hold
// one scenario's data.
func onlyShortCall(cfg *webui.Config) {
	for _, s := range cfg.Scenarios {
		if s.Compiled.ID == "short-call" {
			cfg.Scenarios = []webui.Scenario{s}
		}
	}
}
