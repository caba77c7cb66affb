package webui_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parley/webui"
	"parley/webui/client"

	_ "modernc.org/sqlite" // the second process's connection in TestHealthzWhenWritesFail
)

func TestHealthz(t *testing.T) {
	h := start(t)
	tr := h.anonymous()
	if status := tr.get("/healthz", nil); status != http.StatusOK {
		t.Fatalf("healthz: %d, want 200", status)
	}
	if err := h.st.Close(); err != nil {
		t.Fatal(err)
	}
	if status := tr.get("/healthz", nil); status != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed: %d, want 503", status)
	}
}

// TestHealthzWhenWritesFail: a database that answers reads but cannot
// commit a write (here another process holds its write lock, as a backup
// tool or an sqlite3 shell can) is not healthy: trainees' replies would
// fail. A passed write check stands for WriteCheckFor (a flood of health
// checks must not compete with turns for fsyncs); a failed one is checked
// again on the next call, so once the lock goes the instance is healthy
// again at once.
func TestHealthzWhenWritesFail(t *testing.T) {
	var mu sync.Mutex
	now := time.Now() // the server's clock, moved by hand
	h := start(t, func(c *webui.Config) {
		c.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}
	})
	tr := h.anonymous()
	if status := tr.get("/healthz", nil); status != http.StatusOK { // the server is up: its own start-up writes are done
		t.Fatalf("healthz: %d, want 200", status)
	}
	other, err := sql.Open("sqlite", "file:"+h.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if status := tr.get("/healthz", nil); status != http.StatusOK {
		t.Errorf("healthz within %v of a passed write check: %d, want 200 (the check is not done again)", webui.WriteCheckFor, status)
	}
	mu.Lock()
	now = now.Add(webui.WriteCheckFor)
	mu.Unlock()
	if status := tr.get("/healthz", nil); status != http.StatusServiceUnavailable {
		t.Errorf("healthz while every write fails: %d, want 503", status)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if status := tr.get("/healthz", nil); status != http.StatusOK {
		t.Errorf("healthz once writes work again: %d, want 200", status)
	}
}

func TestCrossOriginUpgradeIsRefused(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	for _, origin := range []string{"http://evil.example", "http://" + h.addr + ".evil.example", "null"} {
		var refused *client.UpgradeError
		if err := tr.dialFrom(origin); !errors.As(err, &refused) || refused.StatusCode != http.StatusForbidden {
			t.Errorf("origin %s: err %v; want 403", origin, err)
		}
	}
}

func TestScenarioRoutes(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	var list []client.ScenarioSummary
	if status := tr.get("/api/scenarios", &list); status != http.StatusOK || len(list) < 2 {
		t.Fatalf("GET /api/scenarios: %d, %d scenarios", status, len(list))
	}
	var one client.ScenarioDetail
	if status := tr.get("/api/scenarios/short-call", &one); status != http.StatusOK || one.Briefing == "" || one.Persona.Backstory == "" ||
		len(one.Competencies) != 4 || len(one.Mood) != 1 || one.Mood[0].Value != 60 {
		t.Fatalf("GET /api/scenarios/short-call: %d %+v", status, one)
	}
	var body client.ErrorBody
	if status := tr.get("/api/scenarios/nope", &body); status != http.StatusNotFound || body.Error.Code != "not_found" {
		t.Fatalf("unknown scenario: %d %q", status, body.Error.Code)
	}
	if status := tr.get("/api/nothing/here", &body); status != http.StatusNotFound || body.Error.Code != "not_found" {
		t.Fatalf("unknown API route: %d %q", status, body.Error.Code)
	}
}

func TestAttemptList(t *testing.T) {
	h := start(t)
	tr := h.trainee("Sam")
	c := tr.dial()
	g := c.startGame("short-call")
	g.choose("rude")
	expect[client.Ended](c)
	late := c.startGame("late-shipment")
	var list []client.AttemptItem
	if status := tr.get("/api/attempts", &list); status != http.StatusOK || len(list) != 2 {
		t.Fatalf("GET /api/attempts: %d %+v", status, list)
	}
	byID := map[string]int{list[0].ID: 0, list[1].ID: 1}
	if a := list[byID[g.ID]]; a.Status != "finished" || a.Outcome != "lost" || a.Turns != 1 || a.Title != "A short call" {
		t.Errorf("finished attempt listed as %+v", a)
	}
	if a := list[byID[late.ID]]; a.Status != "active" || a.Turns != 0 {
		t.Errorf("new attempt listed as %+v", a)
	}
	var body client.ErrorBody
	if status := tr.get("/api/attempts/"+late.ID+"/debrief", &body); status != http.StatusConflict || body.Error.Code != "not_active" {
		t.Errorf("debrief of an active attempt: %d %q, want 409 not_active", status, body.Error.Code)
	}
}

func TestStaticUI(t *testing.T) {
	h := start(t)
	resp, err := http.Get(h.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(page), "<html") || !strings.Contains(csp, "script-src 'self'") ||
		strings.Contains(csp, "unsafe-inline") || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest("GET", h.url("/"), nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("GET / with its ETag: %d, want 304", again.StatusCode)
	}
	for path, want := range map[string]int{"/no-such.js": 404, "/../go.mod": 404, "/ws": 400} {
		resp, err := http.Get(h.url(path))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestSweepAbandonsIdleAttempts(t *testing.T) {
	var offset time.Duration
	now := func() time.Time { return time.Now().Add(offset) }
	h := start(t, func(cfg *webui.Config) { cfg.Now = now })
	tr := h.trainee("Sam")
	c := tr.dial()
	g := c.startGame("short-call")
	g.choose("ask")

	if err := h.srv.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.choose("ask") // not idle long enough: still active

	offset = webui.DefaultAbandonAfter + time.Hour
	c.resume(g.ID) // a read keeps the session warm in memory but is no activity
	if err := h.srv.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The next read already shows it, though the session was live in memory.
	if s := c.resume(g.ID); s.Snapshot.Attempt.Status != "abandoned" {
		t.Fatalf("status %s on the first read after the sweep, want abandoned", s.Snapshot.Attempt.Status)
	}
	c.send(client.Choose(g.LastSeq+1, g.ID, "own"))
	c.expectError("not_active")
	if s := c.resume(g.ID); s.Snapshot.Attempt.Status != "abandoned" {
		t.Fatalf("status %s after the sweep, want abandoned", s.Snapshot.Attempt.Status)
	}
}

func TestShutdownSendsGoingAway(t *testing.T) {
	h := start(t)
	c := h.trainee("Sam").dial()
	g := c.startGame("short-call")
	g.choose("ask")
	frames := make(chan string, 4)
	go func() {
		defer close(frames)
		for {
			data, err := c.RecvRaw()
			if err != nil {
				if websocket.IsCloseError(err, websocket.CloseGoingAway) {
					frames <- "close 1001"
				}
				return
			}
			frames <- string(data)
		}
	}()
	start := time.Now()
	h.close()
	var got []string
	for f := range frames {
		got = append(got, f)
	}
	if len(got) != 2 || !strings.Contains(got[0], `"going_away"`) || got[1] != "close 1001" {
		t.Fatalf("frames at shutdown %q, want going_away then close 1001", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v with a browser that answers the close", d)
	}
}

// TestStuckBrowserHoldsNobodyUp: a browser that sends and never reads fills
// its socket until the server cannot write to it. Other trainees carry on,
// and shutdown is not held up beyond its bound: the stuck connection is cut.
func TestStuckBrowserHoldsNobodyUp(t *testing.T) {
	h := start(t, func(c *webui.Config) { c.ShutdownWait = time.Second })
	stuck := h.trainee("Stuck").dial()
	stuck.startGame("short-call")
	var sent atomic.Int64
	go func() { // answers pile up unread: each bad message gets an error frame
		for {
			_ = stuck.WS.SetWriteDeadline(time.Now().Add(20 * time.Second))
			if stuck.WS.WriteMessage(websocket.TextMessage, []byte(`{"type":"dance","seq":1}`)) != nil {
				return
			}
			sent.Add(1)
		}
	}()
	for last := int64(-1); ; time.Sleep(300 * time.Millisecond) { // until both sockets are full
		if n := sent.Load(); n == last {
			break
		} else {
			last = n
		}
	}
	t.Logf("the stuck browser sent %d messages before its socket filled", sent.Load())

	g := h.trainee("Fine").dial().startGame("short-call")
	g.choose("ask") // fails the test if it never comes back

	start := time.Now()
	h.close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v with a stuck browser; it should cut it after ShutdownWait (1s)", d)
	}
}
