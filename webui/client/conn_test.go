package client

import (
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	f, err := Decode([]byte(`{"type":"snapshot","seq":3,"attempt":{"id":"a1","status":"active","last_seq":2},"replies":[{"id":"r1","text":"x"},{"id":"r2"}]}`))
	if err != nil || f.Type != FrameSnapshot || f.Seq != 3 {
		t.Fatalf("snapshot: %+v, %v", f, err)
	}
	h, err := f.Snapshot()
	if err != nil || h != (SnapshotHead{ID: "a1", Status: "active", LastSeq: 2}) {
		t.Errorf("snapshot head: %+v, %v", h, err)
	}
	if ids := f.ReplyIDs(); len(ids) != 2 || ids[0] != "r1" || ids[1] != "r2" {
		t.Errorf("reply ids: %q", ids)
	}
	var fe *FrameErr
	if _, err := Decode([]byte(`{"type":"error","code":"bad_seq","message":"m","seq":4}`)); !errors.As(err, &fe) || fe.Code != "bad_seq" {
		t.Errorf("error frame: %v", err)
	}
	var pe *ProtocolError
	if _, err := Decode([]byte(`not json`)); !errors.As(err, &pe) {
		t.Errorf("not JSON: %v", err)
	}
	if _, err := (&Frame{Type: FrameSnapshot, Attempt: []byte(`"a1"`)}).Snapshot(); !errors.As(err, &pe) {
		t.Errorf("a snapshot whose attempt is not an object: %v", err)
	}
}

func TestWebsocketURL(t *testing.T) {
	for base, want := range map[string]string{"http://127.0.0.1:8080": "ws://127.0.0.1:8080/ws", "https://parley.example": "wss://parley.example/ws"} {
		if got := WebsocketURL(base); got != want {
			t.Errorf("%s: got %s, want %s", base, got, want)
		}
	}
}
