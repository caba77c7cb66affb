package loadtest

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestHistBucketBounds: every duration falls in the bucket whose bounds
// hold it, and a bucket is narrower than 1/128 of its values.
func TestHistBucketBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		d := time.Duration(rng.Int64N(int64(time.Hour)) >> rng.IntN(40))
		i := histBucket(d)
		lo, next := histLow(i), histLow(i+1)
		if d < lo || d >= next {
			t.Fatalf("%v in bucket %d = [%v, %v)", d, i, lo, next)
		}
		if width := next - lo; lo >= 128 && float64(width) > float64(lo)/128 {
			t.Fatalf("bucket %d = [%v, %v) is wider than 1/128 of %v", i, lo, next, lo)
		}
	}
}

// TestHistogramQuantiles: percentiles from the histogram stay within a
// bucket's width of the exact nearest-rank ones; count, mean and max are
// exact.
func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ds := make([]time.Duration, 5000)
	h := newHistogram()
	for k := range ds {
		ds[k] = time.Duration(rng.ExpFloat64() * float64(3*time.Millisecond))
		h.add(ds[k])
	}
	got, want := h.summary(), summarize(slices.Clone(ds))
	for _, c := range []struct {
		name      string
		got, want time.Duration
	}{{"p50", got.p50, want.p50}, {"p90", got.p90, want.p90}, {"p99", got.p99, want.p99}} {
		if diff := c.got - c.want; diff < -c.want/100 || diff > c.want/100 {
			t.Errorf("%s: %v, exact %v: more than 1%% off", c.name, c.got, c.want)
		}
	}
	if got.n != want.n || got.max != want.max || got.mean != want.mean {
		t.Errorf("n/max/mean: %d %v %v, want %d %v %v", got.n, got.max, got.mean, want.n, want.max, want.mean)
	}
}

// TestHistogramMerge: merging the histograms of parts is the histogram of
// the whole, as for driver processes.
func TestHistogramMerge(t *testing.T) {
	whole, parts := newHistogram(), []*histogram{newHistogram(), newHistogram(), newHistogram()}
	for k := range 3000 {
		d := time.Duration(k*k) * time.Microsecond / 50
		whole.add(d)
		parts[k%3].add(d)
	}
	merged := newHistogram()
	for _, p := range parts {
		merged.merge(p)
	}
	merged.merge(nil)
	if merged.summary() != whole.summary() || len(merged.Counts) != len(whole.Counts) {
		t.Errorf("merged %+v, whole %+v", merged.summary(), whole.summary())
	}
	if (&histogram{}).summary() != (latencySummary{}) {
		t.Error("an empty histogram has no percentiles")
	}
}
