package webui

import (
	"net/http"
	"parley/webui/training"
)

// scenarioShow describes one scenario on offer, with its briefing and the
// pass marks the caller's cohorts hold them to on it.
func (s *Server) scenarioShow(w http.ResponseWriter, r *http.Request) {
	sc, ok := s.cat.Current(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, fail(training.CodeNotFound, "there is no scenario %q", r.PathValue("id")))
		return
	}
	d := detail(sc)
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	held, err := s.svc.Held(r.Context(), u.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for i := range d.Competencies {
		c := &d.Competencies[i]
		if pass, from := held.Of(sc.ID).Pass(c.ID, c.Pass); from != "" {
			c.HeldPass, c.HeldFrom = &pass, from
		}
	}
	s.writeJSON(w, r, http.StatusOK, d)
}
