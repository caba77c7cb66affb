package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Cohort is a cohort in a list (GET /api/cohorts).
type Cohort struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Person is a cohort's manager or member.
type Person struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	Name        string     `json:"name"`
	HasPassword bool       `json:"has_password"`
	Disabled    bool       `json:"disabled,omitempty"`
	JoinedAt    *time.Time `json:"joined_at,omitempty"`
	NewLink     bool       `json:"new_link,omitempty"` // a member the caller may make a new invitation link for
}

// Mark is a competency of an assigned scenario and its pass mark in the
// assignment (Default: the scenario's).
type Mark struct {
	Competency string `json:"competency"`
	Label      string `json:"label"`
	Pass       int    `json:"pass"`
	Default    int    `json:"default"`
}

// Assignment is a scenario assigned to a cohort.
type Assignment struct {
	Scenario   string     `json:"scenario"`
	Title      string     `json:"title"`
	Offered    bool       `json:"offered"`
	Due        *time.Time `json:"due,omitempty"`
	Marks      []Mark     `json:"marks"`
	AssignedAt time.Time  `json:"assigned_at"`
}

// CohortDetail is GET /api/cohorts/{id}.
type CohortDetail struct {
	Cohort
	Managers    []Person     `json:"managers"`
	Members     []Person     `json:"members"`
	Assignments []Assignment `json:"assignments"`
}

// MemberAdded answers POST /api/cohorts/{id}/members.
type MemberAdded struct {
	Member  Person `json:"member"`
	New     bool   `json:"new"`
	Already bool   `json:"already"` // was in the cohort before
	Link    *Link  `json:"link,omitempty"`
}

// Result is one competency of a trainee on an assignment.
type Result struct {
	Competency   string `json:"competency"`
	Label        string `json:"label"`
	Pass         int    `json:"pass"`
	First        int    `json:"first"`
	Best         int    `json:"best"`
	BestPassed   bool   `json:"best_passed"`
	Latest       int    `json:"latest"`
	LatestPassed bool   `json:"latest_passed"`
}

// Progress is a trainee on an assignment.
type Progress struct {
	Status     string     `json:"status"` // not_started, in_progress, not_passed, passed
	Attempts   int        `json:"attempts"`
	Results    []Result   `json:"results"`
	LastPlayed *time.Time `json:"last_played,omitempty"`
	Overdue    bool       `json:"overdue"`
	TimeOnTask int64      `json:"time_on_task_seconds"`
	TooFast    int        `json:"too_fast"`
	Latest     string     `json:"latest_attempt,omitempty"` // the scored attempt that ended last
	Active     string     `json:"active_attempt,omitempty"` // the scored attempt being played
}

// MyAssignment is one of the caller's assignments (GET /api/assignments).
type MyAssignment struct {
	Cohort     Cohort     `json:"cohort"`
	Assignment Assignment `json:"assignment"`
	Progress   Progress   `json:"progress"`
}

// Review is GET /api/cohorts/{id}/review: trainees × assignments.
type Review struct {
	Cohort      Cohort       `json:"cohort"`
	Assignments []Assignment `json:"assignments"`
	Rows        []ReviewRow  `json:"rows"`
	Averages    []Average    `json:"averages"`
	TooFastTurn int          `json:"too_fast_seconds_per_turn"`
}

// ReviewRow is one trainee across the assignments, in their order.
type ReviewRow struct {
	Trainee Person     `json:"trainee"`
	Cells   []Progress `json:"cells"`
}

// Average is the cohort on one assignment.
type Average struct {
	Scenario    string              `json:"scenario"`
	Members     int                 `json:"members"`
	Started     int                 `json:"started"`
	Passed      int                 `json:"passed"`
	TooFastRuns int                 `json:"too_fast_runs"`
	Competency  []CompetencyAverage `json:"competencies"`
}

// CompetencyAverage is the cohort's mean best score on one competency.
type CompetencyAverage struct {
	Competency string  `json:"competency"`
	Label      string  `json:"label"`
	Mean       float64 `json:"mean"`
	Pass       int     `json:"pass"`
	Scored     int     `json:"scored"`
}

// CreateCohort makes a cohort the session's manager runs.
func (s *Session) CreateCohort(ctx context.Context, name string) (Cohort, error) {
	var c Cohort
	err := s.call(ctx, http.MethodPost, "/api/cohorts", map[string]string{"name": name}, http.StatusCreated, &c)
	return c, err
}

// Cohort reads one of the session's cohorts.
func (s *Session) Cohort(ctx context.Context, id string) (CohortDetail, error) {
	var d CohortDetail
	err := s.call(ctx, http.MethodGet, "/api/cohorts/"+url.PathEscape(id), nil, http.StatusOK, &d)
	return d, err
}

// Invite adds a trainee to a cohort by username (or email).
func (s *Session) Invite(ctx context.Context, cohortID, username, name string) (MemberAdded, error) {
	var m MemberAdded
	err := s.call(ctx, http.MethodPost, "/api/cohorts/"+url.PathEscape(cohortID)+"/members",
		map[string]string{"username": username, "name": name}, http.StatusCreated, &m)
	return m, err
}

// NewInviteLink makes a new invitation link for a member of a cohort who
// has not chosen a password yet; their earlier link stops working.
func (s *Session) NewInviteLink(ctx context.Context, cohortID, userID string) (Link, error) {
	var l Link
	err := s.call(ctx, http.MethodPost, "/api/cohorts/"+url.PathEscape(cohortID)+"/members/"+url.PathEscape(userID)+"/link",
		nil, http.StatusCreated, &l)
	return l, err
}

// Assign assigns a scenario to a cohort, with an optional due date and
// pass marks that override the scenario's.
func (s *Session) Assign(ctx context.Context, cohortID, scenario string, due *time.Time, marks map[string]int) (Assignment, error) {
	var a Assignment
	err := s.call(ctx, http.MethodPut, "/api/cohorts/"+url.PathEscape(cohortID)+"/assignments/"+url.PathEscape(scenario),
		map[string]any{"due": due, "pass_marks": marks}, http.StatusOK, &a)
	return a, err
}

// Review reads the cohort view of one of the session's cohorts.
func (s *Session) Review(ctx context.Context, cohortID string) (Review, error) {
	var r Review
	err := s.call(ctx, http.MethodGet, "/api/cohorts/"+url.PathEscape(cohortID)+"/review", nil, http.StatusOK, &r)
	return r, err
}

// Assignments lists the session's own assignments.
func (s *Session) Assignments(ctx context.Context) ([]MyAssignment, error) {
	var list []MyAssignment
	err := s.call(ctx, http.MethodGet, "/api/assignments", nil, http.StatusOK, &list)
	return list, err
}

// Comment is a reviewer's comment on a turn of an attempt (turn 0: the
// whole call).
type Comment struct {
	ID        string    `json:"id"`
	Turn      int       `json:"turn"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Comments lists the comments on an attempt the session may read.
func (s *Session) Comments(ctx context.Context, attemptID string) ([]Comment, error) {
	var list []Comment
	err := s.call(ctx, http.MethodGet, "/api/attempts/"+url.PathEscape(attemptID)+"/comments", nil, http.StatusOK, &list)
	return list, err
}

// Comment adds a reviewer's comment to a turn of an attempt.
func (s *Session) Comment(ctx context.Context, attemptID string, turn int, body string) (Comment, error) {
	var c Comment
	err := s.call(ctx, http.MethodPost, "/api/attempts/"+url.PathEscape(attemptID)+"/comments",
		map[string]any{"turn": turn, "body": body}, http.StatusCreated, &c)
	return c, err
}

// Share lets a manager or trainer read one of the session's ended attempts.
func (s *Session) Share(ctx context.Context, attemptID, username string) error {
	return s.call(ctx, http.MethodPost, "/api/attempts/"+url.PathEscape(attemptID)+"/shares",
		map[string]string{"username": username}, http.StatusOK, nil)
}

// TraineeAttempts lists the newest page (up to 100) of a trainee's
// attempts for their reviewer.
func (s *Session) TraineeAttempts(ctx context.Context, userID string) ([]AttemptItem, error) {
	var list []AttemptItem
	err := s.call(ctx, http.MethodGet, "/api/trainees/"+url.PathEscape(userID)+"/attempts", nil, http.StatusOK, &list)
	return list, err
}

// Heatmap is what a cohort chose at each node of a scenario
// (GET /api/cohorts/{id}/scenarios/{scenario}/heatmap).
type Heatmap struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title"`
	Start    string `json:"start"`
	Attempts int    `json:"attempts"`
	Nodes    []struct {
		Node    string `json:"node"`
		Line    string `json:"line"`
		Visits  int    `json:"visits"`
		Replies []struct {
			Reply   string   `json:"reply"`
			Text    string   `json:"text"`
			Next    []string `json:"next"`
			Chosen  int      `json:"chosen"`
			Lost    int      `json:"points_lost"`
			Gained  int      `json:"points_gained"`
			Verdict string   `json:"verdict,omitempty"`
		} `json:"replies"`
	} `json:"nodes"`
	Endings []struct {
		Ending  string `json:"ending"`
		Title   string `json:"title"`
		Outcome string `json:"outcome"`
		Success bool   `json:"success"`
		Reached int    `json:"reached"`
	} `json:"endings"`
	Stopped []struct {
		Node    string `json:"node"`
		Stopped int    `json:"stopped"`
	} `json:"stopped"`
}

// Heatmap reads what one of the session's cohorts chose in a scenario.
func (s *Session) Heatmap(ctx context.Context, cohortID, scenario string) (Heatmap, error) {
	var h Heatmap
	err := s.call(ctx, http.MethodGet, "/api/cohorts/"+url.PathEscape(cohortID)+"/scenarios/"+url.PathEscape(scenario)+"/heatmap", nil, http.StatusOK, &h)
	return h, err
}
