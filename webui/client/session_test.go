package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeServer answers a few routes the way Parley does, enough to check
// what the client sends and how it reads the answers.
func fakeServer(t *testing.T, ws func(*websocket.Conn)) *Client {
	t.Helper()
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(w http.ResponseWriter, status int, code string) {
		writeJSON(w, status, ErrorBody{Error: APIError{Code: code, Message: "refused: " + code}})
	}
	mux.HandleFunc("POST /api/login", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Username, Password string }
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
			refuse(w, http.StatusBadRequest, "bad_request")
			return
		}
		if body.Password != "right" {
			refuse(w, http.StatusUnauthorized, "bad_login")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "parley_session", Value: "s-" + body.Username, Path: "/", HttpOnly: true})
		writeJSON(w, http.StatusOK, Me{ID: "u-" + body.Username, Username: body.Username, Name: body.Username})
	})
	mux.HandleFunc("POST /api/me", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Name string }
		ck, err := r.Cookie("parley_session")
		if err != nil {
			refuse(w, http.StatusUnauthorized, "login_required")
			return
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" {
			refuse(w, http.StatusBadRequest, "bad_request")
			return
		}
		writeJSON(w, http.StatusOK, Me{ID: "u-" + ck.Value[2:], Username: ck.Value[2:], Name: body.Name})
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("parley_session")
		if err != nil {
			refuse(w, http.StatusUnauthorized, "login_required")
			return
		}
		writeJSON(w, http.StatusOK, Me{ID: "u-" + ck.Value[2:], Username: ck.Value[2:]})
	})
	mux.HandleFunc("POST /api/logout", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "parley_session", Value: "", Path: "/", MaxAge: -1})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /api/attempts/{id}/debrief", func(w http.ResponseWriter, r *http.Request) {
		refuse(w, http.StatusConflict, "not_active")
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie("parley_session"); err != nil || ck.Value != "s-sam" || r.Header.Get("Origin") != "http://"+r.Host {
			http.Error(w, "who?", http.StatusForbidden)
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		ws(c)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return New(srv.URL, srv.Client())
}

func TestSessionKeepsItsIdentity(t *testing.T) {
	c := fakeServer(t, nil)
	ctx := context.Background()
	anon := c.NewSession()
	var body ErrorBody
	if status, err := anon.Get(ctx, "/api/me", &body); err != nil || status != http.StatusUnauthorized || body.Error.Code != "login_required" {
		t.Errorf("GET /api/me signed out: %d %+v %v", status, body, err)
	}
	var se *StatusError
	if _, err := anon.Me(ctx); !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized || se.Code != "login_required" {
		t.Errorf("Me signed out: %v, want a 401 login_required StatusError", err)
	}
	if _, err := c.Login(ctx, "sam", "wrong"); !errors.As(err, &se) || se.Code != "bad_login" {
		t.Errorf("a wrong password: %v, want bad_login", err)
	}
	sam, err := c.Login(ctx, "sam", "right")
	if err != nil {
		t.Fatal(err)
	}
	if who := sam.Who(); who.Username != "sam" {
		t.Errorf("Who after Login: %+v", who)
	}
	if me, err := sam.Me(ctx); err != nil || me.ID != "u-sam" {
		t.Errorf("Me after Login: %+v, %v", me, err)
	}
	if me, err := sam.SetName(ctx, "Samantha"); err != nil || me.ID != "u-sam" || me.Name != "Samantha" {
		t.Errorf("renamed: %+v, %v; want the same id", me, err)
	}
	if _, err := sam.SetName(ctx, ""); !errors.As(err, &se) || se.Code != "bad_request" {
		t.Errorf("an empty name: %v, want bad_request", err)
	}
	if _, err := sam.Debrief(ctx, "a1"); !errors.As(err, &se) || se.StatusCode != http.StatusConflict || se.Code != "not_active" ||
		se.Error() != "GET /api/attempts/a1/debrief answered 409 Conflict: not_active: refused: not_active" {
		t.Errorf("debrief of an active attempt: %v", err)
	}
	moved := sam.On(New(c.Base, nil))
	if me, err := moved.Me(ctx); err != nil || me.ID != "u-sam" {
		t.Errorf("the session on another client: %+v, %v; want the same identity", me, err)
	}
	if err := sam.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sam.Me(ctx); !errors.As(err, &se) || se.Code != "login_required" {
		t.Errorf("Me after Logout: %v, want login_required", err)
	}
}

func TestDialPresentsTheIdentity(t *testing.T) {
	c := fakeServer(t, func(c *websocket.Conn) { _ = c.WriteJSON(map[string]string{"type": "going_away", "message": "bye"}) })
	ctx := context.Background()
	var ue *UpgradeError
	if _, err := c.NewSession().Dial(ctx, nil, time.Time{}); !errors.As(err, &ue) || ue.StatusCode != http.StatusForbidden {
		t.Errorf("dial with no identity: %v, want the 403", err)
	}
	sam, err := c.Login(ctx, "sam", "right")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sam.DialOrigin(ctx, nil, "http://evil.example", time.Time{}); !errors.As(err, &ue) || ue.StatusCode != http.StatusForbidden {
		t.Errorf("dial from another origin: %v, want the 403", err)
	}
	conn, err := sam.Dial(ctx, nil, time.Now().Add(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	if g, err := Next[GoingAway](conn); err != nil || g.Message != "bye" {
		t.Errorf("going_away: %+v, %v", g, err)
	}
}

// script answers each message the client sends with the frames given for
// its type, in order.
func script(t *testing.T, answers map[string][]string) func(*websocket.Conn) {
	return func(c *websocket.Conn) {
		for {
			var m Message
			if err := c.ReadJSON(&m); err != nil {
				return
			}
			for _, f := range answers[m.Type] {
				if err := c.WriteMessage(websocket.TextMessage, []byte(f)); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}
}

func TestPlay(t *testing.T) {
	c := fakeServer(t, script(t, map[string][]string{
		"start": {`{"type":"snapshot","seq":1,"attempt":{"id":"a1","scenario":"s","title":"S","status":"active","turn":0,"last_seq":4},"opening":["Hi."],"transcript":[],"lines":["Hi."],"replies":[{"id":"ask","text":"Why?"}],"mood":[]}`},
		"choose": {`{"type":"turn","attempt":"a1","turn":1,"reply":{"id":"ask","text":"Why?"},"interjections":[],"lines":["Because."],"mood":[],"mood_change":[],"replies":[]}`,
			`{"type":"ack","seq":5,"attempt":"a1"}`},
		"give_up": {`{"type":"ack","seq":6,"attempt":"a1"}`, `{"type":"ended","attempt":"a1","status":"given_up","debrief":"/api/attempts/a1/debrief"}`},
		"resume":  {`{"type":"snapshot","seq":9,"attempt":{"id":"other","status":"active"}}`},
	}))
	ctx := context.Background()
	sam, err := c.Login(ctx, "sam", "right")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sam.Dial(ctx, nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.HangUp()
	conn.Timeout = 10 * time.Second
	p, err := conn.Start(1, "s")
	if err != nil || p.ID != "a1" || p.LastSeq != 4 || p.Snapshot.Replies[0] != (Reply{ID: "ask", Text: "Why?"}) {
		t.Fatalf("start: %+v, %v", p, err)
	}
	if tn, err := p.Choose("ask"); err != nil || tn.Turn != 1 || tn.Lines[0] != "Because." || p.LastSeq != 5 {
		t.Fatalf("choose: %+v, %v; last seq %d, want 5", tn, err, p.LastSeq)
	}
	if e, err := p.GiveUp(); err != nil || e.Status != "given_up" || p.LastSeq != 5 {
		t.Fatalf("give up: %+v, %v; last seq %d, want 5 still", e, err, p.LastSeq)
	}
	var pe *ProtocolError
	if _, err := p.Choose("ask"); !errors.As(err, &pe) { // acknowledged as seq 5, not 6
		t.Errorf("an ack of another seq: %v, want a protocol error", err)
	}
	if _, err := conn.Resume(9, "a1"); !errors.As(err, &pe) {
		t.Errorf("resume answered with another attempt: %v, want a protocol error", err)
	}
}
