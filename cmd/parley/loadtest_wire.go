package main

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

	"github.com/gorilla/websocket"
)

// loadFrame is a message the load tool sends (docs/protocol.md): exactly
// the fields its type takes.
type loadFrame struct {
	Type     string `json:"type"`
	Seq      int64  `json:"seq"`
	Scenario string `json:"scenario,omitempty"`
	Attempt  string `json:"attempt,omitempty"`
	Reply    string `json:"reply,omitempty"`
}

// loadServerFrame is the part of a server frame the load tool reads.
// Attempt is an object in a snapshot and a string elsewhere.
type loadServerFrame struct {
	Type    string          `json:"type"`
	Seq     int64           `json:"seq"`
	Attempt json.RawMessage `json:"attempt"`
	Turn    int             `json:"turn"`
	Replies []loadReply     `json:"replies"`
	Ending  json.RawMessage `json:"ending"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
}

type loadReply struct {
	ID string `json:"id"`
}

// loadSnapshotHead is a snapshot's attempt.
type loadSnapshotHead struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	LastSeq int64  `json:"last_seq"`
}

// frameError is an error frame from the server.
type frameError struct{ code, message string }

func (e *frameError) Error() string { return "error frame " + e.code + ": " + e.message }

// protocolError is a frame the protocol does not allow at that point.
type protocolError struct{ what string }

func (e *protocolError) Error() string { return "protocol: " + e.what }

// loadConn is one trainee's websocket. No read or write waits past stopBy.
type loadConn struct {
	ws     *websocket.Conn
	stopBy time.Time
}

func (c *loadConn) send(f loadFrame) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.sendRaw(data)
}

func (c *loadConn) sendRaw(data []byte) error {
	_ = c.ws.SetWriteDeadline(c.stopBy)
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// recv reads and decodes the next frame; an error frame is a *frameError.
func (c *loadConn) recv() (loadServerFrame, error) {
	data, err := c.recvRaw()
	if err != nil {
		return loadServerFrame{}, err
	}
	return decodeServerFrame(data)
}

func (c *loadConn) recvRaw() ([]byte, error) {
	_ = c.ws.SetReadDeadline(c.stopBy)
	_, data, err := c.ws.ReadMessage()
	return data, err
}

func decodeServerFrame(data []byte) (loadServerFrame, error) {
	var f loadServerFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return f, &protocolError{"a frame is not JSON: " + err.Error()}
	}
	if f.Type == "error" {
		return f, &frameError{code: f.Code, message: f.Message}
	}
	return f, nil
}

// hangUp closes the websocket politely.
func (c *loadConn) hangUp() {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done")
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.ws.Close()
}

// awaitSnapshot reads until the snapshot answering seq.
func (c *loadConn) awaitSnapshot(seq int64) (loadSnapshotHead, []string, error) {
	f, err := c.recv()
	if err != nil {
		return loadSnapshotHead{}, nil, err
	}
	if f.Type != "snapshot" || f.Seq != seq {
		return loadSnapshotHead{}, nil, &protocolError{fmt.Sprintf("wanted the snapshot for seq %d, got %s seq %d", seq, f.Type, f.Seq)}
	}
	var h loadSnapshotHead
	if err := json.Unmarshal(f.Attempt, &h); err != nil || h.ID == "" {
		return h, nil, &protocolError{"a snapshot without attempt.id"}
	}
	return h, replyIDs(f.Replies), nil
}

func replyIDs(rs []loadReply) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// identify sets a display name with POST /api/me and returns the cookies
// it set, as a Cookie header value.
func identify(ctx context.Context, hc *http.Client, base, name string) (string, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/me", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
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

// dialPlay opens /ws with the identity cookie and the Origin a page from
// the server itself would send.
func dialPlay(ctx context.Context, d *websocket.Dialer, base, cookie string, stopBy time.Time) (*loadConn, error) {
	h := http.Header{"Origin": {base}, "Cookie": {cookie}}
	ws, resp, err := d.DialContext(ctx, wsURL(base), h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial /ws: %s: %w", resp.Status, err)
		}
		return nil, fmt.Errorf("dial /ws: %w", err)
	}
	return &loadConn{ws: ws, stopBy: stopBy}, nil
}

func wsURL(base string) string {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + strings.TrimPrefix(base, "https://") + "/ws"
	default:
		return "ws://" + strings.TrimPrefix(base, "http://") + "/ws"
	}
}
