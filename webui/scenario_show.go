package webui

import (
	"net/http"
	"parley/webui/training"
)

// scenarioShow describes one scenario on offer, with its briefing.
func (s *Server) scenarioShow(w http.ResponseWriter, r *http.Request) {
	sc, ok := s.cat.Current(r.PathValue("id"))
	if !ok {
		s.writeError(w, r, fail(training.CodeNotFound, "there is no scenario %q", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, detail(sc))
}
