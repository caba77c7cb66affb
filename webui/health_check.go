package webui

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// WriteCheckFor is how long a passed write check stands for /healthz: a
// flood of health checks then costs at most about one synced write a
// second, instead of competing with trainees' turns for every fsync. A
// failed check is not remembered: the next call checks again.
const WriteCheckFor = time.Second

// writeCheck remembers when the health check's write last passed.
type writeCheck struct {
	mu     sync.Mutex
	passed time.Time
}

// fresh reports whether a write passed less than WriteCheckFor before now.
func (w *writeCheck) fresh(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := now.Sub(w.passed)
	return !w.passed.IsZero() && d >= 0 && d < WriteCheckFor
}

func (w *writeCheck) pass(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.passed = at
}

// healthCheck answers 200 when the database answers a read and commits a
// write, 503 otherwise: an instance that cannot save a trainee's reply is
// not healthy, whatever it can still read. The read is checked on every
// call; the write at most once per WriteCheckFor while it passes.
func (s *Server) healthCheck(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Warn("health check: the database does not answer", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if now := s.cfg.Now(); !s.wrote.fresh(now) {
		if err := s.st.CheckWrite(ctx); err != nil {
			s.log.Warn("health check: the database does not commit writes", "err", err)
			http.Error(w, "database cannot save: writes fail", http.StatusServiceUnavailable)
			return
		}
		s.wrote.pass(now)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}
