package webui

import "net/http"

// attemptShow answers one of the caller's attempts as a snapshot, the same
// the websocket sends on resume.
func (s *Server) attemptShow(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, viewSnapshot(snap, 0))
}
