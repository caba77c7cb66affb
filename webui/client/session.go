package client

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
)

// Session is one trainee as a browser holds it: a cookie jar, presented on
// every request and on the websocket, and kept up to date from every
// answer. A new session is not signed in (see Client.Login). It is safe
// for concurrent use.
type Session struct {
	c    *Client
	jar  http.CookieJar
	http *http.Client // c.HTTP's transport and timeout, with jar
	me   Me           // who signed in, as the login answered
}

// NewSession is a session with no identity yet: an empty cookie jar.
func (c *Client) NewSession() *Session {
	jar, _ := cookiejar.New(nil) // never fails without options
	return c.session(jar)
}

func (c *Client) session(jar http.CookieJar) *Session {
	hc := *c.httpClient()
	hc.Jar = jar
	return &Session{c: c, jar: jar, http: &hc}
}

// On is the same identity (the same cookies) speaking to the server of c:
// a browser after the server restarted on another port, or moved.
func (s *Session) On(c *Client) *Session { return c.session(s.jar) }

// Client is the server the session speaks to.
func (s *Session) Client() *Client { return s.c }

// HTTP is the session's HTTP client, its cookie jar set, for a request the
// other methods do not make (another content type, a header to read).
func (s *Session) HTTP() *http.Client { return s.http }

// Get sends GET path and decodes its JSON answer into v (when not nil),
// whatever its status, which it returns: an error is a failed request or
// an answer that is not JSON.
func (s *Session) Get(ctx context.Context, path string, v any) (int, error) {
	return s.request(ctx, http.MethodGet, path, nil, v)
}

// Post sends body as JSON to path and decodes the answer as Get does.
func (s *Session) Post(ctx context.Context, path string, body, v any) (int, error) {
	return s.request(ctx, http.MethodPost, path, body, v)
}

// Send sends method path with body as JSON (none when nil) and decodes
// the answer as Get does: for methods the other helpers do not cover.
func (s *Session) Send(ctx context.Context, method, path string, body, v any) (int, error) {
	return s.request(ctx, method, path, body, v)
}

// request sends method path with the session's cookies and decodes the
// answer into v (when not nil), whatever its status.
func (s *Session) request(ctx context.Context, method, path string, body, v any) (int, error) {
	resp, data, err := fetch(ctx, s.http, s.c.Base, method, path, body)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, decodeAnswer(method, path, data, v)
}

// call is the client's call with the session's cookies.
func (s *Session) call(ctx context.Context, method, path string, body any, want int, v any) error {
	return call(ctx, s.http, s.c.Base, method, path, body, want, v)
}

// SessionCookie is the name of the cookie that carries a session.
const SessionCookie = "parley_session"

// Token is the session's cookie value ("" when not signed in): what
// another process needs to speak as the same session (Client.WithToken).
func (s *Session) Token() string {
	for _, c := range s.jar.Cookies(mustParse(s.c.Base)) {
		if c.Name == SessionCookie {
			return c.Value
		}
	}
	return ""
}

// WithToken is a session presenting an existing session's cookie value.
func (c *Client) WithToken(token string) *Session {
	s := c.NewSession()
	s.jar.SetCookies(mustParse(c.Base), []*http.Cookie{{Name: SessionCookie, Value: token, Path: "/"}})
	return s
}

func mustParse(base string) *url.URL {
	u, err := url.Parse(base + "/")
	if err != nil {
		return &url.URL{}
	}
	return u
}

// Who is who the session signed in as, as the login answered; zero for a
// session that did not sign in through Login or Redeem.
func (s *Session) Who() Me { return s.me }

// Logout ends the session on the server (POST /api/logout).
func (s *Session) Logout(ctx context.Context) error {
	return s.call(ctx, http.MethodPost, "/api/logout", nil, http.StatusNoContent, nil)
}

// Scenarios lists the scenarios on offer (GET /api/scenarios).
func (s *Session) Scenarios(ctx context.Context) ([]ScenarioSummary, error) {
	var list []ScenarioSummary
	err := s.call(ctx, http.MethodGet, "/api/scenarios", nil, http.StatusOK, &list)
	return list, err
}

// Scenario is one scenario on offer (GET /api/scenarios/{id}).
func (s *Session) Scenario(ctx context.Context, id string) (ScenarioDetail, error) {
	var d ScenarioDetail
	err := s.call(ctx, http.MethodGet, "/api/scenarios/"+id, nil, http.StatusOK, &d)
	return d, err
}

// ScenarioIDs lists the ids of the scenarios on offer.
func (s *Session) ScenarioIDs(ctx context.Context) ([]string, error) {
	list, err := s.Scenarios(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, sc := range list {
		ids[i] = sc.ID
	}
	return ids, nil
}

// CreateUser makes an account (POST /api/users; the session must be an
// admin's) and returns it with its invitation link.
func (s *Session) CreateUser(ctx context.Context, username, name string, roles ...string) (UserCreated, error) {
	var out UserCreated
	err := s.call(ctx, http.MethodPost, "/api/users", map[string]any{"username": username, "name": name, "roles": roles}, http.StatusCreated, &out)
	return out, err
}

// SetName changes the session's display name with POST /api/me.
func (s *Session) SetName(ctx context.Context, name string) (Me, error) {
	var me Me
	err := s.call(ctx, http.MethodPost, "/api/me", map[string]string{"name": name}, http.StatusOK, &me)
	return me, err
}

// Me is the session's identity (GET /api/me).
func (s *Session) Me(ctx context.Context) (Me, error) {
	var me Me
	err := s.call(ctx, http.MethodGet, "/api/me", nil, http.StatusOK, &me)
	return me, err
}

// Attempts lists the newest page (up to 100) of the session's attempts,
// most recently played first (GET /api/attempts; older pages follow the
// answer's Link header, docs/protocol.md "Paged lists").
func (s *Session) Attempts(ctx context.Context) ([]AttemptItem, error) {
	var list []AttemptItem
	err := s.call(ctx, http.MethodGet, "/api/attempts", nil, http.StatusOK, &list)
	return list, err
}

// Attempt is one of the session's attempts as a snapshot, without Seq
// (GET /api/attempts/{id}).
func (s *Session) Attempt(ctx context.Context, id string) (Snapshot, error) {
	var snap Snapshot
	err := s.call(ctx, http.MethodGet, "/api/attempts/"+id, nil, http.StatusOK, &snap)
	return snap, err
}

// Debrief is the debrief of one of the session's ended attempts
// (GET /api/attempts/{id}/debrief).
func (s *Session) Debrief(ctx context.Context, id string) (DebriefAnswer, error) {
	var d DebriefAnswer
	err := s.call(ctx, http.MethodGet, "/api/attempts/"+id+"/debrief", nil, http.StatusOK, &d)
	return d, err
}

// Practise starts a practice run of the ended attempt id from its turn
// (POST /api/attempts/{id}/practice) and returns the new attempt.
func (s *Session) Practise(ctx context.Context, id string, turn int) (AttemptItem, error) {
	var item AttemptItem
	err := s.call(ctx, http.MethodPost, "/api/attempts/"+id+"/practice", map[string]int{"turn": turn}, http.StatusCreated, &item)
	return item, err
}
