package webui

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"parley/webui/training"
	"regexp"
	"strings"
	"testing"
)

// goWords are what encoding/json's own messages say and a sender should
// never read: Go, its type names, our struct names.
var goWords = regexp.MustCompile(`\bGo\b|\bint(64)?\b|\bbool\b|\bfloat64\b|\bstruct\b|Request\b|json:|webui\.|time\.Time|UnmarshalJSON`)

// TestReadJSONSaysWhatIsWrong: a body that does not decode is refused with
// a message that names the field and what it takes, in the sender's
// words, never a Go type or struct.
func TestReadJSONSaysWhatIsWrong(t *testing.T) {
	tests := []struct {
		name string
		into func() any
		body string
		want string
	}{
		{"text for a number", func() any { return &practiceRequest{} }, `{"turn": "1"}`,
			`"turn" must be a whole number, not text`},
		{"a fraction for a whole number", func() any { return &practiceRequest{} }, `{"turn": 1.5}`,
			`"turn" must be a whole number, not 1.5`},
		{"a number too large", func() any { return &practiceRequest{} }, `{"turn": 1e400}`,
			`"turn" must be a whole number, not 1e400`},
		{"a list for a number", func() any { return &practiceRequest{} }, `{"turn": [1]}`,
			`"turn" must be a whole number, not a list`},
		{"a number for text", func() any { return &commentRequest{} }, `{"turn": 1, "body": 7}`,
			`"body" must be text, not a number`},
		{"text for true or false", func() any { return &userUpdateRequest{} }, `{"disabled": "yes"}`,
			`"disabled" must be true or false, not text`},
		{"a number in a list of text", func() any { return &userUpdateRequest{} }, `{"roles": ["manager", 3]}`,
			`each value in "roles" must be text, not a number`},
		{"text among the pass marks", func() any { return &assignRequest{} }, `{"pass_marks": {"empathy": "high"}}`,
			`each value in "pass_marks" must be a whole number, not text`},
		{"a due date that is not one", func() any { return &assignRequest{} }, `{"due": "next friday"}`,
			`the body is not the JSON this request takes: it takes "due" (a date and time such as 2026-12-01T17:00:00Z), ` +
				`"pass_marks" (an object, each value a whole number)`},
		{"a number for a due date", func() any { return &assignRequest{} }, `{"due": 3}`,
			`the body is not the JSON this request takes: it takes "due" (a date and time such as 2026-12-01T17:00:00Z), ` +
				`"pass_marks" (an object, each value a whole number)`},
		{"an unknown field", func() any { return &practiceRequest{} }, `{"turn": 1, "seed": 3}`,
			`the body has a field "seed" that this request does not take: it takes "turn" (a whole number)`},
		{"a list, not an object", func() any { return &loginRequest{} }, `["sam", "pw"]`,
			`the body must be a JSON object, not a list: send one with "username" (text), "password" (text)`},
		{"text, not an object", func() any { return &practiceRequest{} }, `"1"`,
			`the body must be a JSON object, not text: send one with "turn" (a whole number)`},
		{"empty", func() any { return &shareRequest{} }, ``,
			`the body is empty: send a JSON object with "username" (text)`},
		{"cut short", func() any { return &practiceRequest{} }, `{"turn": `,
			`the body ends before its JSON does: send one whole JSON object`},
		{"not JSON", func() any { return &practiceRequest{} }, `{turn: 1}`,
			`the body is not valid JSON: invalid character 't' looking for beginning of object key string (at byte 2)`},
		{"two values", func() any { return &practiceRequest{} }, `{"turn": 1} {"turn": 2}`,
			`the body goes on after its JSON object: send one JSON object and nothing after it`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/x", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/json")
			err := readJSON(httptest.NewRecorder(), r, tt.into())
			e := training.AsError(err)
			if e.Code != codeBadRequest || e.Message != tt.want {
				t.Errorf("readJSON(%s):\n got %s: %s\nwant %s: %s", tt.body, e.Code, e.Message, codeBadRequest, tt.want)
			}
			if w := goWords.FindString(e.Message); w != "" {
				t.Errorf("the message %q says %q", e.Message, w)
			}
		})
	}
}

// TestFrameErrorsSayNoGo: a websocket frame of the wrong shape is refused
// in the sender's words too.
func TestFrameErrorsSayNoGo(t *testing.T) {
	tests := []struct{ frame, want string }{
		{`[1, 2]`, `a message is one JSON object with a "type": it is a list`},
		{`null`, `a message is one JSON object with a "type": it is null`},
		{`"hi"`, `a message is one JSON object with a "type": it is text`},
		{`{"type":`, `a message is one JSON object with a "type": it is not valid JSON: unexpected end of JSON input (at byte 8)`},
		{`{"type":"choose","seq":"1","attempt":"a","reply":"r"}`, `choose: "seq" must be a whole number, not text`},
		{`{"type":"choose","seq":1.5,"attempt":"a","reply":"r"}`, `choose: "seq" must be a whole number, not 1.5`},
	}
	for _, tt := range tests {
		_, err := decodeMessage([]byte(tt.frame))
		e := training.AsError(err)
		if e.Code != codeBadMessage || e.Message != tt.want {
			t.Errorf("decodeMessage(%s):\n got %s: %s\nwant %s: %s", tt.frame, e.Code, e.Message, codeBadMessage, tt.want)
		}
		if w := goWords.FindString(e.Message); w != "" {
			t.Errorf("the message %q says %q", e.Message, w)
		}
	}
}

// TestWriteJSONNeverSendsAnEmptyAnswer: an answer that cannot be encoded
// (an infinite score in a debrief) is logged and answered 500 internal,
// never an empty 200; one that can is sent whole with its status.
func TestWriteJSONNeverSendsAnEmptyAnswer(t *testing.T) {
	tests := []struct {
		name   string
		status int
		v      any
		want   int    // the status sent
		body   string // what the answer holds
	}{
		{"a debrief", http.StatusOK, map[string]float64{"empathy": 0.75}, http.StatusOK, `{"empathy":0.75}`},
		{"a created comment", http.StatusCreated, commentView{ID: "c", Turn: 2, Body: "well done"}, http.StatusCreated, `"body":"well done"`},
		{"an infinite score", http.StatusOK, map[string]float64{"empathy": math.Inf(1)}, http.StatusInternalServerError, `"code":"internal"`},
		{"a score that is not a number", http.StatusCreated, []float64{math.NaN()}, http.StatusInternalServerError, `"code":"internal"`},
		{"a value JSON has no form for", http.StatusOK, map[string]any{"c": make(chan int)}, http.StatusInternalServerError, `"code":"internal"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			s := &Server{log: slog.New(slog.NewTextHandler(&logged, nil))}
			w := httptest.NewRecorder()
			s.writeJSON(w, httptest.NewRequest("GET", "/api/attempts/a/debrief", nil), tt.status, tt.v)
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("answered %d %q, want %d with %s", w.Code, w.Body, tt.want, tt.body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Errorf("the answer %q is not JSON", w.Body)
			}
			failed := tt.want == http.StatusInternalServerError
			if says := strings.Contains(logged.String(), "encode the answer"); says != failed {
				t.Errorf("the log says %q", logged.String())
			}
		})
	}
}
