package webui

import (
	"net/http"
	"parley/webui/training"
	"time"
)

// The manager's routes: cohorts, their members and assignments, and the
// review. The core applies the policy (managers: their cohorts; admins:
// all); the route table lets only managers and admins in.

// assignmentViewOf describes an assignment with its scenario's title and
// the pass marks in effect.
func (s *Server) assignmentViewOf(a training.Assignment) assignmentView {
	v := assignmentView{Scenario: a.ScenarioID, Title: a.ScenarioID, Marks: []markView{}, AssignedAt: a.AssignedAt.UTC()}
	if !a.Due.IsZero() {
		t := a.Due.UTC()
		v.Due = &t
	}
	if sc, ok := s.cat.Current(a.ScenarioID); ok {
		v.Title, v.Offered = sc.Title, true
		for _, c := range sc.Competencies {
			m := markView{Competency: c.ID, Label: c.Label, Pass: c.Pass, Default: c.Pass}
			if p, ok := a.PassMarks[c.ID]; ok {
				m.Pass = p
			}
			v.Marks = append(v.Marks, m)
		}
	}
	return v
}

func (s *Server) cohortList(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	list, err := s.cohorts.List(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]cohortView, 0, len(list))
	for _, c := range list {
		out = append(out, newCohortView(c))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

type cohortCreateRequest struct {
	Name string `json:"name"`
}

func (s *Server) cohortCreate(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req cohortCreateRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.cohorts.Create(r.Context(), u, req.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/cohorts/"+c.ID)
	s.writeJSON(w, r, http.StatusCreated, newCohortView(c))
}

func (s *Server) cohortShow(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	d, err := s.cohorts.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := cohortDetailView{cohortView: newCohortView(d.Cohort), Managers: []personView{}, Members: []personView{}, Assignments: []assignmentView{}}
	for _, m := range d.Managers {
		v.Managers = append(v.Managers, newPersonView(m))
	}
	for _, m := range d.Members {
		p := newPersonView(m.Account)
		t := m.JoinedAt.UTC()
		p.JoinedAt = &t
		p.NewLink = training.MayRelink(u, m.Account)
		v.Members = append(v.Members, p)
	}
	for _, a := range d.Assignments {
		v.Assignments = append(v.Assignments, s.assignmentViewOf(a))
	}
	s.writeJSON(w, r, http.StatusOK, v)
}

type memberAddRequest struct {
	Username string `json:"username"`
	Name     string `json:"name"`
}

type memberAdded struct {
	Member  personView `json:"member"`
	New     bool       `json:"new"`
	Already bool       `json:"already"` // was in the cohort before: only a new link, if any
	Link    *linkView  `json:"link,omitempty"`
}

// cohortMemberAdd invites a trainee: a new account with a one-time link,
// or an existing one, added to the cohort.
func (s *Server) cohortMemberAdd(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req memberAddRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	inv, err := s.cohorts.Invite(r.Context(), u, r.PathValue("id"), req.Username, req.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := memberAdded{Member: newPersonView(inv.Account), New: inv.New, Already: inv.Already}
	if inv.Token != "" {
		l := s.newLinkView(r, string(training.LinkInvite), inv.Account.Username, inv.Account.DisplayName, inv.Token, inv.Expires)
		out.Link = &l
	}
	s.writeJSON(w, r, http.StatusCreated, out)
}

// cohortMemberLink makes a new invitation link for a member who has not
// chosen a password yet; the link they had stops working.
func (s *Server) cohortMemberLink(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	inv, err := s.cohorts.NewInviteLink(r.Context(), u, r.PathValue("id"), r.PathValue("user"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, s.newLinkView(r, string(training.LinkInvite), inv.Account.Username, inv.Account.DisplayName, inv.Token, inv.Expires))
}

func (s *Server) cohortMemberRemove(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	if err := s.cohorts.RemoveMember(r.Context(), u, r.PathValue("id"), r.PathValue("user")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type managerAddRequest struct {
	Username string `json:"username"`
}

func (s *Server) cohortManagerAdd(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req managerAddRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.cohorts.AddManager(r.Context(), u, r.PathValue("id"), req.Username)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newPersonView(acc))
}

type assignRequest struct {
	Due       *time.Time     `json:"due"`
	PassMarks map[string]int `json:"pass_marks"`
}

// cohortAssign assigns a scenario to a cohort, or changes its due date and
// pass marks.
func (s *Server) cohortAssign(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req assignRequest
	if err := readJSONUpTo(w, r, &req, maxLongBody); err != nil {
		s.writeError(w, r, err)
		return
	}
	var due time.Time
	if req.Due != nil {
		due = *req.Due
	}
	a, err := s.cohorts.Assign(r.Context(), u, r.PathValue("id"), r.PathValue("scenario"), due, req.PassMarks)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, s.assignmentViewOf(a))
}

func (s *Server) cohortUnassign(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	if err := s.cohorts.Unassign(r.Context(), u, r.PathValue("id"), r.PathValue("scenario")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cohortReview answers the cohort view: trainees × assignments.
func (s *Server) cohortReview(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	rev, err := s.cohorts.Review(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := reviewView{Cohort: newCohortView(rev.Detail.Cohort), Assignments: []assignmentView{}, Rows: []reviewRowView{},
		Averages: []averageView{}, TooFastTurn: int(training.TooFastPerTurn / time.Second)}
	for _, a := range rev.Detail.Assignments {
		v.Assignments = append(v.Assignments, s.assignmentViewOf(a))
	}
	for _, row := range rev.Rows {
		rv := reviewRowView{Trainee: newPersonView(row.Member.Account), Cells: []progressView{}}
		for _, c := range row.Cells {
			rv.Cells = append(rv.Cells, newProgressView(c))
		}
		v.Rows = append(v.Rows, rv)
	}
	for _, a := range rev.Averages {
		av := averageView{Scenario: a.ScenarioID, Members: a.Members, Started: a.Started, Passed: a.Passed, TooFastRuns: a.TooFastRuns,
			Competency: []competencyAverageView{}}
		for _, c := range a.Competency {
			av.Competency = append(av.Competency, competencyAverageView(c))
		}
		v.Averages = append(v.Averages, av)
	}
	s.writeJSON(w, r, http.StatusOK, v)
}

// assignmentList answers the caller's assignments, earliest due first.
func (s *Server) assignmentList(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	list, err := s.cohorts.Mine(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]myAssignmentView, 0, len(list))
	for _, m := range list {
		out = append(out, myAssignmentView{Cohort: newCohortView(m.Cohort), Assignment: s.assignmentViewOf(m.Progress.Assignment),
			Progress: newProgressView(m.Progress)})
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// cohortHeatmap answers what the cohort chose at each node of a scenario.
func (s *Server) cohortHeatmap(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	h, err := s.cohorts.Heatmap(r.Context(), u, r.PathValue("id"), r.PathValue("scenario"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newHeatmapView(h))
}
