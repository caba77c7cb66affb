package webui

import (
	"net/http"
	"parley/webui/training"
)

// MaxActivePracticeRuns caps the practice runs one trainee may have active
// at once: training.MaxActivePracticeRuns.
const MaxActivePracticeRuns = training.MaxActivePracticeRuns

type practiceRequest struct {
	Turn int `json:"turn"`
}

// attemptPractice starts a practice run from the state before one turn of
// one of the caller's ended attempts, and answers it as an item of the
// attempt list. The browser then plays it with resume, like any attempt.
func (s *Server) attemptPractice(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req practiceRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.svc.Practise(r.Context(), u, r.PathValue("id"), req.Turn)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	item := listItem(p.Attempt, p.Title, training.HeldMarks{}) // a practice run has no scores
	w.Header().Set("Location", "/api/attempts/"+item.ID)
	s.writeJSON(w, r, http.StatusCreated, item)
}
