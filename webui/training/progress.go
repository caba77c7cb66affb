package training

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The status of a trainee on an assignment.
const (
	ProgressNotStarted = "not_started" // no scored attempt yet
	ProgressInProgress = "in_progress" // an attempt is active, none has passed
	ProgressNotPassed  = "not_passed"  // attempts ended, none passed every competency
	ProgressPassed     = "passed"      // a finished attempt passed every competency
)

// CompetencyResult is one competency of a trainee on an assignment: the
// best and the latest score of their ended scored attempts, against the
// assignment's pass mark. A competency failed outright by a reply
// (engine.Score.BlockedBy) does not pass whatever its score.
type CompetencyResult struct {
	Competency   string
	Label        string
	Pass         int // the mark in effect: the assignment's, else the scenario's
	First        int // the first ended attempt's score: Latest - First is the change
	Best         int
	BestPassed   bool
	Latest       int
	LatestPassed bool
}

// Progress is a trainee on one assignment.
type Progress struct {
	Assignment Assignment
	Status     string
	Attempts   int // scored attempts, ended or active
	Results    []CompetencyResult
	LastPlayed time.Time // zero when never
	Overdue    bool      // past the due date and not passed
	TimeOnTask time.Duration
	// TooFast counts ended attempts played faster than TooFastPerTurn a
	// turn on average: too fast for the client's lines to have been read.
	TooFast int
	// LatestAttempt is the scored attempt that ended last, and
	// ActiveAttempt the one being played: "" when there is none. A
	// reviewer opens the one's debrief and watches the other.
	LatestAttempt, ActiveAttempt string
}

// TooFastPerTurn is the least time a turn takes when its lines are read:
// the client's lines arrive at typing pace, and a considered reply takes a
// few seconds more.
const TooFastPerTurn = 4 * time.Second

// ProgressOf is a trainee's progress on an assignment, from their attempts
// (any order; practice runs and other scenarios' attempts are ignored).
// Scores come from each ended attempt's stored summary.
func ProgressOf(a Assignment, attempts []Attempt, now time.Time) Progress {
	p := Progress{Assignment: a, Status: ProgressNotStarted}
	var latestEnd, firstEnd, lastEnded time.Time
	byComp := map[string]*CompetencyResult{}
	active, passedOnce := false, false
	for _, at := range attempts {
		if at.ScenarioID != a.ScenarioID || at.IsPractice() {
			continue
		}
		p.Attempts++
		if at.UpdatedAt.After(p.LastPlayed) {
			p.LastPlayed = at.UpdatedAt
		}
		end := at.EndedAt
		if at.Status == StatusActive {
			end = at.UpdatedAt
		}
		if d := end.Sub(at.StartedAt); d > 0 {
			p.TimeOnTask += d
		}
		if at.Status == StatusActive {
			active = true
			p.ActiveAttempt = at.ID
			continue
		}
		if p.LatestAttempt == "" || at.EndedAt.After(lastEnded) {
			p.LatestAttempt, lastEnded = at.ID, at.EndedAt
		}
		if at.Turns > 0 && at.EndedAt.Sub(at.StartedAt) < time.Duration(at.Turns)*TooFastPerTurn {
			p.TooFast++
		}
		scores, err := DecodeScores(at.Summary)
		if err != nil || len(scores) == 0 {
			continue // an attempt abandoned before any scores were kept
		}
		latest := at.EndedAt.After(latestEnd)
		if latest {
			latestEnd = at.EndedAt
		}
		first := firstEnd.IsZero() || at.EndedAt.Before(firstEnd)
		if first {
			firstEnd = at.EndedAt
		}
		all := at.Status == StatusFinished
		for _, s := range scores {
			r := byComp[s.Competency]
			if r == nil {
				r = &CompetencyResult{Competency: s.Competency, Label: s.Label, Pass: s.Pass, Best: -1}
				if m, ok := a.PassMarks[s.Competency]; ok {
					r.Pass = m
				}
				byComp[s.Competency] = r
			}
			passed := s.Score >= r.Pass && len(s.BlockedBy) == 0
			if s.Score > r.Best || (s.Score == r.Best && passed) {
				r.Best, r.BestPassed = s.Score, passed
			}
			if latest {
				r.Latest, r.LatestPassed = s.Score, passed
			}
			if first {
				r.First = s.Score
			}
			all = all && passed
		}
		passedOnce = passedOnce || all
	}
	for _, s := range orderedCompetencies(attempts, a.ScenarioID) {
		if r := byComp[s]; r != nil {
			p.Results = append(p.Results, *r)
		}
	}
	switch {
	case passedOnce:
		p.Status = ProgressPassed
	case active:
		p.Status = ProgressInProgress
	case p.Attempts > 0:
		p.Status = ProgressNotPassed
	}
	p.Overdue = !a.Due.IsZero() && now.After(a.Due) && p.Status != ProgressPassed
	return p
}

// orderedCompetencies lists the competencies of a scenario's attempts in
// the order their scores give them, first seen first.
func orderedCompetencies(attempts []Attempt, scenarioID string) []string {
	var out []string
	seen := map[string]bool{}
	for _, at := range attempts {
		if at.ScenarioID != scenarioID || at.IsPractice() || at.Status == StatusActive {
			continue
		}
		scores, err := DecodeScores(at.Summary)
		if err != nil {
			continue
		}
		for _, s := range scores {
			if !seen[s.Competency] {
				seen[s.Competency] = true
				out = append(out, s.Competency)
			}
		}
	}
	return out
}

// MyAssignment is an assignment as its trainee sees it: which cohort, and
// how they are doing.
type MyAssignment struct {
	Cohort   Cohort
	Progress Progress
}

// Mine lists u's assignments from every cohort they are in, earliest due
// first (those without a due date last), with their progress.
func (c *Cohorts) Mine(ctx context.Context, u User) ([]MyAssignment, error) {
	cohorts, err := c.st.CohortsOf(ctx, u.ID)
	if err != nil || len(cohorts) == 0 {
		return nil, err
	}
	attempts, err := c.st.AttemptsByUser(ctx, u.ID, 0)
	if err != nil {
		return nil, err
	}
	now := c.now()
	var out []MyAssignment
	for _, co := range cohorts {
		as, err := c.st.Assignments(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out = append(out, MyAssignment{Cohort: co, Progress: ProgressOf(a, attempts, now)})
		}
	}
	sortByDue(out)
	return out, nil
}

// sortByDue orders assignments earliest due first, those without a due
// date last, then by scenario.
func sortByDue(as []MyAssignment) {
	slices.SortStableFunc(as, func(x, y MyAssignment) int {
		a, b := x.Progress.Assignment, y.Progress.Assignment
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return strings.Compare(a.ScenarioID, b.ScenarioID)
	})
}

// Review is a manager's view of a cohort: each member's progress on each
// assignment, and the cohort's average per competency of each assignment.
type Review struct {
	Detail CohortDetail
	Rows   []ReviewRow
	// Averages holds, per assignment (in Detail.Assignments' order), the
	// mean of the members' best scores per competency, over the members
	// with a scored attempt; and how many of them passed.
	Averages []AssignmentAverage
}

// ReviewRow is one member across the cohort's assignments (in
// Detail.Assignments' order).
type ReviewRow struct {
	Member Member
	Cells  []Progress
}

// AssignmentAverage is the cohort on one assignment.
type AssignmentAverage struct {
	ScenarioID  string
	Competency  []CompetencyAverage
	Started     int // members with at least one scored attempt
	Passed      int // members who passed
	Members     int
	TooFastRuns int
}

// CompetencyAverage is the cohort's mean best score on one competency.
type CompetencyAverage struct {
	Competency string
	Label      string
	Mean       float64
	Pass       int
	Scored     int // members it averages over
}

// Review reads one of u's cohorts for review.
func (c *Cohorts) Review(ctx context.Context, u User, cohortID string) (Review, error) {
	d, err := c.Get(ctx, u, cohortID)
	if err != nil {
		return Review{}, err
	}
	r := Review{Detail: d}
	now := c.now()
	for _, m := range d.Members {
		attempts, err := c.st.AttemptsByUser(ctx, m.Account.ID, 0)
		if err != nil {
			return Review{}, err
		}
		row := ReviewRow{Member: m}
		for _, a := range d.Assignments {
			row.Cells = append(row.Cells, ProgressOf(a, attempts, now))
		}
		r.Rows = append(r.Rows, row)
	}
	for i, a := range d.Assignments {
		r.Averages = append(r.Averages, averageOf(a.ScenarioID, r.Rows, i))
	}
	return r, nil
}

// averageOf is the cohort on assignment i.
func averageOf(scenarioID string, rows []ReviewRow, i int) AssignmentAverage {
	avg := AssignmentAverage{ScenarioID: scenarioID, Members: len(rows)}
	sums := map[string]*CompetencyAverage{}
	for _, row := range rows {
		p := row.Cells[i]
		if p.Attempts > 0 {
			avg.Started++
		}
		if p.Status == ProgressPassed {
			avg.Passed++
		}
		avg.TooFastRuns += p.TooFast
		for _, res := range p.Results {
			ca := sums[res.Competency]
			if ca == nil {
				ca = &CompetencyAverage{Competency: res.Competency, Label: res.Label, Pass: res.Pass}
				sums[res.Competency] = ca
				avg.Competency = append(avg.Competency, CompetencyAverage{Competency: res.Competency})
			}
			ca.Mean += float64(res.Best)
			ca.Scored++
		}
	}
	for k, ca := range avg.Competency {
		s := sums[ca.Competency]
		s.Mean /= float64(max(s.Scored, 1))
		avg.Competency[k] = *s
	}
	return avg
}
