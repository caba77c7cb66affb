package training

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestNewAttemptID: 32 hex digits like any id, in the order the attempts
// started (to the millisecond), and unique within one millisecond.
func TestNewAttemptID(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 100 {
		id := newAttemptID(start.Add(time.Duration(i) * time.Millisecond))
		if !hex32.MatchString(id) {
			t.Fatalf("id %q is not 32 hex digits", id)
		}
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids of attempts started one after another are out of order: %v", ids)
	}
	if got, want := ids[0][:12], "01a217154680"; got != want { // 2026-11-26T09:00:00Z in Unix ms, hex
		t.Errorf("id %s starts %s, want the start's milliseconds %s", ids[0], got, want)
	}
	seen := map[string]bool{}
	for range 10_000 {
		id := newAttemptID(start)
		if seen[id] {
			t.Fatalf("id %s twice in one millisecond", id)
		}
		seen[id] = true
	}
}
