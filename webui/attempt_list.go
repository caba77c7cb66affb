package webui

import "net/http"

// attemptList lists the caller's attempts, most recently played first.
func (s *Server) attemptList(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	as, err := s.svc.Attempts(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]attemptItem, 0, len(as))
	for _, a := range as {
		out = append(out, listItem(a.Attempt, a.Title))
	}
	writeJSON(w, http.StatusOK, out)
}
