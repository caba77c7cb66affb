// Package client is a Go client of Parley's protocol (docs/protocol.md), as
// any program outside the server would speak it:
//
//   - Client is one server and a pool of HTTP connections: the routes that
//     need no identity (Health, Scenarios, Scenario) and Identify.
//   - Session is one trainee, as a browser holds it: a cookie jar. Identify
//     is the one place a session gets an identity (when accounts come, a
//     login takes its place). A session reads the JSON API with typed
//     methods (Me, Attempts, Attempt, Debrief, Practise), or with Get and
//     Post for any answer and its status, and dials the websocket (Dial).
//   - Conn is the websocket conversation: Send a Message (start, resume,
//     choose, give_up with their seq), read frames typed (Next, As) or flat.
//     Play is one attempt on a Conn: Start or Resume it, then Choose and
//     GiveUp with the seq each needs.
//
// protocol.go declares every answer and frame whole, once (the golden files
// under webui/testdata/wire pin them); the webui tests, cmd/parley's crash
// test and the load tool all speak through this package.
//
// It owns the wire as a client sees it, and nothing of the server: it imports
// only the standard library and gorilla/websocket (cmd/parley/layers_test.go
// holds that), so a change to the server that breaks the protocol breaks its
// users (the load tool, the tests) as it would break a browser.
//
// The load tool is sensitive to allocations, so Conn also has a fast path:
// SendRaw sends pre-marshalled bytes, RecvRaw reads a frame without decoding
// it, and Decode decodes it into one flat Frame that holds only what the load
// tool acts on (reply ids, not their text).
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client talks HTTP to one Parley server.
type Client struct {
	Base string       // http://host:port, no trailing slash
	HTTP *http.Client // shared by every session; it keeps no cookies itself
}

// New is a client of the server at base (a trailing slash is dropped). A
// nil hc is an http.Client with a 30 s timeout.
func New(base string, hc *http.Client) *Client {
	c := &Client{Base: strings.TrimSuffix(base, "/"), HTTP: hc}
	c.HTTP = c.httpClient()
	return c
}

// NewHTTPClient is an HTTP client pooled for many simulated trainees on one
// server.
func NewHTTPClient() *http.Client {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64, IdleConnTimeout: 10 * time.Second}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// httpClient is c.HTTP, or New's default when it is nil.
func (c *Client) httpClient() *http.Client {
	if c.HTTP == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return c.HTTP
}

// URL is the address of path on the server.
func (c *Client) URL(path string) string { return c.Base + path }

// Login is a new session signed in with POST /api/login: the identity
// every later request and the websocket present. It is the one place a
// session signs in with a password.
func (c *Client) Login(ctx context.Context, username, password string) (*Session, error) {
	s := c.NewSession()
	if err := s.call(ctx, http.MethodPost, "/api/login", map[string]string{"username": username, "password": password}, http.StatusOK, &s.me); err != nil {
		return nil, err
	}
	return s, nil
}

// Redeem uses a one-time link's token (the part of its URL after
// #/link/) to choose the account's password, and is the session it signs in.
func (c *Client) Redeem(ctx context.Context, token, password string) (*Session, error) {
	s := c.NewSession()
	if err := s.call(ctx, http.MethodPost, "/api/links/"+token, map[string]string{"password": password}, http.StatusOK, &s.me); err != nil {
		return nil, err
	}
	return s, nil
}

// LinkToken is the token of a one-time link's URL.
func LinkToken(url string) string {
	_, token, _ := strings.Cut(url, "#/link/")
	return token
}

// Health asks the server's /healthz; an error says what failed.
func (c *Client) Health(ctx context.Context) error {
	return call(ctx, c.httpClient(), c.Base, http.MethodGet, "/healthz", nil, http.StatusOK, nil)
}

// StatusError is an HTTP answer other than the one a method expects, with
// what its error body says (Code and Message are empty when it had none).
type StatusError struct {
	Method, Path string
	StatusCode   int
	Status       string // such as "409 Conflict"
	Code         string
	Message      string
}

func (e *StatusError) Error() string {
	s := e.Method + " " + e.Path + " answered " + e.Status
	if e.Code != "" {
		s += ": " + e.Code + ": " + e.Message
	}
	return s
}

// call sends method path (with body as JSON, when not nil) and decodes the
// answer into v (when not nil); an answer other than want is a
// *StatusError.
func call(ctx context.Context, hc *http.Client, base, method, path string, body any, want int, v any) error {
	resp, data, err := fetch(ctx, hc, base, method, path, body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		se := &StatusError{Method: method, Path: path, StatusCode: resp.StatusCode, Status: resp.Status}
		var eb ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			se.Code, se.Message = eb.Error.Code, eb.Error.Message
		}
		return se
	}
	return decodeAnswer(method, path, data, v)
}

// fetch sends method path (with body as JSON, when not nil) and reads the
// whole answer.
func fetch(ctx context.Context, hc *http.Client, base, method, path string, body any) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("%s %s: %s: %w", method, path, resp.Status, err)
	}
	return resp, data, nil
}

// decodeAnswer decodes an answer's JSON into v, when v is not nil.
func decodeAnswer(method, path string, data []byte, v any) error {
	if v == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}
