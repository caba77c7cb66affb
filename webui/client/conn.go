package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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

// GiveUp ends attempt without finishing it; seq is one more than its
// last_seq (give_up does not move it).
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
	FrameWatched   = "watched"
)

// Frame is the part of any server frame (snapshot, turn, ack, ended, error,
// going_away) that the load tool acts on, decoded flat into one struct: Type
// says which fields are set. Attempt is an object in a snapshot (read it
// with Head) and the attempt's id elsewhere; Ending is left raw. The typed
// frames (Snapshot, Turn, …; see As) hold everything.
type Frame struct {
	Type    string          `json:"type"`
	Seq     int64           `json:"seq"`     // snapshot, ack, error: the message it answers
	Attempt json.RawMessage `json:"attempt"` // snapshot: SnapshotHead; turn, ack, ended: "id"
	Turn    int             `json:"turn"`    // turn
	Replies []ReplyRef      `json:"replies"` // snapshot, turn: on offer now
	Ending  json.RawMessage `json:"ending"`  // snapshot, turn, ended: when one was reached
	Code    string          `json:"code"`    // error
	Message string          `json:"message"` // error, going_away
}

// ReplyRef is a reply as the flat Frame reads it: its id alone (its text is
// skipped, which costs nothing).
type ReplyRef struct {
	ID string `json:"id"`
}

// SnapshotHead is what the flat Frame reads of a snapshot's attempt (the
// typed Snapshot's AttemptHead has it all).
type SnapshotHead struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	LastSeq int64  `json:"last_seq"`
}

// Head decodes a snapshot frame's attempt.
func (f *Frame) Head() (SnapshotHead, error) {
	var h SnapshotHead
	if err := json.Unmarshal(f.Attempt, &h); err != nil || h.ID == "" {
		return h, &ProtocolError{"a snapshot without attempt.id"}
	}
	return h, nil
}

// ReplyIDs is the ids of the replies on offer.
func (f *Frame) ReplyIDs() []string { return ReplyIDs(f.Replies) }

// ReplyIDs is the ids of rs.
func ReplyIDs(rs []ReplyRef) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// ProtocolError is a frame the protocol does not allow at that point.
type ProtocolError struct{ What string }

func (e *ProtocolError) Error() string { return "protocol: " + e.What }

// UpgradeError is a websocket upgrade the server refused with an HTTP
// answer (403 for another origin, 429 when opened too fast).
type UpgradeError struct {
	StatusCode int
	Status     string
	Header     http.Header
	Err        error
}

func (e *UpgradeError) Error() string { return "dial /ws: " + e.Status + ": " + e.Err.Error() }

func (e *UpgradeError) Unwrap() error { return e.Err }

// Conn is one websocket conversation. No read or write waits past StopBy
// (none when it is zero), nor longer than Timeout when that is set.
type Conn struct {
	// Watchers are who watched the trainee's call, as the last watched
	// frame that Next passed over said.
	Watchers []string
	WS       *websocket.Conn
	StopBy   time.Time
	Timeout  time.Duration
}

// defaultDialer is the dialer of a Dial given none.
var defaultDialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}

// Dial opens /ws with the session's cookies and the Origin a page from the
// server itself would send. The dialer (its buffer sizes) is the caller's;
// nil is one with a 10 s handshake timeout.
func (s *Session) Dial(ctx context.Context, d *websocket.Dialer, stopBy time.Time) (*Conn, error) {
	return s.DialOrigin(ctx, d, s.c.Base, stopBy)
}

// DialOrigin is Dial with another Origin header ("": none), as a page of
// another site would send.
func (s *Session) DialOrigin(ctx context.Context, d *websocket.Dialer, origin string, stopBy time.Time) (*Conn, error) {
	if d == nil {
		d = defaultDialer
	}
	u, err := url.Parse(s.c.Base + "/")
	if err != nil {
		return nil, fmt.Errorf("dial /ws: %w", err)
	}
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	if cookies := s.jar.Cookies(u); len(cookies) > 0 {
		parts := make([]string, len(cookies))
		for i, ck := range cookies {
			parts[i] = ck.Name + "=" + ck.Value
		}
		h.Set("Cookie", strings.Join(parts, "; "))
	}
	ws, resp, err := d.DialContext(ctx, WebsocketURL(s.c.Base), h)
	if err != nil {
		if resp != nil {
			return nil, &UpgradeError{StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header, Err: err}
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

// deadline is when the next read or write must be done by.
func (c *Conn) deadline() time.Time {
	if c.Timeout <= 0 {
		return c.StopBy
	}
	d := time.Now().Add(c.Timeout)
	if !c.StopBy.IsZero() && c.StopBy.Before(d) {
		return c.StopBy
	}
	return d
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
	_ = c.WS.SetWriteDeadline(c.deadline())
	return c.WS.WriteMessage(websocket.TextMessage, data)
}

// Recv reads and decodes the next frame flat; an error frame is an *Error.
func (c *Conn) Recv() (Frame, error) {
	data, err := c.RecvRaw()
	if err != nil {
		return Frame{}, err
	}
	return Decode(data)
}

// RecvRaw reads the next frame without decoding it.
func (c *Conn) RecvRaw() ([]byte, error) {
	_ = c.WS.SetReadDeadline(c.deadline())
	_, data, err := c.WS.ReadMessage()
	return data, err
}

// Decode decodes a server frame flat; an error frame is an *Error, and
// bytes that are not JSON a *ProtocolError.
func Decode(data []byte) (Frame, error) {
	var f Frame
	if err := json.Unmarshal(data, &f); err != nil {
		return f, &ProtocolError{"a frame is not JSON: " + err.Error()}
	}
	if f.Type == FrameError {
		return f, &Error{Code: f.Code, Message: f.Message, Seq: f.Seq}
	}
	return f, nil
}

// Typed is a frame decoded whole: the type parameter of As and Next.
type Typed interface {
	Snapshot | Turn | Ack | Ended | Error | GoingAway | Watched
}

// typeOf is the frame type a Typed is decoded from.
func typeOf(v any) string {
	switch v.(type) {
	case Snapshot:
		return FrameSnapshot
	case Turn:
		return FrameTurn
	case Ack:
		return FrameAck
	case Ended:
		return FrameEnded
	case Error:
		return FrameError
	case Watched:
		return FrameWatched
	default:
		return FrameGoingAway
	}
}

// TypeOf is the type of a frame as read; bytes that are not a JSON object
// are a *ProtocolError.
func TypeOf(data []byte) (string, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", &ProtocolError{"a frame is not a JSON object: " + err.Error()}
	}
	return head.Type, nil
}

// As decodes data, a frame as read, into a T. A frame of another type is a
// *ProtocolError, except an error frame, which is its *Error (unless T is
// Error).
func As[T Typed](data []byte) (T, error) {
	var v T
	want := typeOf(v)
	got, err := TypeOf(data)
	if err != nil {
		return v, err
	}
	if got == FrameError && want != FrameError {
		e, err := As[Error](data)
		if err != nil {
			return v, err
		}
		return v, &e
	}
	if got != want {
		return v, &ProtocolError{fmt.Sprintf("wanted a %s frame, got %.300s", want, data)}
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, &ProtocolError{fmt.Sprintf("a %s frame that does not decode: %v: %.300s", want, err, data)}
	}
	return v, nil
}

// Next reads the next frame on c, which must be a T (see As). A watched
// frame, which the server may send a trainee at any moment, is passed over
// unless T is Watched; the last one seen is kept in c.Watchers.
func Next[T Typed](c *Conn) (T, error) {
	var v T
	for {
		data, err := c.RecvRaw()
		if err != nil {
			return v, err
		}
		if _, wantWatched := any(v).(Watched); !wantWatched {
			if typ, err := TypeOf(data); err == nil && typ == FrameWatched {
				if w, err := As[Watched](data); err == nil {
					c.Watchers = w.Watchers
				}
				continue
			}
		}
		return As[T](data)
	}
}

// HangUp closes the websocket politely.
func (c *Conn) HangUp() {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done")
	_ = c.WS.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.WS.Close()
}

// AwaitSnapshot reads the next frame flat, which must be the snapshot
// answering seq, and returns its attempt and the ids of the replies on
// offer.
func (c *Conn) AwaitSnapshot(seq int64) (SnapshotHead, []string, error) {
	f, err := c.Recv()
	if err != nil {
		return SnapshotHead{}, nil, err
	}
	if f.Type != FrameSnapshot || f.Seq != seq {
		return SnapshotHead{}, nil, &ProtocolError{fmt.Sprintf("wanted the snapshot for seq %d, got %s seq %d", seq, f.Type, f.Seq)}
	}
	h, err := f.Head()
	if err != nil {
		return h, nil, err
	}
	return h, f.ReplyIDs(), nil
}
