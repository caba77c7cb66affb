package webui

import (
	"parley/webui/training"
	"time"
)

// cohortView is a cohort in a list.
type cohortView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func newCohortView(c training.Cohort) cohortView {
	return cohortView{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt.UTC()}
}

// personView is someone in a cohort: a manager or a member.
type personView struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	Name        string     `json:"name"`
	HasPassword bool       `json:"has_password"`
	Disabled    bool       `json:"disabled,omitempty"`
	JoinedAt    *time.Time `json:"joined_at,omitempty"`
	NewLink     bool       `json:"new_link,omitempty"` // a member the caller may make a new invitation link for
}

func newPersonView(a training.Account) personView {
	return personView{ID: a.ID, Username: a.Username, Name: a.DisplayName, HasPassword: a.PasswordHash != "", Disabled: a.Disabled}
}

// markView is a competency of an assigned scenario and its pass mark in
// the assignment: the assignment's own, or the scenario's.
type markView struct {
	Competency string `json:"competency"`
	Label      string `json:"label"`
	Pass       int    `json:"pass"`
	Default    int    `json:"default"` // the scenario's
}

// assignmentView is a scenario assigned to a cohort.
type assignmentView struct {
	Scenario   string     `json:"scenario"`
	Title      string     `json:"title"`
	Offered    bool       `json:"offered"` // false once the scenario is withdrawn
	Due        *time.Time `json:"due,omitempty"`
	Marks      []markView `json:"marks"`
	AssignedAt time.Time  `json:"assigned_at"`
}

// cohortDetailView is GET /api/cohorts/{id}.
type cohortDetailView struct {
	cohortView
	Managers    []personView     `json:"managers"`
	Members     []personView     `json:"members"`
	Assignments []assignmentView `json:"assignments"`
}

// resultView is one competency of a trainee on an assignment.
type resultView struct {
	Competency   string `json:"competency"`
	Label        string `json:"label"`
	Pass         int    `json:"pass"`
	First        int    `json:"first"`
	Best         int    `json:"best"`
	BestPassed   bool   `json:"best_passed"`
	Latest       int    `json:"latest"`
	LatestPassed bool   `json:"latest_passed"`
}

// progressView is a trainee on an assignment.
type progressView struct {
	Status     string       `json:"status"`
	Attempts   int          `json:"attempts"`
	Results    []resultView `json:"results"`
	LastPlayed *time.Time   `json:"last_played,omitempty"`
	Overdue    bool         `json:"overdue"`
	TimeOnTask int64        `json:"time_on_task_seconds"`
	TooFast    int          `json:"too_fast"`
	Latest     string       `json:"latest_attempt,omitempty"` // the scored attempt that ended last
	Active     string       `json:"active_attempt,omitempty"` // the scored attempt being played
}

func newProgressView(p training.Progress) progressView {
	v := progressView{Status: p.Status, Attempts: p.Attempts, Results: []resultView{}, Overdue: p.Overdue,
		TimeOnTask: int64(p.TimeOnTask / time.Second), TooFast: p.TooFast, Latest: p.LatestAttempt, Active: p.ActiveAttempt}
	if !p.LastPlayed.IsZero() {
		t := p.LastPlayed.UTC()
		v.LastPlayed = &t
	}
	for _, r := range p.Results {
		v.Results = append(v.Results, resultView(r))
	}
	return v
}

// myAssignmentView is one of the caller's assignments (GET /api/assignments).
type myAssignmentView struct {
	Cohort     cohortView     `json:"cohort"`
	Assignment assignmentView `json:"assignment"`
	Progress   progressView   `json:"progress"`
}

// reviewView is GET /api/cohorts/{id}/review.
type reviewView struct {
	Cohort      cohortView       `json:"cohort"`
	Assignments []assignmentView `json:"assignments"`
	Rows        []reviewRowView  `json:"rows"`
	Averages    []averageView    `json:"averages"`
	TooFastTurn int              `json:"too_fast_seconds_per_turn"`
}

type reviewRowView struct {
	Trainee personView     `json:"trainee"`
	Cells   []progressView `json:"cells"`
}

type averageView struct {
	Scenario    string                  `json:"scenario"`
	Members     int                     `json:"members"`
	Started     int                     `json:"started"`
	Passed      int                     `json:"passed"`
	TooFastRuns int                     `json:"too_fast_runs"`
	Competency  []competencyAverageView `json:"competencies"`
}

type competencyAverageView struct {
	Competency string  `json:"competency"`
	Label      string  `json:"label"`
	Mean       float64 `json:"mean"`
	Pass       int     `json:"pass"`
	Scored     int     `json:"scored"`
}

// heatmapView is GET /api/cohorts/{id}/scenarios/{scenario}/heatmap.
type heatmapView struct {
	Scenario string           `json:"scenario"`
	Title    string           `json:"title"`
	Start    string           `json:"start"`
	Attempts int              `json:"attempts"`
	Nodes    []nodeHeatView   `json:"nodes"`
	Endings  []endingHeatView `json:"endings"`
	Stopped  []stopHeatView   `json:"stopped"`
}

type nodeHeatView struct {
	Node    string          `json:"node"`
	Line    string          `json:"line"`
	Visits  int             `json:"visits"`
	Replies []replyHeatView `json:"replies"`
}

type replyHeatView struct {
	Reply   string   `json:"reply"`
	Text    string   `json:"text"`
	Next    []string `json:"next"`
	Chosen  int      `json:"chosen"`
	Lost    int      `json:"points_lost"`
	Gained  int      `json:"points_gained"`
	Verdict string   `json:"verdict,omitempty"`
}

type endingHeatView struct {
	Ending  string `json:"ending"`
	Title   string `json:"title"`
	Outcome string `json:"outcome"`
	Success bool   `json:"success"`
	Reached int    `json:"reached"`
}

type stopHeatView struct {
	Node    string `json:"node"`
	Stopped int    `json:"stopped"`
}

func newHeatmapView(h training.Heatmap) heatmapView {
	v := heatmapView{Scenario: h.ScenarioID, Title: h.Title, Start: h.Start, Attempts: h.Attempts,
		Nodes: []nodeHeatView{}, Endings: []endingHeatView{}, Stopped: []stopHeatView{}}
	for _, n := range h.Nodes {
		nv := nodeHeatView{Node: n.Node, Line: n.Line, Visits: n.Visits, Replies: []replyHeatView{}}
		for _, r := range n.Replies {
			next := r.Next
			if next == nil {
				next = []string{}
			}
			nv.Replies = append(nv.Replies, replyHeatView{Reply: r.Reply, Text: r.Text, Next: next, Chosen: r.Chosen, Lost: r.Lost, Gained: r.Gained, Verdict: r.Verdict})
		}
		v.Nodes = append(v.Nodes, nv)
	}
	for _, e := range h.Endings {
		v.Endings = append(v.Endings, endingHeatView(e))
	}
	for _, s := range h.Stopped {
		v.Stopped = append(v.Stopped, stopHeatView(s))
	}
	return v
}
