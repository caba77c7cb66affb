package webui

import "net/http"

// scenarioList lists the scenarios on offer.
func (s *Server) scenarioList(w http.ResponseWriter, r *http.Request) {
	out := make([]scenarioSummary, 0, len(s.cat.list))
	for _, sc := range s.cat.list {
		out = append(out, summarize(sc.Compiled))
	}
	writeJSON(w, http.StatusOK, out)
}
