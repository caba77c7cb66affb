package lrs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/webui/lrs"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// fakeLRS is a real HTTP server that keeps what it is sent, by statement
// id, and answers as told.
type fakeLRS struct {
	mu       sync.Mutex
	got      map[string]json.RawMessage
	posts    int
	failNext atomic.Int64 // answer 503 to this many more posts
	refuse   string       // answer 400 to a batch holding this id
	holds    string       // answer 409 to a batch holding this id
	bad      []string     // what was wrong with requests
}

func newFakeLRS(t *testing.T) (*fakeLRS, *httptest.Server) {
	f := &fakeLRS{got: map[string]json.RawMessage{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeLRS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.posts++
	user, pass, ok := r.BasicAuth()
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/xapi/statements":
		f.bad = append(f.bad, r.Method+" "+r.URL.Path)
	case r.Header.Get("X-Experience-API-Version") != "1.0.3":
		f.bad = append(f.bad, "version header "+r.Header.Get("X-Experience-API-Version"))
	case !ok || user != "key" || pass != "secret":
		http.Error(w, "who?", http.StatusUnauthorized)
		return
	}
	if f.failNext.Load() > 0 {
		f.failNext.Add(-1)
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	var batch []json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		f.bad = append(f.bad, "body: "+err.Error())
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	var ids []string
	for _, s := range batch {
		var head struct{ ID string }
		_ = json.Unmarshal(s, &head)
		ids = append(ids, head.ID)
	}
	if slices.Contains(ids, f.refuse) {
		http.Error(w, `{"message":"invalid statement"}`, http.StatusBadRequest)
		return
	}
	if slices.Contains(ids, f.holds) {
		http.Error(w, `{"message":"conflict"}`, http.StatusConflict)
		return
	}
	for i, s := range batch {
		f.got[ids[i]] = s
	}
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(ids)
}

func (f *fakeLRS) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// outbox is a real SQLite store with n statements queued by one turn.
func outbox(t *testing.T, n int) (*sqlite.Store, []string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateAccount(ctx, training.Account{ID: "u", Username: "sam", DisplayName: "Sam"}))
	must(st.SaveScenarioVersion(ctx, "s", "v", []byte("title = 's'")))
	must(st.CreateAttempt(ctx, training.Attempt{ID: "a", UserID: "u", ScenarioID: "s", Version: "v", State: []byte(`{}`)}))
	var items []training.OutboxItem
	var ids []string
	for i := range n {
		id := "00000000-0000-4000-8000-0000000000" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		items = append(items, training.OutboxItem{ID: id, Body: []byte(`{"id":"` + id + `"}`)})
		ids = append(ids, id)
	}
	must(st.SaveTurn(ctx, training.TurnWrite{AttemptID: "a", State: []byte(`{}`), LastSeq: 1, Outbox: items,
		Turn: training.Turn{Number: 1, Seq: 1, ReplyID: "r", Event: []byte(`{}`)}}))
	slices.Sort(ids)
	return st, ids
}

// clock is a settable clock, so backoff is tested without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func relay(t *testing.T, st *sqlite.Store, srv *httptest.Server, c *clock, batch int) *lrs.Relay {
	t.Helper()
	r, err := lrs.New(st, lrs.Config{Endpoint: srv.URL + "/xapi/", Username: "key", Password: "secret", Batch: batch, Now: c.Now,
		HTTP: &http.Client{Timeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRelayOutageLosesNothing: the LRS is down for a while; nothing is
// lost, each statement arrives once it is back, waits follow the backoff,
// and every request carries the version header and the credentials.
func TestRelayOutageLosesNothing(t *testing.T) {
	ctx := context.Background()
	st, ids := outbox(t, 7)
	f, srv := newFakeLRS(t)
	c := &clock{now: time.Now()}
	r := relay(t, st, srv, c, 3)
	f.failNext.Store(3)
	for try := range 3 {
		if n, err := r.SendDue(ctx); n != 0 || err == nil || !strings.Contains(err.Error(), "503") {
			t.Fatalf("try %d while down: sent %d, %v; want nothing sent and the 503 said", try, n, err)
		}
		if n, _ := r.SendDue(ctx); n != 0 || f.posts != try+1 {
			t.Fatalf("try %d: a failed batch was tried again before its backoff (%d posts)", try, f.posts)
		}
		c.Add(time.Duration(1<<try) * time.Second) // the most the backoff waits after try+1 failures
	}
	if waiting, sent, err := st.OutboxCounts(ctx); err != nil || waiting != 7 || sent != 0 {
		t.Fatalf("during the outage: %d waiting, %d sent, %v", waiting, sent, err)
	}
	c.Add(time.Minute)
	n, err := r.SendDue(ctx)
	if err != nil || n != 7 {
		t.Fatalf("once the LRS is back: sent %d, %v", n, err)
	}
	if got := f.received(); !slices.Equal(got, ids) {
		t.Errorf("the LRS holds %v, want %v", got, ids)
	}
	if waiting, sent, _ := st.OutboxCounts(ctx); waiting != 0 || sent != 7 {
		t.Errorf("after: %d waiting, %d sent", waiting, sent)
	}
	if n, _ := r.SendDue(ctx); n != 0 {
		t.Errorf("a second pass sent %d again", n)
	}
	if len(f.bad) > 0 {
		t.Errorf("requests the LRS could not take: %v", f.bad)
	}
}

// TestRelayIsolatesABadStatement: a batch refused for one invalid statement
// is sent again one by one: the others arrive, and the bad one waits for an
// operator rather than blocking the queue. A statement the LRS already
// holds (409) counts as sent.
func TestRelayIsolatesABadStatement(t *testing.T) {
	ctx := context.Background()
	st, ids := outbox(t, 5)
	f, srv := newFakeLRS(t)
	f.refuse, f.holds = ids[1], ids[3]
	c := &clock{now: time.Now()}
	r := relay(t, st, srv, c, 5)
	n, err := r.SendDue(ctx)
	if n != 4 || err == nil {
		t.Fatalf("sent %d, %v; want 4 and the refusal said", n, err)
	}
	if got := f.received(); len(got) != 3 || slices.Contains(got, ids[1]) {
		t.Errorf("the LRS holds %v", got)
	}
	if due, _ := st.DueStatements(ctx, c.Now().Add(lrs.RefusedWait-time.Minute), 10); len(due) != 0 {
		t.Errorf("the refused statement is due again before RefusedWait: %v", due)
	}
	if due, _ := st.DueStatements(ctx, c.Now().Add(lrs.RefusedWait+time.Minute), 10); len(due) != 1 || due[0].Tries != 1 {
		t.Errorf("the refused statement after RefusedWait: %+v, want it due, with one failed try", due)
	}
	if waiting, _, _ := st.OutboxCounts(ctx); waiting != 1 {
		t.Errorf("%d waiting, want the refused one kept", waiting)
	}
}

// TestRelayBoundsTheLRS: an LRS that answers forever, or answers with a
// huge body, costs bounded time and memory.
func TestRelayBoundsTheLRS(t *testing.T) {
	ctx := context.Background()
	st, _ := outbox(t, 1)
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(block) }) // runs first: the handler returns, then the server closes
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.Copy(w, io.LimitReader(zeros{}, 50<<20))
	}))
	t.Cleanup(huge.Close)
	c := &clock{now: time.Now()}
	start := time.Now()
	if _, err := relay(t, st, slow, c, 1).SendDue(ctx); err == nil {
		t.Error("a silent LRS: no error")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a silent LRS held the relay %v", d)
	}
	c.Add(time.Hour)
	_, err := relay(t, st, huge, c, 1).SendDue(ctx)
	if err == nil || len(err.Error()) > 2000 {
		t.Errorf("a huge answer: %d bytes of error", len(err.Error()))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestNewRefusesABadEndpoint(t *testing.T) {
	for _, e := range []string{"", "lrs.example.com", "ftp://lrs.example.com/", "https://"} {
		if _, err := lrs.New(nil, lrs.Config{Endpoint: e}); err == nil {
			t.Errorf("endpoint %q accepted", e)
		}
	}
}

// TestRelayTrustsOnlyAStoredAnswer: a statement counts as sent only when
// the LRS answers 204, or 200 with its id. A redirect is never followed
// (a 307 or 308 would post the statements and the credentials elsewhere)
// and, like a 200 that does not name the statements, leaves them in the
// outbox with the backoff of an LRS that is down.
func TestRelayTrustsOnlyAStoredAnswer(t *testing.T) {
	idsJSON := func(ids []string) string { b, _ := json.Marshal(ids); return string(b) }
	tests := []struct {
		name   string
		status int
		body   func(ids []string) string
		sent   bool
		says   string // in the error, when not sent
	}{
		{"301", http.StatusMovedPermanently, nil, false, `"/other/statements"`},
		{"302", http.StatusFound, nil, false, `"/other/statements"`},
		{"307", http.StatusTemporaryRedirect, nil, false, `"/other/statements"`},
		{"308", http.StatusPermanentRedirect, nil, false, `set --lrs-endpoint`},
		{"200 with HTML", http.StatusOK, func([]string) string { return "<html><body>Welcome</body></html>" }, false, "not the JSON array"},
		{"200 with no ids", http.StatusOK, func([]string) string { return "[]" }, false, "without statement"},
		{"200 with an object", http.StatusOK, func([]string) string { return `{"stored": true}` }, false, "not the JSON array"},
		{"200 with numbers", http.StatusOK, func([]string) string { return "[1, 2, 3]" }, false, "not the JSON array"},
		{"200 with other ids", http.StatusOK, func([]string) string { return `["x", "y", "z"]` }, false, "without statement"},
		{"200 without one id", http.StatusOK, func(ids []string) string { return idsJSON(ids[1:]) }, false, "without statement"},
		{"200 with the ids", http.StatusOK, idsJSON, true, ""},
		{"200 with the ids in capitals", http.StatusOK, func(ids []string) string { return strings.ToUpper(idsJSON(ids)) }, true, ""},
		{"204", http.StatusNoContent, nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, ids := outbox(t, 3)
			var posts, elsewhere atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/xapi/statements" {
					elsewhere.Add(1)
					w.WriteHeader(http.StatusOK)
					return
				}
				posts.Add(1)
				if tt.status >= 300 && tt.status < 400 {
					http.Redirect(w, r, "/other/statements", tt.status)
					return
				}
				w.WriteHeader(tt.status)
				if tt.body != nil {
					_, _ = io.WriteString(w, tt.body(ids))
				}
			}))
			t.Cleanup(srv.Close)
			c := &clock{now: time.Now()}
			r := relay(t, st, srv, c, 3)
			n, err := r.SendDue(ctx)
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the relay followed the redirect: %d requests elsewhere", n)
			}
			waiting, sent, cerr := st.OutboxCounts(ctx)
			if cerr != nil {
				t.Fatal(cerr)
			}
			if tt.sent {
				if n != 3 || err != nil || waiting != 0 || sent != 3 {
					t.Errorf("sent %d, %v; %d waiting, %d sent; want all 3 sent", n, err, waiting, sent)
				}
				return
			}
			if n != 0 || err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("sent %d, %v; want nothing sent and an error saying %s", n, err, tt.says)
			}
			if waiting != 3 || sent != 0 {
				t.Errorf("%d waiting, %d sent; want all 3 kept in the outbox", waiting, sent)
			}
			// As for an LRS that is down: no new try before the backoff, the
			// statements due again within seconds, each with one failed try.
			if n, _ := r.SendDue(ctx); n != 0 || posts.Load() != 1 {
				t.Errorf("tried again before the backoff: %d posts", posts.Load())
			}
			if due, _ := st.DueStatements(ctx, c.Now().Add(2*time.Second), 10); len(due) != 3 || due[0].Tries != 1 {
				t.Errorf("2 s later: %+v, want all 3 due again, with one failed try", due)
			}
		})
	}
}
