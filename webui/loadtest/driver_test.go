package loadtest

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
)

func TestSplitTokens(t *testing.T) {
	tokens := []string{"a", "b", "c", "d", "e", "f", "g"}
	shares, firsts := splitTokens(tokens, 3)
	if !slices.Equal(firsts, []int{0, 2, 4}) || len(shares) != 3 {
		t.Fatalf("firsts %v, %d shares", firsts, len(shares))
	}
	var all []string
	for k, s := range shares {
		if len(s) < 2 || len(s) > 3 || s[0] != tokens[firsts[k]] {
			t.Errorf("share %d: %v", k, s)
		}
		all = append(all, s...)
	}
	if !slices.Equal(all, tokens) {
		t.Errorf("the shares together are %v, not every token once", all)
	}
}

// TestMergeDrivers: drivers' results, sent as JSON, merge into the counts
// and round trips of the whole run.
func TestMergeDrivers(t *testing.T) {
	parts := []traineeResult{
		{rtts: []time.Duration{time.Millisecond, 3 * time.Millisecond}, steady: []time.Duration{3 * time.Millisecond},
			acked:  []ackedTurn{{Attempt: "a1", Turn: 1, Seq: 2, Reply: "r", Trainee: 0}, {Attempt: "a1", Turn: 2, Seq: 3, Reply: "s", Trainee: 0}},
			errors: map[string]int{"transport: EOF": 1}, started: 1},
		{rtts: []time.Duration{2 * time.Millisecond, 90 * time.Millisecond}, steady: []time.Duration{2 * time.Millisecond, 90 * time.Millisecond},
			acked:  []ackedTurn{{Attempt: "b1", Turn: 1, Seq: 2, Reply: "r", Trainee: 5}, {Attempt: "b1", Turn: 2, Seq: 3, Reply: "t", Trainee: 5}},
			errors: map[string]int{"transport: EOF": 2, "error frame: stale_seq": 1}, started: 2, finished: 1},
	}
	whole := mergeResults(parts, 2*time.Second)
	var results []driverResult
	for k, p := range parts {
		l := mergeResults([]traineeResult{p}, time.Duration(k+1)*time.Second)
		data, err := json.Marshal(driverResult{RTT: l.rtt, Steady: l.steady, Acked: l.acked, Errors: l.errors,
			Started: l.started, Finished: l.finished, Elapsed: l.elapsed, CPU: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var back driverResult
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		results = append(results, back)
	}
	got := mergeDrivers(results)
	if got.rtt.summary() != whole.rtt.summary() || got.steady.summary() != whole.steady.summary() {
		t.Errorf("round trips %v / %v, want %v / %v", got.rtt.summary(), got.steady.summary(), whole.rtt.summary(), whole.steady.summary())
	}
	if !slices.Equal(got.acked, whole.acked) || !maps.Equal(got.errors, whole.errors) ||
		got.started != 3 || got.finished != 1 || got.elapsed != 2*time.Second {
		t.Errorf("merged %+v, want %+v", got, whole)
	}
	if got.drivers != 2 || got.toolCPU != 20*time.Millisecond {
		t.Errorf("drivers %d, their CPU %v: want 2 and 20ms", got.drivers, got.toolCPU)
	}
	if empty := mergeDrivers([]driverResult{{}}); empty.rtt.N != 0 || empty.errorCount() != 0 {
		t.Errorf("an empty result merged into %+v", empty)
	}
}
