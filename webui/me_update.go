package webui

import "net/http"

type meUpdateRequest struct {
	Name string `json:"name"`
}

// meUpdate sets the caller's display name, creating their identity if needed.
func (s *Server) meUpdate(w http.ResponseWriter, r *http.Request) {
	var req meUpdateRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.cfg.Identity.SetName(w, r, req.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
