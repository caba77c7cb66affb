package engine_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"parley/engine"
	"parley/scenarios"
)

// TestBinaryStateBundled plays each bundled scenario three ways (always the
// first, the last and the middle reply on offer) and, after every turn,
// resumes from the binary state: the same State, lines and replies, and the
// same bytes when saved again.
func TestBinaryStateBundled(t *testing.T) {
	for _, f := range scenarios.Bundled() {
		sc, problems := scenarios.Load(f)
		if sc == nil {
			t.Fatal(problems)
		}
		for _, pick := range []func(n int) int{func(int) int { return 0 }, func(n int) int { return n - 1 }, func(n int) int { return n / 2 }} {
			s := sc.Start(9)
			for !s.Ended() {
				data := s.AppendState(nil)
				back, err := sc.ResumeBinary(data)
				if err != nil {
					t.Fatalf("%s turn %d: %v", f.Name, s.Turn(), err)
				}
				if !reflect.DeepEqual(back.State(), s.State()) || !reflect.DeepEqual(back.Lines(), s.Lines()) {
					t.Fatalf("%s turn %d: resumed as %+v, want %+v", f.Name, s.Turn(), back.State(), s.State())
				}
				if again := back.AppendState(nil); !bytes.Equal(again, data) {
					t.Fatalf("%s turn %d: saved again differently", f.Name, s.Turn())
				}
				replies, err := s.Replies()
				if err != nil {
					t.Fatal(err)
				}
				if got, _ := back.Replies(); !reflect.DeepEqual(got, replies) {
					t.Fatalf("%s turn %d: offers %v, want %v", f.Name, s.Turn(), got, replies)
				}
				if _, err := s.Choose(replies[pick(len(replies))].ID); err != nil {
					t.Fatal(err)
				}
			}
			if back, err := sc.ResumeBinary(s.AppendState(nil)); err != nil || !back.Ended() || !reflect.DeepEqual(back.State(), s.State()) {
				t.Fatalf("%s ended: %v", f.Name, err)
			}
		}
	}
}

// ExampleSession_AppendState saves a session in the binary state and
// brings it back.
func ExampleSession_AppendState() {
	f := scenarios.Bundled()[0]
	sc, _ := scenarios.Load(f)
	s := sc.Start(1)
	buf := s.AppendState(nil) // or into a buffer kept from the last save
	head, _ := engine.ReadStateHead(buf)
	back, err := sc.ResumeBinary(buf)
	fmt.Println(head.Scenario, head.At, head.Turn, back.Node(), err)
	// Output: defective-part open 0 open <nil>
}
