package loadtest

import (
	"maps"
	"math"
	"math/bits"
	"slices"
	"time"
)

// histSubBits is the precision of a histogram: each power of two is split
// into 2^histSubBits buckets, so a bucket's width is under 1/128 (0.8 %) of
// its values.
const histSubBits = 7

// histogram counts durations in logarithmic buckets of bounded relative
// width, so that the round trips of any number of trainees, and of several
// driver processes, take little memory and merge by adding counts. It keeps
// the exact count, sum and maximum beside the buckets.
type histogram struct {
	Counts map[int]int64 `json:"counts"` // bucket index → durations in it
	N      int64         `json:"n"`
	Sum    time.Duration `json:"sum"`
	Max    time.Duration `json:"max"`
}

func newHistogram() *histogram { return &histogram{Counts: map[int]int64{}} }

// histBucket is d's bucket: below 2^histSubBits ns one per nanosecond,
// above it the top histSubBits+1 bits of d.
func histBucket(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < 1<<histSubBits {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits - 1
	return (shift+1)<<histSubBits + int(v>>shift) - 1<<histSubBits
}

// histLow is the smallest duration in bucket i, the inverse of histBucket.
func histLow(i int) time.Duration {
	if i < 1<<histSubBits {
		return time.Duration(i)
	}
	shift := i>>histSubBits - 1
	return time.Duration((uint64(i&(1<<histSubBits-1)) + 1<<histSubBits) << shift)
}

// histMid is the middle of bucket i: what a percentile in it reports.
func histMid(i int) time.Duration {
	lo, next := histLow(i), histLow(i+1)
	return lo + (next-lo-1)/2
}

func (h *histogram) add(d time.Duration) {
	h.Counts[histBucket(d)]++
	h.N++
	h.Sum += d
	h.Max = max(h.Max, d)
}

// merge adds other's counts to h.
func (h *histogram) merge(other *histogram) {
	if other == nil {
		return
	}
	for i, n := range other.Counts {
		h.Counts[i] += n
	}
	h.N += other.N
	h.Sum += other.Sum
	h.Max = max(h.Max, other.Max)
}

// quantile is the nearest-rank p-quantile, as the middle of its bucket
// (never above the maximum).
func (h *histogram) quantile(p float64) time.Duration {
	if h.N == 0 {
		return 0
	}
	rank := max(int64(math.Ceil(p*float64(h.N))), 1)
	var seen int64
	for _, i := range slices.Sorted(maps.Keys(h.Counts)) {
		if seen += h.Counts[i]; seen >= rank {
			return min(histMid(i), h.Max)
		}
	}
	return h.Max
}

// summary is h's order statistics.
func (h *histogram) summary() latencySummary {
	if h == nil || h.N == 0 {
		return latencySummary{}
	}
	return latencySummary{n: int(h.N), p50: h.quantile(0.50), p90: h.quantile(0.90), p99: h.quantile(0.99),
		max: h.Max, mean: h.Sum / time.Duration(h.N)}
}
