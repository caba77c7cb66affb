package training

import (
	"context"

	"parley/engine"
)

// Held is what a trainee's cohorts hold them to, per scenario: the marks
// the briefing announces, the debrief and the trainee's lists apply, so
// that what a trainee is told before a call is what they are scored
// against after it. A cohort's own review and report use that cohort's
// marks alone (Progress, ReportRows).
type Held map[string]HeldMarks

// Of is what the trainee is held to on the scenario.
func (h Held) Of(scenarioID string) HeldMarks { return h[scenarioID] }

// HeldMarks are the pass marks one trainee is held to on one scenario. An
// assignment of the scenario holds each competency to the mark it sets,
// else to the scenario's own; with several assignments the strictest
// holds. With none, the scenario's marks hold. The zero value holds to the
// scenario's marks.
type HeldMarks struct {
	assignments int                 // assignments of the scenario
	set         map[string]heldMark // competency → the strictest mark an assignment sets
}

// heldMark is the strictest mark assignments set on one competency, the
// cohort whose assignment set it, and how many assignments set one.
type heldMark struct {
	pass   int
	cohort string
	count  int
}

// Pass is the mark held in a competency whose scenario mark is scenario,
// and the cohort that set it: "" when it is the scenario's own.
func (h HeldMarks) Pass(competency string, scenario int) (int, string) {
	m, ok := h.set[competency]
	if !ok || (m.count < h.assignments && scenario >= m.pass) {
		return scenario, ""
	}
	return m.pass, m.cohort
}

// Apply holds scores to the marks: each score's Pass becomes the mark held
// and Passed follows it (a reply that broke the competency outright still
// fails it). It returns which cohort set each mark that is not the
// scenario's, or nil.
func (h HeldMarks) Apply(scores []engine.Score) map[string]string {
	var from map[string]string
	for i := range scores {
		s := &scores[i]
		pass, cohort := h.Pass(s.Competency, s.Pass)
		if pass == s.Pass && cohort == "" {
			continue
		}
		s.Pass = pass
		s.Passed = s.Score >= pass && len(s.BlockedBy) == 0
		if cohort != "" {
			if from == nil {
				from = map[string]string{}
			}
			from[s.Competency] = cohort
		}
	}
	return from
}

// Held reads what the user's cohorts hold them to, on every scenario any
// of them assigns.
func (s *Service) Held(ctx context.Context, userID string) (Held, error) {
	cohorts, err := s.st.CohortsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	held := Held{}
	for _, co := range cohorts {
		assigned, err := s.st.Assignments(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		for _, as := range assigned {
			h := held[as.ScenarioID]
			h.assignments++
			for comp, pass := range as.PassMarks {
				if h.set == nil {
					h.set = map[string]heldMark{}
				}
				m, seen := h.set[comp]
				if !seen || pass > m.pass {
					m.pass, m.cohort = pass, co.Name
				}
				m.count++
				h.set[comp] = m
			}
			held[as.ScenarioID] = h
		}
	}
	return held, nil
}
