package engine

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sameSession fails unless b is a itself: the same State, lines, replies
// on offer and variables, and the same outcomes for the same next replies.
func sameSession(t *testing.T, a, b *Session, next ...string) {
	t.Helper()
	if sa, sb := a.State(), b.State(); !reflect.DeepEqual(sa, sb) {
		t.Fatalf("state differs:\n got %+v\nwant %+v", sb, sa)
	}
	ra, ea := a.Replies()
	rb, eb := b.Replies()
	if !reflect.DeepEqual(ra, rb) || !errors.Is(eb, ea) && !(ea == nil && eb == nil) || !reflect.DeepEqual(a.Lines(), b.Lines()) {
		t.Fatalf("replies %v (%v) and lines %q, want %v (%v) and %q", rb, eb, b.Lines(), ra, ea, a.Lines())
	}
	if !reflect.DeepEqual(a.Mood(), b.Mood()) { // points and blocks are in the State; Scores would explore
		t.Fatalf("mood differs:\n got %+v\nwant %+v", b.Mood(), a.Mood())
	}
	for _, id := range next {
		oa, ea := a.Choose(id)
		ob, eb := b.Choose(id)
		if !reflect.DeepEqual(oa, ob) || (ea == nil) != (eb == nil) {
			t.Fatalf("choose %s: %+v (%v), want %+v (%v)", id, ob, eb, oa, ea)
		}
	}
}

// TestBinaryStateRoundTrip saves the session after every turn of the
// fixtures and resumes it: the same session every time, and the same one
// as resumed from the JSON State.
func TestBinaryStateRoundTrip(t *testing.T) {
	for name, c := range map[string]struct {
		spec  *Spec
		plays []string
	}{
		"twelve": {twelveSpec(), []string{"listen", "sorry", "ask", "listen", "promise", "sorry", "listen", "ask", "sorry",
			"listen", "ask", "sorry", "listen", "sorry"}},
		"mini, blocked": {miniSpec(), []string{"own", "ask", "promise"}},
		"mini, lost":    {miniSpec(), []string{"excuse", "ask", "ask"}},
	} {
		t.Run(name, func(t *testing.T) {
			sc := mustCompile(t, c.spec)
			s := sc.Start(11)
			for turn := 0; ; turn++ {
				data := s.AppendState([]byte("prefix"))
				if !bytes.HasPrefix(data, []byte("prefix")) {
					t.Fatal("AppendState did not append")
				}
				data = data[len("prefix"):]
				back, err := sc.ResumeBinary(data)
				if err != nil {
					t.Fatalf("turn %d: %v", turn, err)
				}
				if again := back.AppendState(nil); !bytes.Equal(again, data) {
					t.Fatalf("turn %d: saved again as %q, want %q", turn, again, data)
				}
				fromJSON, err := sc.ResumeState(s.State())
				if err != nil {
					t.Fatal(err)
				}
				var next []string
				if turn < len(c.plays) {
					next = c.plays[turn : turn+1]
				}
				sameSession(t, fromJSON, back)
				sameSession(t, s, back, next...)
				if turn >= len(c.plays) || s.Ended() {
					break
				}
			}
		})
	}
}

// TestBinaryStateGolden pins the bytes of the format (quoted as Go does):
// a change to them must take a new StateFormat, and the older must still
// be read. go test -update rewrites it.
func TestBinaryStateGolden(t *testing.T) {
	data := playTwelve(t).AppendState(nil)
	got := strconv.Quote(string(data)) + "\n"
	path := filepath.Join("testdata", "state-format-2.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("the binary state differs from %s (a new layout needs a new StateFormat):\n got %s\nwant %s", path, got, want)
	}
	old, err := strconv.Unquote(strings.TrimSpace(string(want)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustCompile(t, twelveSpec()).ResumeBinary([]byte(old)); err != nil {
		t.Errorf("the golden state does not resume: %v", err)
	}
	h, err := ReadStateHead([]byte(old))
	if err != nil || h != (StateHead{Scenario: "twelve", Version: "v1", Seed: 3, At: "n1", Turn: 12}) {
		t.Errorf("head %+v (%v)", h, err)
	}
}

// TestBinaryStateRefused: a state that does not fit the scenario, or is
// not a state, is refused with ErrBadState and a message that says why.
func TestBinaryStateRefused(t *testing.T) {
	s := playTwelve(t)
	good := s.AppendState(nil)
	other := *twelveSpec()
	other.Version = "v2"
	replace := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"empty":          {nil, "not a binary state"},
		"JSON":           {[]byte(`{"v":1,"state":{}}`), "not a binary state"},
		"newer format":   {replace("PS\x02", "PS\x03"), "format 3 is unknown to this build"},
		"other scenario": {replace("\x06twelve", "\x06eleven"), "state is for eleven@v1, scenario is twelve@v1"},
		"unknown node":   {replace("\x02n1", "\x02n0"), `unknown node "n0"`},
		"trailing bytes": {append(bytes.Clone(good), 0), "1 bytes more than a state holds"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := mustCompile(t, twelveSpec()).ResumeBinary(c.data)
			if !errors.Is(err, ErrBadState) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want ErrBadState saying %q", err, c.want)
			}
		})
	}
	if _, err := mustCompile(t, &other).ResumeBinary(good); !errors.Is(err, ErrBadState) || !strings.Contains(err.Error(), "twelve@v2") {
		t.Errorf("another version: %v", err)
	}
	for n := range len(good) { // every truncation
		if _, err := s.Scenario().ResumeBinary(good[:n]); !errors.Is(err, ErrBadState) {
			t.Fatalf("%d of %d bytes: %v, want ErrBadState", n, len(good), err)
		}
	}
}

// FuzzResumeBinary: no input panics, hangs or allocates beyond its size,
// and whatever resumes saves and resumes again as the same session.
func FuzzResumeBinary(f *testing.F) {
	sc := mustCompile(f, twelveSpec())
	s := sc.Start(5)
	f.Add(s.AppendState(nil))
	for turn := range 12 {
		if _, err := s.Choose(twelvePlay(turn)); err != nil {
			f.Fatal(err)
		}
		f.Add(s.AppendState(nil))
	}
	f.Add([]byte("PS\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := sc.ResumeBinary(data)
		if err != nil {
			if !errors.Is(err, ErrBadState) {
				t.Fatalf("%v does not wrap ErrBadState", err)
			}
			return
		}
		again, err := sc.ResumeBinary(s.AppendState(nil))
		if err != nil {
			t.Fatalf("resumed, saved again, refused: %v", err)
		}
		sameSession(t, s, again)
	})
}
