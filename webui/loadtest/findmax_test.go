package loadtest

import (
	"slices"
	"testing"
)

// TestSearch: find-max's counts for servers whose real maximum is known.
func TestSearch(t *testing.T) {
	for _, tt := range []struct {
		name                string
		first, limit, truth int // every count up to truth passes
		want                []int
		wantLargest         int
	}{
		{"doubles then bisects", 100, 20000, 1500, []int{100, 200, 400, 800, 1600, 1200, 1400, 1500}, 1500},
		{"stops at the limit", 100, 500, 10000, []int{100, 200, 400, 500}, 500},
		{"halves when the first fails", 1000, 20000, 300, []int{1000, 500, 250, 375, 312, 281, 296}, 296},
		{"nothing passes", 4, 100, 0, []int{4, 2, 1}, 0},
		{"first is the limit", 50, 50, 100, []int{50}, 50},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSearch(tt.first, tt.limit)
			var got []int
			for n, ok := s.next(); ok; n, ok = s.next() {
				got = append(got, n)
				s.record(n, n <= tt.truth)
				if len(got) > 50 {
					t.Fatal("the search does not end")
				}
			}
			if !slices.Equal(got, tt.want) || s.lo != tt.wantLargest {
				t.Errorf("tried %v, largest pass %d; want %v, %d", got, s.lo, tt.want, tt.wantLargest)
			}
		})
	}
}
