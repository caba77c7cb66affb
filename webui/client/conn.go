package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Message is a message the client sends (docs/protocol.md, "From the
// browser"): exactly the fields its type takes.
type Message struct {
	Type     string `json:"type"`
	Seq      int64  `json:"seq"`
	Scenario string `json:"scenario,omitempty"`
	Attempt  string `json:"attempt,omitempty"`
	Reply    string `json:"reply,omitempty"`
}

// Start begins an attempt at scenario.
func Start(seq int64, scenario string) Message {
	return Message{Type: "start", Seq: seq, Scenario: scenario}
}

// Resume reattaches to attempt.
func Resume(seq int64, attempt string) Message {
	return Message{Type: "resume", Seq: seq, Attempt: attempt}
}

// Choose chooses reply in attempt; seq is one more than its last_seq.
func Choose(seq int64, attempt, reply string) Message {
	return Message{Type: "choose", Seq: seq, Attempt: attempt, Reply: reply}
}

// GiveUp ends attempt without finishing it.
func GiveUp(seq int64, attempt string) Message {
	return Message{Type: "give_up", Seq: seq, Attempt: attempt}
}

// Frame types the server sends.
const (
	FrameSnapshot  = "snapshot"
	FrameTurn      = "turn"
	FrameAck       = "ack"
	FrameEnded     = "ended"
	FrameError     = "error"
	FrameGoingAway = "going_away"
)

// Frame is the part of any server frame (snapshot, turn, ack, ended, error,
// going_away) that a client acts on, decoded flat into one struct: Type says
// which fields are set. Attempt is an object in a snapshot (read it with
// Snapshot) and the attempt's id elsewhere; Ending is left raw.
type Frame struct {
	Type    string          `json:"type"`
	Seq     int64           `json:"seq"`     // snapshot, ack, error: the message it answers
	Attempt json.RawMessage `json:"attempt"` // snapshot: SnapshotHead; turn, ack, ended: "id"
	Turn    int             `json:"turn"`    // turn
	Replies []Reply         `json:"replies"` // snapshot, turn: on offer now
	Ending  json.RawMessage `json:"ending"`  // snapshot, turn, ended: when one was reached
	Code    string          `json:"code"`    // error
	Message string          `json:"message"` // error, going_away
}

// Reply is a reply on offer (or chosen); its text is not read.
type Reply struct {
	ID string `json:"id"`
}

// SnapshotHead is a snapshot's attempt.
type SnapshotHead struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	LastSeq int64  `json:"last_seq"`
}

// Snapshot decodes a snapshot frame's attempt.
func (f *Frame) Snapshot() (SnapshotHead, error) {
	var h SnapshotHead
	if err := json.Unmarshal(f.Attempt, &h); err != nil || h.ID == "" {
		return h, &ProtocolError{"a snapshot without attempt.id"}
	}
	return h, nil
}

// ReplyIDs is the ids of the replies on offer.
func (f *Frame) ReplyIDs() []string { return ReplyIDs(f.Replies) }

// ReplyIDs is the ids of rs.
func ReplyIDs(rs []Reply) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// FrameErr is an error frame from the server.
type FrameErr struct{ Code, Message string }

func (e *FrameErr) Error() string { return "error frame " + e.Code + ": " + e.Message }

// ProtocolError is a frame the protocol does not allow at that point.
type ProtocolError struct{ What string }

func (e *ProtocolError) Error() string { return "protocol: " + e.What }

// Conn is one websocket conversation. No read or write waits past StopBy.
type Conn struct {
	WS     *websocket.Conn
	StopBy time.Time
}

// Dial opens /ws with the identity cookie and the Origin a page from the
// server itself would send. The dialer's buffer sizes are the caller's.
func (c *Client) Dial(ctx context.Context, d *websocket.Dialer, cookie string, stopBy time.Time) (*Conn, error) {
	h := http.Header{"Origin": {c.Base}, "Cookie": {cookie}}
	ws, resp, err := d.DialContext(ctx, WebsocketURL(c.Base), h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial /ws: %s: %w", resp.Status, err)
		}
		return nil, fmt.Errorf("dial /ws: %w", err)
	}
	return &Conn{WS: ws, StopBy: stopBy}, nil
}

// WebsocketURL is the /ws address of the server at base.
func WebsocketURL(base string) string {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + strings.TrimPrefix(base, "https://") + "/ws"
	default:
		return "ws://" + strings.TrimPrefix(base, "http://") + "/ws"
	}
}

// Send marshals m and sends it.
func (c *Conn) Send(m Message) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return c.SendRaw(data)
}

// SendRaw sends an already marshalled message.
func (c *Conn) SendRaw(data []byte) error {
	_ = c.WS.SetWriteDeadline(c.StopBy)
	return c.WS.WriteMessage(websocket.TextMessage, data)
}

// Recv reads and decodes the next frame; an error frame is a *FrameErr.
func (c *Conn) Recv() (Frame, error) {
	data, err := c.RecvRaw()
	if err != nil {
		return Frame{}, err
	}
	return Decode(data)
}

// RecvRaw reads the next frame without decoding it.
func (c *Conn) RecvRaw() ([]byte, error) {
	_ = c.WS.SetReadDeadline(c.StopBy)
	_, data, err := c.WS.ReadMessage()
	return data, err
}

// Decode decodes a server frame; an error frame is a *FrameErr, and bytes
// that are not JSON a *ProtocolError.
func Decode(data []byte) (Frame, error) {
	var f Frame
	if err := json.Unmarshal(data, &f); err != nil {
		return f, &ProtocolError{"a frame is not JSON: " + err.Error()}
	}
	if f.Type == FrameError {
		return f, &FrameErr{Code: f.Code, Message: f.Message}
	}
	return f, nil
}

// HangUp closes the websocket politely.
func (c *Conn) HangUp() {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done")
	_ = c.WS.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.WS.Close()
}

// AwaitSnapshot reads the next frame, which must be the snapshot answering
// seq, and returns its attempt and the ids of the replies on offer.
func (c *Conn) AwaitSnapshot(seq int64) (SnapshotHead, []string, error) {
	f, err := c.Recv()
	if err != nil {
		return SnapshotHead{}, nil, err
	}
	if f.Type != FrameSnapshot || f.Seq != seq {
		return SnapshotHead{}, nil, &ProtocolError{fmt.Sprintf("wanted the snapshot for seq %d, got %s seq %d", seq, f.Type, f.Seq)}
	}
	h, err := f.Snapshot()
	if err != nil {
		return h, nil, err
	}
	return h, f.ReplyIDs(), nil
}
