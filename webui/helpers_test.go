package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"parley/webui/training"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parley/engine"
	"parley/scenarios"
	"parley/webui"
	"parley/webui/app"
	"parley/webui/sqlite"
)

// harness is a real server (an App) on 127.0.0.1:0 over a real SQLite file.
type harness struct {
	t      *testing.T
	dbPath string
	addr   string
	srv    *webui.Server
	st     *sqlite.Store
	close  func()
}

// testScenarios are the bundled scenarios plus webui/testdata, compiled
// once: a compiled scenario is safe to share.
func testScenarios(t *testing.T) []webui.Scenario {
	t.Helper()
	list, err := compiledScenarios()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

var compiledScenarios = sync.OnceValues(func() ([]webui.Scenario, error) {
	extra, err := scenarios.ReadDir("testdata")
	if err != nil {
		return nil, err
	}
	var out []webui.Scenario
	for _, f := range append(scenarios.Bundled(), extra...) {
		sc, problems := scenarios.Load(f)
		if sc == nil {
			return nil, fmt.Errorf("%s: %w", f.Name, problems)
		}
		out = append(out, webui.Scenario{Compiled: sc, Source: f.Src})
	}
	return out, nil
})

// loadScenario compiles one scenario the way the server does, for comparing
// with the engine directly.
func loadScenario(t *testing.T, id string) *engine.Scenario {
	t.Helper()
	for _, s := range testScenarios(t) {
		if s.Compiled.ID == id {
			return s.Compiled
		}
	}
	t.Fatalf("no scenario %q", id)
	return nil
}

// start runs a server on a fresh database; configure may adjust Config.
func start(t *testing.T, configure ...func(*webui.Config)) *harness {
	return startOn(t, filepath.Join(t.TempDir(), "parley.db"), configure...)
}

// startOn runs a server on the database at dbPath.
func startOn(t *testing.T, dbPath string, configure ...func(*webui.Config)) *harness {
	t.Helper()
	return startWrapped(t, dbPath, nil, configure...)
}

// startWrapped runs a server whose store is the real one wrapped by wrap.
// It is an App, configured as these tests always were: no analysis, so
// every scenario is on offer at once; webui's default connection limits;
// an hourly sweep.
func startWrapped(t *testing.T, dbPath string, wrap func(training.Store) training.Store, configure ...func(*webui.Config)) *harness {
	t.Helper()
	asBefore := func(c *webui.Config) {
		c.Analyse, c.MaxWebsockets, c.MaxConnections, c.SweepEvery = nil, 0, 0, time.Hour
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := app.New(app.Options{Addr: "127.0.0.1:0", DB: dbPath, Offer: testScenarios(t), WrapStore: wrap,
		Configure: append([]func(*webui.Config){asBefore}, configure...)}, log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		cancel()
		t.Fatal(<-done)
	}
	h := &harness{t: t, dbPath: dbPath, addr: strings.TrimSuffix(strings.TrimPrefix(a.URL(), "http://"), "/"), srv: a.Server(), st: a.Store()}
	h.close = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil { // Run, then closing the store
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(h.close)
	return h
}

// restart closes the server and starts a new one on the same database.
func (h *harness) restart(configure ...func(*webui.Config)) *harness {
	h.close()
	return startOn(h.t, h.dbPath, configure...)
}

func (h *harness) url(path string) string { return "http://" + h.addr + path }

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// trainee is a browser: a cookie jar and an identity.
type trainee struct {
	t    *testing.T
	h    *harness
	jar  http.CookieJar
	http *http.Client
}

// trainee sets a name and returns the browser holding the cookie.
func (h *harness) trainee(name string) *trainee {
	h.t.Helper()
	jar, _ := cookiejar.New(nil)
	tr := &trainee{t: h.t, h: h, jar: jar, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if status := tr.post("/api/me", map[string]string{"name": name}, nil); status != http.StatusOK {
		h.t.Fatalf("POST /api/me: status %d", status)
	}
	return tr
}

// anonymous is a browser with no identity.
func (h *harness) anonymous() *trainee {
	jar, _ := cookiejar.New(nil)
	return &trainee{t: h.t, h: h, jar: jar, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// on moves the browser to another server (after a restart).
func (tr *trainee) on(h *harness) *trainee {
	c := *tr
	c.h = h
	return &c
}

func (tr *trainee) post(path string, body, out any) int {
	tr.t.Helper()
	data, _ := json.Marshal(body)
	resp, err := tr.http.Post(tr.h.url(path), "application/json", bytes.NewReader(data))
	if err != nil {
		tr.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			tr.t.Fatalf("POST %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// get fetches path and decodes its JSON into out (when not nil).
func (tr *trainee) get(path string, out any) int {
	tr.t.Helper()
	resp, err := tr.http.Get(tr.h.url(path))
	if err != nil {
		tr.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			tr.t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// conn is one websocket as the browser has it.
type conn struct {
	t  *testing.T
	ws *websocket.Conn
}

// dial opens the websocket from the server's own origin, as a browser does.
func (tr *trainee) dial() *conn {
	tr.t.Helper()
	ws, resp, err := dialWS(tr.h, tr.jar, "http://"+tr.h.addr)
	if err != nil {
		tr.t.Fatalf("dial: %v (response %v)", err, resp)
	}
	c := &conn{t: tr.t, ws: ws}
	tr.t.Cleanup(func() { _ = ws.Close() })
	return c
}

func dialWS(h *harness, jar http.CookieJar, origin string) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{Jar: jar, HandshakeTimeout: 5 * time.Second}
	return d.Dial("ws://"+h.addr+"/ws", http.Header{"Origin": {origin}})
}

func (c *conn) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *conn) sendRaw(typ int, data []byte) {
	c.t.Helper()
	if err := c.ws.WriteMessage(typ, data); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next reads one frame and its type.
func (c *conn) next() (string, []byte) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var head struct{ Type string }
	if err := json.Unmarshal(data, &head); err != nil {
		c.t.Fatalf("frame %s: %v", data, err)
	}
	return head.Type, data
}

// expect reads the next frame, which must be of type typ, into a T.
func expect[T any](c *conn, typ string) T {
	c.t.Helper()
	got, data := c.next()
	if got != typ {
		c.t.Fatalf("got frame %s, want type %q", data, typ)
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		c.t.Fatalf("frame %s: %v", data, err)
	}
	return v
}

// expectError reads an error frame with this code.
func (c *conn) expectError(code string) errorFrame {
	c.t.Helper()
	e := expect[errorFrame](c, "error")
	if e.Code != code {
		c.t.Fatalf("error %q (%s), want %q", e.Code, e.Message, code)
	}
	return e
}

// The frames, as the browser decodes them.

type choice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type ending struct {
	ID      string `json:"id"`
	Outcome string `json:"outcome"`
}

type reading struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Band  string  `json:"band"`
}

type snapshot struct {
	Seq     int64 `json:"seq"`
	Attempt struct {
		ID       string        `json:"id"`
		Scenario string        `json:"scenario"`
		Status   string        `json:"status"`
		Turn     int           `json:"turn"`
		LastSeq  int64         `json:"last_seq"`
		Practice *practiceMark `json:"practice"`
	} `json:"attempt"`
	Opening    []string  `json:"opening"`
	Transcript []turn    `json:"transcript"`
	Lines      []string  `json:"lines"`
	Replies    []choice  `json:"replies"`
	Mood       []reading `json:"mood"`
	Ending     *ending   `json:"ending"`
}

type turn struct {
	Attempt       string    `json:"attempt"`
	Turn          int       `json:"turn"`
	Reply         choice    `json:"reply"`
	Interjections []string  `json:"interjections"`
	Lines         []string  `json:"lines"`
	Mood          []reading `json:"mood"`
	Replies       []choice  `json:"replies"`
	Ending        *ending   `json:"ending"`
}

// practiceMark is the "practice" field of a practice run.
type practiceMark struct {
	Of       string `json:"of"`
	FromTurn int    `json:"from_turn"`
}

type ackFrame struct {
	Seq     int64  `json:"seq"`
	Attempt string `json:"attempt"`
}

type endedFrame struct {
	Attempt string  `json:"attempt"`
	Status  string  `json:"status"`
	Debrief string  `json:"debrief"`
	Ending  *ending `json:"ending"`
}

type errorFrame struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Seq     int64  `json:"seq"`
}

type debriefBody struct {
	Attempt struct {
		ID       string        `json:"id"`
		Status   string        `json:"status"`
		Turns    int           `json:"turns"`
		Practice *practiceMark `json:"practice"`
	} `json:"attempt"`
	Scenario struct {
		ID string `json:"id"`
	} `json:"scenario"`
	Debrief engine.Debrief `json:"debrief"`
}

// game is one attempt being played on a connection.
type game struct {
	c    *conn
	id   string
	seq  int64
	snap snapshot
}

// startGame starts an attempt on scenario.
func (c *conn) startGame(scenario string) *game {
	c.t.Helper()
	c.send(map[string]any{"type": "start", "seq": 1, "scenario": scenario})
	s := expect[snapshot](c, "snapshot")
	return &game{c: c, id: s.Attempt.ID, seq: s.Attempt.LastSeq, snap: s}
}

// resume reattaches to attempt id.
func (c *conn) resume(id string) *game {
	c.t.Helper()
	c.send(map[string]any{"type": "resume", "seq": 1, "attempt": id})
	s := expect[snapshot](c, "snapshot")
	return &game{c: c, id: id, seq: s.Attempt.LastSeq, snap: s}
}

// choose sends the next choose and reads its turn and ack.
func (g *game) choose(reply string) turn {
	g.c.t.Helper()
	g.seq++
	g.c.send(map[string]any{"type": "choose", "seq": g.seq, "attempt": g.id, "reply": reply})
	tn := expect[turn](g.c, "turn")
	if a := expect[ackFrame](g.c, "ack"); a.Seq != g.seq || a.Attempt != g.id {
		g.c.t.Fatalf("ack %+v, want seq %d of %s", a, g.seq, g.id)
	}
	return tn
}

func ids(cs []choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
