package webui

import (
	"context"
	"net/http"
	"time"
)

// healthCheck answers 200 when the database answers a read and commits a
// write, 503 otherwise: an instance that cannot save a trainee's reply is
// not healthy, whatever it can still read.
func (s *Server) healthCheck(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Warn("health check: the database does not answer", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if err := s.st.CheckWrite(ctx); err != nil {
		s.log.Warn("health check: the database does not commit writes", "err", err)
		http.Error(w, "database cannot save: writes fail", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}
