package webui

import (
	"net/http"

	"parley/engine"
)

type debriefResponse struct {
	Attempt  attemptItem    `json:"attempt"`
	Scenario scenarioDetail `json:"scenario"`
	Debrief  engine.Debrief `json:"debrief"`
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
	out, err := s.svc.Debrief(r.Context(), u.trainee(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := out.Debrief
	d.Opening, d.Turns, d.Scores = nonNil(d.Opening), nonNil(d.Turns), nonNil(d.Scores)
	writeJSON(w, http.StatusOK, debriefResponse{Attempt: listItem(out.Attempt, out.Scenario.Title), Scenario: detail(out.Scenario), Debrief: d})
}
