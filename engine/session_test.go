package engine

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestSessionPlaysThrough(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	s := sc.Start(1)
	if got := s.Lines(); len(got) != 2 || got[1] != "Where is my order?" {
		t.Fatalf("opening lines = %q", got)
	}
	o, err := s.Choose("own")
	if err != nil {
		t.Fatal(err)
	}
	// frustration 70-30 = 40, then drift toward 50 by 5 = 45.
	if o.Mood[0].From != 70 || o.Mood[0].To != 45 || o.Mood[0].BandTo != "calm" {
		t.Errorf("mood change = %+v", o.Mood[0])
	}
	if !slices.Equal(o.Lines, []string{"Thanks for owning it.", "It cost us a shift."}) {
		t.Errorf("lines at cost = %q", o.Lines)
	}
	if choices, _ := s.Replies(); ids(choices) != "ask,promise" {
		t.Errorf("replies before asking = %s", ids(choices))
	}
	o, err = s.Choose("ask")
	if err != nil || len(o.Interjections) != 0 {
		t.Fatalf("ask: %v, interjections %q", err, o.Interjections)
	}
	if choices, _ := s.Replies(); ids(choices) != "plan,promise" {
		t.Errorf("replies after asking (once) = %s", ids(choices))
	}
	o, err = s.Choose("plan")
	if err != nil || o.Ending == nil || o.Ending.Outcome != "resolved" || !slices.Equal(o.Lines, []string{"Fine."}) {
		t.Fatalf("plan: %v %+v", err, o)
	}
	if !s.Ended() || s.Turn() != 3 {
		t.Errorf("ended=%v turn=%d", s.Ended(), s.Turn())
	}
}

func TestRulesInterjectAndJump(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	s := sc.Start(1)
	if _, err := s.Choose("own"); err != nil {
		t.Fatal(err)
	}
	o, err := s.Choose("promise") // turn 2, never asked: the rule fires first
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Interjections, []string{"Are you even listening?"}) {
		t.Errorf("interjections = %q", o.Interjections)
	}
	scores := s.Scores()
	if b := scores[2]; b.Competency != "boundaries" || b.Passed || !slices.Equal(b.BlockedBy, []string{"cost/promise"}) {
		t.Errorf("boundaries = %+v", b)
	}

	s = sc.Start(1)
	o, _ = s.Choose("excuse") // 70+40 clamps at 100: next goes to lost; drift then takes 5
	if o.Ending == nil || o.Ending.ID != "lost" || o.Mood[0].To != 95 {
		t.Errorf("excuse: ending %+v mood %+v", o.Ending, o.Mood[0])
	}
}

func TestChooseErrorsChangeNothing(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	tests := []struct {
		name    string
		replies []string
		bad     string
		want    error
	}{
		{"unknown id", nil, "nope", ErrUnknownReply},
		{"not on offer yet", []string{"own"}, "plan", ErrNotOffered},
		{"once reply again", []string{"own", "ask"}, "ask", ErrNotOffered},
		{"after the end", []string{"excuse"}, "own", ErrEnded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sc.Start(3)
			for _, r := range tt.replies {
				if _, err := s.Choose(r); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := json.Marshal(s)
			_, err := s.Choose(tt.bad)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			after, _ := json.Marshal(s)
			if string(before) != string(after) {
				t.Errorf("state changed:\n%s\n%s", before, after)
			}
		})
	}
}

func TestResumeIsExact(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	for seed := uint64(0); seed < 20; seed++ {
		a := sc.Start(seed)
		a.Choose("own")
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sc.Resume(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Lines(), b.Lines()) {
			t.Fatalf("lines differ after resume: %q vs %q", a.Lines(), b.Lines())
		}
		for _, r := range []string{"ask", "plan"} {
			oa, ea := a.Choose(r)
			ob, eb := b.Choose(r)
			if !reflect.DeepEqual(oa, ob) || (ea == nil) != (eb == nil) {
				t.Fatalf("seed %d reply %s: %+v / %+v", seed, r, oa, ob)
			}
		}
		if !reflect.DeepEqual(a.State(), b.State()) {
			t.Fatalf("states differ:\n%+v\n%+v", a.State(), b.State())
		}
	}
}

func TestResumeRefusesOtherVersion(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	data, _ := json.Marshal(sc.Start(1))
	spec := miniSpec()
	spec.Version = "v2"
	other := mustCompile(t, spec)
	if _, err := other.Resume(data); !errors.Is(err, ErrBadState) {
		t.Fatalf("err = %v, want ErrBadState", err)
	}
	if _, err := sc.Resume([]byte(`{"scenario":"mini","version":"v1","at":"nowhere"}`)); !errors.Is(err, ErrBadState) {
		t.Fatalf("err = %v, want ErrBadState", err)
	}
}

func TestStartAtRefusesVariablesInTrainersWords(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	tests := []struct {
		name string
		set  map[string]any
		want string
	}{
		{"misspelt", map[string]any{"frustraton": 10.0},
			`set frustraton: no mood or state variable by that name; did you mean "frustration"? (the variables are: frustration, trust, asked, promised)`},
		{"nothing near", map[string]any{"zzzzzzzz": 10.0}, `set zzzzzzzz: no mood or state variable by that name (the variables are: frustration, trust, asked, promised)`},
		{"mood needs a number", map[string]any{"trust": "high"}, "set trust: trust is a number, not text"},
		{"mood range", map[string]any{"trust": 150.0}, "set trust: 150 is outside its range 0..100"},
		{"state kind", map[string]any{"promised": 2.0}, "set promised: promised is true/false, not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sc.StartAt(1, "", tt.set)
			var ve *VarError
			if !errors.As(err, &ve) || !errors.Is(err, ErrBadState) || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s (a *VarError matching ErrBadState)", err, tt.want)
			}
		})
	}
}

func TestSameSeedSameConversation(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	seen := map[string]bool{}
	for seed := uint64(0); seed < 50; seed++ {
		a, b := sc.Start(seed), sc.Start(seed)
		if !slices.Equal(a.Lines(), b.Lines()) {
			t.Fatal("same seed gave different lines")
		}
		seen[a.Lines()[0]] = true
	}
	if len(seen) != 2 {
		t.Errorf("variants seen over 50 seeds: %v; want both", seen)
	}
}

// ids lists the ids on offer, sorted: which replies are on offer, whatever
// order they are offered in.
func ids(cs []Choice) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}
