package engine

import (
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

// valueSpec is a scenario with one text and one number state variable, and
// one looping reply whose effect is the test's.
func valueSpec(effect Effect) *Spec {
	return &Spec{
		ID: "value", Title: "Value", Version: "v1",
		State: []VarSpec{{Name: "s", Default: "xxxxxxxxxxxxxxxx"}, {Name: "x", Default: float64(1)}},
		Nodes: []NodeSpec{{ID: "talk", Lines: []LineSpec{{Variants: []string{"Go on."}}}, Replies: []ReplySpec{
			{ID: "again", Text: "Again.", Effects: []Effect{effect}, Next: []Branch{{Goto: "talk"}}},
			{ID: "done", Text: "Done.", Next: []Branch{{Goto: "end"}}},
		}}},
		Endings: []EndingSpec{{ID: "end", Title: "End", Outcome: "resolved", Text: "Done."}},
	}
}

// sTimes is "s + s + … + s", n terms.
func sTimes(n int) string { return strings.TrimSuffix(strings.Repeat("s + ", n), " + ") }

func TestEffectsMayNotMakeBadValues(t *testing.T) {
	tests := []struct {
		name  string
		eff   Effect
		turns int    // replies that succeed before the one that fails
		want  string // the error of the failing one
	}{
		{"text that doubles", Effect{Var: "s", Expr: Expr{Src: "s + s"}}, 8,
			`reply "again": state "s" would become 8192 bytes long, over the 4096 a text may hold; set it to a short word or phrase instead of adding to it`},
		{"text that grows ninety-fold", Effect{Var: "s", Expr: Expr{Src: sTimes(90)}}, 1,
			`state "s" would become 129600 bytes long, over the 4096 a text may hold`},
		{"a number too large", Effect{Var: "x", Expr: Expr{Src: "x * 1e308 * 10"}}, 0,
			`reply "again": state "x" would become infinite, too large for a number; keep it within bounds, as in min(x * 10, 1000), and never divide by what can be 0`},
		{"a number too far below zero", Effect{Var: "x", Expr: Expr{Src: "x - 1e308 * 10"}}, 0,
			`state "x" would become minus infinite, too large for a number`},
		{"a division by zero", Effect{Var: "x", Expr: Expr{Src: "x / (x - 1)"}}, 0,
			`state "x" would become infinite, too large for a number`},
		{"not a number", Effect{Var: "x", Expr: Expr{Src: "(x - 1) / (x - 1)"}}, 0,
			`state "x" would become NaN (not a number); keep it within bounds`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := mustCompile(t, valueSpec(tt.eff))
			s := sc.Start(1)
			for range tt.turns {
				if _, err := s.Choose("again"); err != nil {
					t.Fatalf("turn %d: %v", s.Turn()+1, err)
				}
			}
			before, _ := json.Marshal(s)
			_, err := s.Choose("again")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			if after, _ := json.Marshal(s); string(before) != string(after) {
				t.Errorf("the failed reply changed the state:\n%s\n%s", before, after)
			}
			a := sc.Explore(Limits{})
			if len(a.Errors) != 1 || !strings.Contains(a.Errors[0].Message, tt.want) {
				t.Errorf("exploration's errors = %v, want one saying %s", a.Errors, tt.want)
			}
		})
	}
}

func TestStoredStateMayNotHoldBadValues(t *testing.T) {
	long := strings.Repeat("x", MaxTextLen+1)
	sc := mustCompile(t, valueSpec(Effect{Var: "x", Expr: Expr{Src: "x + 1"}}))
	s := sc.Start(1)
	s.m.vars[0] = long // as a state from an older build, or a damaged one, might hold
	data, _ := json.Marshal(s)
	moodySpec := valueSpec(Effect{Var: "x", Expr: Expr{Src: "x + 1"}})
	moodySpec.Mood = []MoodSpec{{Name: "frustration", Start: 50, Min: 0, Max: 100}}
	moody := mustCompile(t, moodySpec)
	tests := []struct {
		name   string
		resume func() error
		want   string
	}{
		{"binary", func() error { _, err := sc.ResumeBinary(s.AppendState(nil)); return err },
			"state s is 4097 bytes long, over the 4096 a text may hold"},
		{"JSON", func() error { _, err := sc.Resume(data); return err },
			"set s: it is 4097 bytes long, over the 4096 a text may hold"},
		{"StartAt", func() error { _, err := sc.StartAt(1, "", map[string]any{"s": long}); return err },
			"set s: it is 4097 bytes long, over the 4096 a text may hold"},
		{"an infinite number, binary", func() error {
			s := sc.Start(1)
			s.m.vars[1] = math.Inf(1)
			_, err := sc.ResumeBinary(s.AppendState(nil))
			return err
		}, "state x is infinite, too large for a number"},
		{"an infinite number, StartAt", func() error { _, err := sc.StartAt(1, "", map[string]any{"x": math.Inf(-1)}); return err },
			"set x: it is minus infinite, too large for a number"},
		{"NaN mood, StartAt", func() error { _, err := moody.StartAt(1, "", map[string]any{"frustration": math.NaN()}); return err },
			"set frustration: it is NaN (not a number)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.resume()
			if !errors.Is(err, ErrBadState) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrBadState saying %s", err, tt.want)
			}
		})
	}
}

func TestCompileRefusesBadValues(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"text default too long", func(s *Spec) { s.State[0].Default, s.State[0].Pos = strings.Repeat("x", MaxTextLen+1), Pos{12, 1} },
			`12:1: error: bad-value: state "s" starts 4097 bytes long, over the 4096 a text may hold; shorten its default`},
		{"infinite default", func(s *Spec) { s.State[1].Default, s.State[1].Pos = math.Inf(1), Pos{13, 1} },
			`13:1: error: bad-value: state "x" starts infinite, too large for a number; give it a default such as 0`},
		{"NaN default", func(s *Spec) { s.State[1].Default, s.State[1].Pos = math.NaN(), Pos{13, 1} },
			`13:1: error: bad-value: state "x" starts NaN (not a number); give it a default such as 0`},
		{"infinite mood bound", func(s *Spec) { s.Mood[0].Max, s.Mood[0].Pos = math.Inf(1), Pos{20, 1} },
			`20:1: error: mood-bounds: mood "frustration" has max inf; write an ordinary number`},
		{"NaN drift", func(s *Spec) { s.Mood[0].Drift, s.Mood[0].HasBaseline, s.Mood[0].Pos = math.NaN(), true, Pos{20, 1} },
			`20:1: error: mood-bounds: mood "frustration" has drift nan; write an ordinary number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := valueSpec(Effect{Var: "x", Expr: Expr{Src: "x + 1"}})
			spec.Mood = []MoodSpec{{Name: "frustration", Start: 50, Min: 0, Max: 100}}
			tt.change(spec)
			sc, problems := Compile(spec)
			if sc != nil || len(problems) != 1 || problems[0].String() != tt.want {
				t.Errorf("compiled: %v, problems %v\nwant %s", sc != nil, problems, tt.want)
			}
		})
	}
}

// TestWorstEffectAllocatesLittle: the largest effect a scenario may write,
// over the longest text a variable may hold, allocates a bounded amount
// (concatenation is the only operator that makes text longer; repeat and
// the other builtins that could are disabled).
func TestWorstEffectAllocatesLittle(t *testing.T) {
	src := "upper(" + sTimes(99) + ")"
	sc := mustCompile(t, valueSpec(Effect{Var: "s", Expr: Expr{Src: src}}))
	s := sc.Start(1)
	s.m.vars[0] = strings.Repeat("x", MaxTextLen)
	s.ev.load(&s.m)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := s.Choose("again")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "405504 bytes long") {
		t.Fatalf("err = %v, want the text refused", err)
	}
	t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("one reply allocated %d MiB", got>>20)
	}
}
