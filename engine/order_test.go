package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// orderSpec is one node with five unconditional replies, "r1" the best.
func orderSpec(fixed bool) *Spec {
	var replies []ReplySpec
	for i := 1; i <= 5; i++ {
		replies = append(replies, ReplySpec{ID: fmt.Sprintf("r%d", i), Text: fmt.Sprintf("Reply %d.", i),
			Points: []Points{{"listening", 6 - i, Pos{}}}, Note: "n", Next: []Branch{{Goto: "done"}}})
	}
	return &Spec{ID: "order", Title: "Order", Version: "v1",
		Nodes:   []NodeSpec{{ID: "pick", Fixed: fixed, Lines: []LineSpec{{Variants: []string{"Well?"}}}, Replies: replies}},
		Endings: []EndingSpec{{ID: "done", Title: "Done", Outcome: "resolved", Text: "Done."}}}
}

func offered(t *testing.T, s *Session) []string {
	t.Helper()
	choices, err := s.Replies()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range choices {
		out = append(out, c.ID)
	}
	return out
}

// TestReplyOrderIsASeededPermutation: the order is a permutation of what is
// on offer, the same for the same seed and after a save and resume, and over
// many seeds the best reply stands at every position about equally often.
func TestReplyOrderIsASeededPermutation(t *testing.T) {
	sc := mustCompile(t, orderSpec(false))
	all := []string{"r1", "r2", "r3", "r4", "r5"}
	const seeds = 500
	at := make([]int, len(all)) // how often r1 stood at each position
	orders := map[string]bool{}
	for seed := uint64(0); seed < seeds; seed++ {
		s := sc.Start(seed)
		got := offered(t, s)
		if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, all) {
			t.Fatalf("seed %d: offered %v, not a permutation of %v", seed, got, all)
		}
		if again := offered(t, sc.Start(seed)); !slices.Equal(again, got) {
			t.Fatalf("seed %d: %v, then %v", seed, got, again)
		}
		data, err := json.Marshal(s.State())
		if err != nil {
			t.Fatal(err)
		}
		resumed, err := sc.Resume(data)
		if err != nil {
			t.Fatal(err)
		}
		if after := offered(t, resumed); !slices.Equal(after, got) {
			t.Fatalf("seed %d: %v before saving, %v after resuming", seed, got, after)
		}
		at[slices.Index(got, "r1")]++
		orders[fmt.Sprint(got)] = true
	}
	for i, n := range at {
		if n < seeds/len(all)/2 {
			t.Errorf("the best reply stood at position %d in %d of %d seeds; want about %d (all: %v)", i+1, n, seeds, seeds/len(all), at)
		}
	}
	if len(orders) < 60 {
		t.Errorf("%d seeds gave only %d distinct orders of 5 replies", seeds, len(orders))
	}
}

func TestFixedOrderIsFileOrder(t *testing.T) {
	sc := mustCompile(t, orderSpec(true))
	for seed := uint64(0); seed < 50; seed++ {
		if got := offered(t, sc.Start(seed)); !slices.Equal(got, []string{"r1", "r2", "r3", "r4", "r5"}) {
			t.Fatalf("seed %d: a fixed node offered %v", seed, got)
		}
	}
}

// TestOrderKeptAtARevisitAfterResume: "cost" is visited twice in mini; a
// session resumed at the second visit offers what the first session did.
func TestOrderKeptAtARevisitAfterResume(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	for seed := uint64(0); seed < 40; seed++ {
		s := sc.Start(seed)
		for _, id := range []string{"own", "ask"} {
			if _, err := s.Choose(id); err != nil {
				t.Fatal(err)
			}
		}
		want := offered(t, s)
		data, _ := json.Marshal(s.State())
		resumed, err := sc.Resume(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := offered(t, resumed); !slices.Equal(got, want) {
			t.Fatalf("seed %d: %v before saving, %v after resuming", seed, want, got)
		}
	}
}
