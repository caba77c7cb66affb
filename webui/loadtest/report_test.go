package loadtest

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	s := summarize(ds)
	if s.p50 != 50*time.Millisecond || s.p90 != 90*time.Millisecond || s.p99 != 99*time.Millisecond || s.max != 100*time.Millisecond {
		t.Errorf("got %v", s)
	}
	if one := summarize([]time.Duration{time.Second}); one.p50 != time.Second || one.p99 != time.Second {
		t.Errorf("one sample: %v", one)
	}
}
