package webui_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"parley/engine"
	"parley/scenarios"
	"parley/webui"
	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/sqlite"
	"parley/webui/training"
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
		c.Passwords = cheapPasswords
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
	h := &harness{t: t, dbPath: dbPath, addr: strings.TrimSuffix(strings.TrimPrefix(a.URL(), "http://"), "/"), srv: a.Server(), st: a.Store().(*sqlite.Store)}
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

// trainee is a browser: a client session (a cookie jar) on the harness's
// server, whose requests fail the test when they cannot be made.
type trainee struct {
	t *testing.T
	h *harness
	s *client.Session
}

// client speaks to the server as any client would.
func (h *harness) client() *client.Client {
	return client.New(h.url(""), &http.Client{Timeout: 10 * time.Second})
}

// cheapPasswords are argon2id costs low enough for tests that sign in
// often; the server's defaults are OWASP's (training's tests check them).
var cheapPasswords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// accounts numbers test accounts, so that two named alike never clash.
var accounts atomic.Int64

// account creates an account with a display name and roles, and returns
// its username.
func (h *harness) account(name string, roles training.Roles) string {
	h.t.Helper()
	username := fmt.Sprintf("%s-%d", strings.ToLower(strings.Join(strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), "-")), accounts.Add(1))
	return h.namedAccount(username, name, roles)
}

// namedAccount creates an account with this very username.
func (h *harness) namedAccount(username, name string, roles training.Roles) string {
	h.t.Helper()
	_, err := h.srv.Accounts().Create(context.Background(), training.NewAccount{Username: username, DisplayName: name,
		Password: testPassword, Roles: roles})
	if err != nil {
		h.t.Fatal(err)
	}
	return username
}

// login signs in as username and returns the browser holding the cookie.
func (h *harness) login(username string) *trainee {
	h.t.Helper()
	s, err := h.client().Login(context.Background(), username, testPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	return &trainee{t: h.t, h: h, s: s}
}

// trainee creates a trainee's account with this display name, signs in,
// and returns the browser holding the session cookie.
// join adds the existing account username to a cohort as an admin does
// over the API (a manager may not add an account outside their cohorts).
func (h *harness) join(cohortID, username string) {
	h.t.Helper()
	admin := h.login(h.account("Admin", training.Roles(training.RoleAdmin)))
	if _, err := admin.s.Invite(context.Background(), cohortID, username, ""); err != nil {
		h.t.Fatalf("an admin adds %s to cohort %s: %v", username, cohortID, err)
	}
}

func (h *harness) trainee(name string) *trainee {
	h.t.Helper()
	return h.login(h.account(name, training.Roles(training.RoleTrainee)))
}

// anonymous is a browser with no identity.
func (h *harness) anonymous() *trainee {
	return &trainee{t: h.t, h: h, s: h.client().NewSession()}
}

// on moves the browser to another server (after a restart).
func (tr *trainee) on(h *harness) *trainee {
	return &trainee{t: tr.t, h: h, s: tr.s.On(h.client())}
}

// post sends body as JSON to path, decodes the answer into out (when not
// nil) and returns its status.
func (tr *trainee) post(path string, body, out any) int {
	tr.t.Helper()
	status, err := tr.s.Post(context.Background(), path, body, out)
	if err != nil {
		tr.t.Fatal(err)
	}
	return status
}

// get fetches path, decodes its JSON into out (when not nil) and returns
// its status.
func (tr *trainee) get(path string, out any) int {
	tr.t.Helper()
	status, err := tr.s.Get(context.Background(), path, out)
	if err != nil {
		tr.t.Fatal(err)
	}
	return status
}

// conn is one websocket as the browser has it: a client connection whose
// reads and writes fail the test. Tests that send what a client would not
// (bytes that are not a message, binary frames) use its WS.
type conn struct {
	t *testing.T
	*client.Conn
}

// dial opens the websocket from the server's own origin, as a browser does.
func (tr *trainee) dial() *conn {
	tr.t.Helper()
	c, err := tr.s.Dial(context.Background(), nil, time.Time{})
	if err != nil {
		tr.t.Fatalf("dial: %v", err)
	}
	c.Timeout = 10 * time.Second
	tr.t.Cleanup(func() { _ = c.WS.Close() })
	return &conn{t: tr.t, Conn: c}
}

// dialFrom opens the websocket with another Origin header: the upgrade's
// error, if refused.
func (tr *trainee) dialFrom(origin string) error {
	c, err := tr.s.DialOrigin(context.Background(), nil, origin, time.Time{})
	if err == nil {
		_ = c.WS.Close()
	}
	return err
}

func (c *conn) send(m client.Message) {
	c.t.Helper()
	if err := c.Send(m); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *conn) sendRaw(typ int, data []byte) {
	c.t.Helper()
	if err := c.WS.WriteMessage(typ, data); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next reads one frame and its type.
func (c *conn) next() (string, []byte) {
	c.t.Helper()
	data, err := c.RecvRaw()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	typ, err := client.TypeOf(data)
	if err != nil {
		c.t.Fatalf("frame %s: %v", data, err)
	}
	return typ, data
}

// expect reads the next frame, which must be a T.
func expect[T client.Typed](c *conn) T {
	c.t.Helper()
	v, err := client.Next[T](c.Conn)
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// expectError reads an error frame with this code.
func (c *conn) expectError(code string) client.Error {
	c.t.Helper()
	e := expect[client.Error](c)
	if e.Code != code {
		c.t.Fatalf("error %q (%s), want %q", e.Code, e.Message, code)
	}
	return e
}

// game is one attempt being played on a connection.
type game struct {
	*client.Play
	c *conn
}

// startGame starts an attempt on scenario.
func (c *conn) startGame(scenario string) *game {
	c.t.Helper()
	p, err := c.Start(1, scenario)
	if err != nil {
		c.t.Fatal(err)
	}
	return &game{Play: p, c: c}
}

// resume reattaches to attempt id.
func (c *conn) resume(id string) *game {
	c.t.Helper()
	p, err := c.Resume(1, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return &game{Play: p, c: c}
}

// choose sends the next choose and reads its turn and ack.
func (g *game) choose(reply string) client.Turn {
	g.c.t.Helper()
	tn, err := g.Choose(reply)
	if err != nil {
		g.c.t.Fatal(err)
	}
	return tn
}

// giveUp sends give_up and reads its ack and the ended frame.
func (g *game) giveUp() client.Ended {
	g.c.t.Helper()
	e, err := g.GiveUp()
	if err != nil {
		g.c.t.Fatal(err)
	}
	return e
}

func ids(rs []client.Reply) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// scores is the engine's scores as the debrief sends them, every field.
func scores(ss []engine.Score) []client.Score {
	out := make([]client.Score, len(ss))
	for i, s := range ss {
		out[i] = client.Score{Competency: s.Competency, Label: s.Label, Description: s.Description, Points: s.Points,
			Best: s.Best, Score: s.Score, Pass: s.Pass, Passed: s.Passed, BlockedBy: s.BlockedBy}
	}
	return out
}
