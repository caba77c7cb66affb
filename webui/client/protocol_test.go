package client

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goldens is the client's type for each golden file of webui's wire test
// (webui/testdata/wire), but the stored records, which are the server's
// own business.
var goldens = map[string]func() any{
	"me.json":                   func() any { return new(Me) },
	"scenarios.json":            func() any { return new([]ScenarioSummary) },
	"scenario.json":             func() any { return new(ScenarioDetail) },
	"attempts-active.json":      func() any { return new([]AttemptItem) },
	"attempts.json":             func() any { return new([]AttemptItem) },
	"attempt.json":              func() any { return new(Snapshot) },
	"practice.json":             func() any { return new(AttemptItem) },
	"debrief.json":              func() any { return new(DebriefAnswer) },
	"debrief-reviewer.json":     func() any { return new(DebriefAnswer) },
	"debrief-given-up.json":     func() any { return new(DebriefAnswer) },
	"debrief-mediocre.json":     func() any { return new(DebriefAnswer) },
	"debrief-worst.json":        func() any { return new(DebriefAnswer) },
	"http-error.json":           func() any { return new(ErrorBody) },
	"ws-snapshot-start.json":    func() any { return new(Snapshot) },
	"ws-snapshot-ended.json":    func() any { return new(Snapshot) },
	"ws-snapshot-practice.json": func() any { return new(Snapshot) },
	"ws-turn.json":              func() any { return new(Turn) },
	"ws-turn-ending.json":       func() any { return new(Turn) },
	"ws-ack.json":               func() any { return new(Ack) },
	"ws-ack-ending.json":        func() any { return new(Ack) },
	"ws-ack-give-up.json":       func() any { return new(Ack) },
	"ws-ended.json":             func() any { return new(Ended) },
	"ws-ended-given-up.json":    func() any { return new(Ended) },
	"ws-error.json":             func() any { return new(Error) },
}

// TestTypesReadTheGoldens holds that the client's types are the protocol
// whole: each golden file decodes into its type with no field left over,
// and the value written again is what the server sent (a field the client
// writes as null is one the server left out). A new golden file needs its
// type here.
func TestTypesReadTheGoldens(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "wire", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasPrefix(name, "stored-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			newValue, ok := goldens[name]
			if !ok {
				t.Fatalf("no client type for %s: add one to goldens", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// The placeholders of times are times again; a frame's type is
			// read by TypeOf, not decoded into the frame.
			data = bytes.ReplaceAll(data, []byte(`"<time>"`), []byte(`"2025-06-01T09:30:00Z"`))
			sent := withoutType(t, decodeAny(t, data))
			v := newValue()
			dec := json.NewDecoder(bytes.NewReader(mustMarshal(t, sent)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("decoding into %T: %v", v, err)
			}
			if again := withoutNull(decodeAny(t, mustMarshal(t, v))); !reflect.DeepEqual(again, sent) {
				t.Errorf("%T written again differs from what the server sent:\n%s\nwant\n%s", v, mustMarshal(t, again), mustMarshal(t, sent))
			}
		})
	}
}

func decodeAny(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withoutType drops a frame's "type".
func withoutType(t *testing.T, v any) any {
	t.Helper()
	if m, ok := v.(map[string]any); ok {
		delete(m, "type")
	}
	return v
}

// withoutNull drops every null field, at any depth.
func withoutNull(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == nil {
				delete(v, k)
			} else {
				v[k] = withoutNull(x)
			}
		}
	case []any:
		for i, x := range v {
			v[i] = withoutNull(x)
		}
	}
	return v
}
