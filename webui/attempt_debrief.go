package webui

import "net/http"

type debriefResponse struct {
	Attempt  attemptItem    `json:"attempt"`
	Scenario scenarioDetail `json:"scenario"`
	Debrief  debriefView    `json:"debrief"`
	// Own says whether the caller played the attempt: false for a reviewer
	// reading someone else's, whom the browser then shows the reviewer's page.
	Own bool `json:"own"`
	// Trainee names whose attempt it is, for a reviewer (absent when Own).
	Trainee *traineeRef `json:"trainee,omitempty"`
}

// attemptDebrief reviews an ended attempt turn by turn, on the scenario
// version it was played on. The scores come from the engine, never the
// browser.
func (s *Server) attemptDebrief(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.svc.Debrief(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := viewDebrief(out.Debrief)
	for i := range d.Scores {
		d.Scores[i].PassFrom = out.MarksFrom[d.Scores[i].Competency]
	}
	resp := debriefResponse{Attempt: listItem(out.Attempt, out.Scenario.Title, out.Held),
		Scenario: detail(out.Scenario), Debrief: d, Own: out.Attempt.UserID == u.ID}
	if !resp.Own && out.Trainee.ID != "" {
		resp.Trainee = &traineeRef{ID: out.Trainee.ID, Name: out.Trainee.DisplayName}
	}
	s.writeJSON(w, r, http.StatusOK, resp)
}
