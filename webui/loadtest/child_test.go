package loadtest

import "testing"

// TestRecognise reads the lines of parley serve's start that a child
// server is known to be ready by.
func TestRecognise(t *testing.T) {
	const analysed = "scenarios analysed"
	for _, tt := range []struct {
		line string
		want event
	}{
		{`time=2026-11-25T21:00:00.000Z level=INFO msg="open http://127.0.0.1:41234/ in a browser" addr=127.0.0.1:41234`, event{"url", "http://127.0.0.1:41234/"}},
		{`time=2026-11-25T21:00:00.000Z level=INFO msg="debug server (net/http/pprof) listening" addr=127.0.0.1:39999`, event{"debug", "127.0.0.1:39999"}},
		{`time=2026-11-25T21:00:01.000Z level=INFO msg="scenarios analysed" count=3 took=1.2s`, event{"analysed", analysed}},
		{`    http://127.0.0.1:41234/#/link/abcDEF123`, event{"setup", "http://127.0.0.1:41234/#/link/abcDEF123"}},
		{`time=2026-11-25T21:00:01.000Z level=INFO msg="scenarios analysed soon"`, event{}},
		{`time=2026-11-25T21:00:01.000Z level=WARN msg=open addr=x`, event{}},
		{`Parley has no administrator with a password yet.`, event{}},
	} {
		got, ok := recognise(tt.line, analysed)
		if got != tt.want || ok != (tt.want != event{}) {
			t.Errorf("%s:\n got %v %v, want %v", tt.line, got, ok, tt.want)
		}
	}
}

func TestLogField(t *testing.T) {
	line := `time=x level=WARN msg="a \"quoted\" message" n=3 addr=[::1]:80`
	for key, want := range map[string]string{"time": "x", "level": "WARN", "msg": `a "quoted" message`, "n": "3", "addr": "[::1]:80", "absent": "", "me": ""} {
		if got := logField(line, key); got != want {
			t.Errorf("%s: got %q, want %q", key, got, want)
		}
	}
}

func TestLineTail(t *testing.T) {
	tail := &lineTail{max: 2}
	for _, l := range []string{"one", "two", "three"} {
		tail.add(l)
	}
	if got := tail.String(); got != "    two\n    three" {
		t.Errorf("got %q", got)
	}
}
