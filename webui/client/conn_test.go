package client

import (
	"errors"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	f, err := Decode([]byte(`{"type":"snapshot","seq":3,"attempt":{"id":"a1","status":"active","last_seq":2},"replies":[{"id":"r1","text":"x"},{"id":"r2"}]}`))
	if err != nil || f.Type != FrameSnapshot || f.Seq != 3 {
		t.Fatalf("snapshot: %+v, %v", f, err)
	}
	h, err := f.Head()
	if err != nil || h != (SnapshotHead{ID: "a1", Status: "active", LastSeq: 2}) {
		t.Errorf("snapshot head: %+v, %v", h, err)
	}
	if ids := f.ReplyIDs(); len(ids) != 2 || ids[0] != "r1" || ids[1] != "r2" {
		t.Errorf("reply ids: %q", ids)
	}
	var fe *Error
	if _, err := Decode([]byte(`{"type":"error","code":"bad_seq","message":"m","seq":4}`)); !errors.As(err, &fe) ||
		*fe != (Error{Code: "bad_seq", Message: "m", Seq: 4}) {
		t.Errorf("error frame: %v", err)
	}
	var pe *ProtocolError
	if _, err := Decode([]byte(`not json`)); !errors.As(err, &pe) {
		t.Errorf("not JSON: %v", err)
	}
	if _, err := (&Frame{Type: FrameSnapshot, Attempt: []byte(`"a1"`)}).Head(); !errors.As(err, &pe) {
		t.Errorf("a snapshot whose attempt is not an object: %v", err)
	}
}

func TestAs(t *testing.T) {
	turn := []byte(`{"type":"turn","attempt":"a1","turn":2,"reply":{"id":"own","text":"Sorry."},"interjections":[],"lines":["So?"],"mood":[],"mood_change":[],"replies":[{"id":"offer","text":"A refund."}]}`)
	tn, err := As[Turn](turn)
	if err != nil || tn.Attempt != "a1" || tn.Turn != 2 || tn.Reply != (Reply{ID: "own", Text: "Sorry."}) ||
		len(tn.Replies) != 1 || tn.Replies[0].Text != "A refund." {
		t.Fatalf("turn: %+v, %v", tn, err)
	}
	var pe *ProtocolError
	if _, err := As[Ack](turn); !errors.As(err, &pe) {
		t.Errorf("a turn read as an ack: %v, want a protocol error", err)
	}
	refused := []byte(`{"type":"error","code":"not_active","message":"over","seq":5}`)
	var fe *Error
	if _, err := As[Turn](refused); !errors.As(err, &fe) || fe.Code != "not_active" || fe.Seq != 5 {
		t.Errorf("an error frame read as a turn: %v, want the *Error", err)
	}
	if e, err := As[Error](refused); err != nil || e.Code != "not_active" {
		t.Errorf("an error frame read as an error: %+v, %v", e, err)
	}
	if _, err := As[GoingAway]([]byte(`[1]`)); !errors.As(err, &pe) {
		t.Errorf("not an object: %v, want a protocol error", err)
	}
	if typ, err := TypeOf([]byte(`{"type":"going_away","message":"bye"}`)); err != nil || typ != FrameGoingAway {
		t.Errorf("TypeOf: %q, %v", typ, err)
	}
}

func TestDeadline(t *testing.T) {
	stop := time.Now().Add(time.Hour)
	if d := (&Conn{StopBy: stop}).deadline(); !d.Equal(stop) {
		t.Errorf("StopBy alone: %v, want %v", d, stop)
	}
	if d := (&Conn{StopBy: stop, Timeout: time.Second}).deadline(); d.After(time.Now().Add(time.Second)) {
		t.Errorf("a timeout shorter than StopBy: %v", d)
	}
	soon := time.Now().Add(time.Millisecond)
	if d := (&Conn{StopBy: soon, Timeout: time.Minute}).deadline(); !d.Equal(soon) {
		t.Errorf("StopBy sooner than the timeout: %v, want %v", d, soon)
	}
	if d := (&Conn{}).deadline(); !d.IsZero() {
		t.Errorf("neither: %v, want no deadline", d)
	}
}

func TestWebsocketURL(t *testing.T) {
	for base, want := range map[string]string{"http://127.0.0.1:8080": "ws://127.0.0.1:8080/ws", "https://parley.example": "wss://parley.example/ws"} {
		if got := WebsocketURL(base); got != want {
			t.Errorf("%s: got %s, want %s", base, got, want)
		}
	}
}

// BenchmarkDecodeTurn is the load tool's hot path: a turn and its ack read
// raw and decoded flat.
func BenchmarkDecodeTurn(b *testing.B) {
	turn := []byte(`{"type":"turn","attempt":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f","turn":3,"reply":{"id":"acknowledge-the-delay","text":"I understand the delay is a problem."},"interjections":[],"lines":["Fine. What now?"],"mood":[{"name":"frustration","label":"Frustration","value":40,"min":0,"max":100,"band":"annoyed","good":"low"}],"mood_change":[{"name":"frustration","from":60,"to":40,"band_from":"annoyed","band_to":"annoyed"}],"replies":[{"id":"offer-refund","text":"We can refund the shipping."},{"id":"blame-carrier","text":"The carrier is at fault."}]}`)
	ack := []byte(`{"type":"ack","seq":3,"attempt":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"}`)
	b.ReportAllocs()
	for b.Loop() {
		f, err := Decode(turn)
		if err != nil || len(f.ReplyIDs()) != 2 {
			b.Fatal(f, err)
		}
		if a, err := Decode(ack); err != nil || a.Seq != 3 {
			b.Fatal(a, err)
		}
	}
}
