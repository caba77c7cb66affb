package webui

import (
	"errors"
	"parley/webui/training"
	"testing"
)

func FuzzDecodeMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type":"start","seq":1,"scenario":"late-shipment"}`,
		`{"type":"choose","seq":2,"attempt":"a","reply":"r"}`,
		`{"type":"give_up","seq":3,"attempt":"a"}`,
		`{"type":"resume","seq":1,"attempt":"a","x":1}`,
		`{"type":"dance"}`, `[]`, `null`, `{"type":`, `{"seq":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeMessage(data)
		if err != nil {
			var e *training.Error
			if !errors.As(err, &e) || e.Code == training.CodeInternal || e.Message == "" {
				t.Fatalf("decode error %v is not a coded error for the browser", err)
			}
			return
		}
		if m.Seq <= 0 || messageFields[m.Type] == nil {
			t.Fatalf("accepted %q as %+v", data, m)
		}
		for _, name := range messageFields[m.Type] {
			if map[string]string{"scenario": m.Scenario, "attempt": m.Attempt, "reply": m.Reply}[name] == "" {
				t.Fatalf("accepted %q without %s", data, name)
			}
		}
	})
}

// BenchmarkDecodeMessage is the frame every reply sends.
func BenchmarkDecodeMessage(b *testing.B) {
	data := []byte(`{"type":"choose","seq":7,"attempt":"4b74af6f0521adc795d068bf5506fd2d","reply":"acknowledge-delay"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeMessage(data); err != nil {
			b.Fatal(err)
		}
	}
}
