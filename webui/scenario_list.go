package webui

import "net/http"

// scenarioList lists the scenarios on offer.
func (s *Server) scenarioList(w http.ResponseWriter, r *http.Request) {
	list := s.cat.List()
	out := make([]scenarioSummary, 0, len(list))
	for _, sc := range list {
		out = append(out, summarize(sc.Compiled))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}
