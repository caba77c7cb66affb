// Package client is a Go client of Parley's protocol (docs/protocol.md), as
// any program outside the server would speak it: identity with POST /api/me,
// GET helpers for the JSON API, and a websocket conversation (dial with the
// Origin a page from the server would send, send start, resume, choose and
// give_up with their seq, read the server's frames).
//
// It owns the wire as a client sees it, and nothing of the server: it imports
// only the standard library and gorilla/websocket (cmd/parley/layers_test.go
// holds that), so a change to the server that breaks the protocol breaks its
// users (the load tool, the tests) as it would break a browser.
//
// It is built for the load tool, which is sensitive to allocations: a Conn
// reads each frame with one ReadMessage, decodes into one flat Frame, and
// lets its caller send pre-marshalled bytes (SendRaw) and read frames raw
// (RecvRaw) to decode them later.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client talks HTTP to one Parley server.
type Client struct {
	Base string       // http://host:port, no trailing slash
	HTTP *http.Client // shared by every identity; cookies are passed per request
}

// New is a client of the server at base (a trailing slash is dropped).
func New(base string, hc *http.Client) *Client {
	return &Client{Base: strings.TrimSuffix(base, "/"), HTTP: hc}
}

// NewHTTPClient is an HTTP client pooled for many simulated trainees on one
// server.
func NewHTTPClient() *http.Client {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64, IdleConnTimeout: 10 * time.Second}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Identify sets a display name with POST /api/me and returns the cookies it
// set, as a Cookie header value: the identity that GetJSON and Dial then
// present. One http.Client serves every identity, so no jar is kept.
func (c *Client) Identify(ctx context.Context, name string) (cookie string, err error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/me", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST /api/me: %s", resp.Status)
	}
	parts := make([]string, 0, 2)
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("POST /api/me set no cookie")
	}
	return strings.Join(parts, "; "), nil
}

// Health asks the server's /healthz; an error says what failed.
func (c *Client) Health(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Path: "/healthz", Status: resp.Status}
	}
	return nil
}

// StatusError is an HTTP answer other than 200 OK.
type StatusError struct{ Path, Status string }

func (e *StatusError) Error() string { return e.Path + " answered " + e.Status }

// GetJSON decodes the JSON answer to GET path (with cookie, when not empty)
// into v. The answer must be 200 OK; the error names the path.
func (c *Client) GetJSON(ctx context.Context, path, cookie string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s, %v", path, resp.Status, err)
	}
	return nil
}

// ScenarioIDs lists the ids of the scenarios on offer (GET /api/scenarios).
func (c *Client) ScenarioIDs(ctx context.Context) ([]string, error) {
	var list []struct {
		ID string `json:"id"`
	}
	if err := c.GetJSON(ctx, "/api/scenarios", "", &list); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list))
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids, nil
}

// StoredTurn is one turn of an attempt as GET /api/attempts/{id} shows it.
type StoredTurn struct {
	Turn  int   `json:"turn"`
	Reply Reply `json:"reply"`
}

// Transcript reads one of the caller's attempts (GET /api/attempts/{id})
// and returns its turns.
func (c *Client) Transcript(ctx context.Context, attempt, cookie string) ([]StoredTurn, error) {
	var snap struct {
		Transcript []StoredTurn `json:"transcript"`
	}
	if err := c.GetJSON(ctx, "/api/attempts/"+attempt, cookie, &snap); err != nil {
		return nil, err
	}
	return snap.Transcript, nil
}
