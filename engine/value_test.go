package engine

import (
	"encoding/json"
	"errors"
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
			`reply "again": state "s" would become 8192 characters long, over the 4096 a text may hold; set it to a short word or phrase instead of adding to it`},
		{"text that grows ninety-fold", Effect{Var: "s", Expr: Expr{Src: sTimes(90)}}, 1,
			`state "s" would become 129600 characters long, over the 4096 a text may hold`},
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
	tests := []struct {
		name   string
		resume func() error
		want   string
	}{
		{"binary", func() error { _, err := sc.ResumeBinary(s.AppendState(nil)); return err },
			"state s is 4097 bytes long, over the 4096 a text may hold"},
		{"JSON", func() error { _, err := sc.Resume(data); return err },
			"set s: it is 4097 characters long, over the 4096 a text may hold"},
		{"StartAt", func() error { _, err := sc.StartAt(1, "", map[string]any{"s": long}); return err },
			"set s: it is 4097 characters long, over the 4096 a text may hold"},
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

func TestDefaultMayNotBeTooLong(t *testing.T) {
	spec := valueSpec(Effect{Var: "x", Expr: Expr{Src: "x + 1"}})
	spec.State[0].Default, spec.State[0].Pos = strings.Repeat("x", MaxTextLen+1), Pos{12, 1}
	sc, problems := Compile(spec)
	want := `12:1: error: bad-value: state "s" starts 4097 characters long, over the 4096 a text may hold; shorten its default`
	if sc != nil || len(problems) != 1 || problems[0].String() != want {
		t.Errorf("compiled: %v, problems %v\nwant %s", sc != nil, problems, want)
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
	if err == nil || !strings.Contains(err.Error(), "405504 characters long") {
		t.Fatalf("err = %v, want the text refused", err)
	}
	t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("one reply allocated %d MiB", got>>20)
	}
}
