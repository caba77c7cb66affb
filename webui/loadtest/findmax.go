package loadtest

import (
	"context"
	"log/slog"
	"time"
)

// findMaxSettle is the pause between find-max steps: the last step's
// websockets close and the server's queues drain.
const findMaxSettle = 3 * time.Second

// findMax runs load phases with different numbers of trainees against the
// one server: doubling from o.Trainees while each passes (p99 under
// o.MaxP99, no errors), up to o.FindMaxLimit, then bisecting between the
// largest pass and the smallest failure until they are within a tenth of
// each other. Trainees are signed in as the steps need them, and kept.
func findMax(ctx context.Context, tg *target, o Options, scenarioIDs []string, rep *Report, log *slog.Logger) error {
	s := newSearch(o.Trainees, o.FindMaxLimit)
	for n, ok := s.next(); ok; n, ok = s.next() {
		if err := tg.signInTrainees(ctx, o, n, &rep.signIn, log); err != nil {
			return err
		}
		step := o
		step.Trainees = n
		l, err := loadPhase(ctx, tg, step, scenarioIDs, log)
		if err != nil {
			return err
		}
		rep.steps = append(rep.steps, l)
		passed := rep.stepPasses(l)
		log.Info("find-max step", "trainees", n, "p99", l.rtt.summary().p99, "errors", l.errorCount(), "passed", passed)
		s.record(n, passed)
		if !sleepCtx(ctx, findMaxSettle) {
			return ctx.Err()
		}
	}
	return nil
}

// search is find-max's choice of counts: the largest count that passed
// (lo) and the smallest that failed (hi, 0 while none has).
type search struct {
	first, limit int
	lo, hi       int
	last         int // the count tried last; 0 before the first
}

func newSearch(first, limit int) *search { return &search{first: first, limit: max(limit, first)} }

// next is the count to try next, and false when the search is over.
func (s *search) next() (int, bool) {
	var n int
	switch {
	case s.last == 0:
		n = s.first
	case s.hi == 0: // all passed so far: double, up to the limit
		if s.lo >= s.limit {
			return 0, false
		}
		n = min(2*s.lo, s.limit)
	case s.lo == 0: // all failed so far: halve
		n = s.hi / 2
	default:
		if s.hi-s.lo <= max(s.lo/10, 1) {
			return 0, false
		}
		n = (s.lo + s.hi) / 2
	}
	if n < 1 || n == s.last {
		return 0, false
	}
	s.last = n
	return n, true
}

// record notes whether n passed.
func (s *search) record(n int, passed bool) {
	if passed {
		s.lo = max(s.lo, n)
	} else if s.hi == 0 || n < s.hi {
		s.hi = n
	}
}
