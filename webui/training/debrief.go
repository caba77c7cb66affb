package training

import (
	"context"
	"fmt"

	"parley/engine"
)

// Debrief is an ended attempt reviewed turn by turn, on the scenario
// version it was played on. The scores are the engine's.
type Debrief struct {
	Attempt  Attempt
	Scenario *engine.Scenario
	Debrief  engine.Debrief
	// MarksFrom names, per competency, the cohort whose assignment of the
	// scenario set the pass mark the scores are held to instead of the
	// scenario's own (cohortMarks).
	MarksFrom map[string]string
}

// Debrief reviews the ended attempt id: u's own, or one u may review (a
// manager's trainee's, or one shared with u).
func (s *Service) Debrief(ctx context.Context, u User, id string) (Debrief, error) {
	a, _, err := s.readable(ctx, u, id)
	if err != nil {
		return Debrief{}, err
	}
	if a.Status == StatusActive {
		return Debrief{}, Errorf(CodeNotActive, "attempt %q is still being played: finish it or give up first", id)
	}
	sc, st, err := s.playedOn(ctx, a)
	if err != nil {
		return Debrief{}, err
	}
	d, err := sc.Debrief(st)
	if err != nil {
		return Debrief{}, fmt.Errorf("debrief attempt %s: %w", id, err)
	}
	from, err := s.cohortMarks(ctx, a, d.Scores)
	if err != nil {
		return Debrief{}, err
	}
	return Debrief{Attempt: a, Scenario: sc, Debrief: d, MarksFrom: from}, nil
}

// cohortMarks holds scores to the pass marks the attempt's trainee is held
// to by their cohorts, as each cohort's review does: an assignment of the
// scenario holds a competency to its own mark where it sets one, else to
// the scenario's; with several assignments, the strictest holds. Passed
// follows the mark. It returns which cohort set each mark that is not the
// scenario's.
func (s *Service) cohortMarks(ctx context.Context, a Attempt, scores []engine.Score) (map[string]string, error) {
	cohorts, err := s.st.CohortsOf(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	var from map[string]string
	mark := map[string]int{} // competency → the strictest mark so far
	for _, co := range cohorts {
		assigned, err := s.st.Assignments(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		for _, as := range assigned {
			if as.ScenarioID != a.ScenarioID {
				continue
			}
			for _, sc := range scores {
				m, set := as.PassMarks[sc.Competency]
				if !set {
					m = sc.Pass // the scenario's
				}
				if old, seen := mark[sc.Competency]; seen && m <= old {
					continue
				}
				mark[sc.Competency] = m
				if from == nil {
					from = map[string]string{}
				}
				if set {
					from[sc.Competency] = co.Name
				} else {
					delete(from, sc.Competency)
				}
			}
		}
	}
	for i := range scores {
		sc := &scores[i]
		if m, ok := mark[sc.Competency]; ok {
			sc.Pass = m
			sc.Passed = sc.Score >= m && len(sc.BlockedBy) == 0
		}
	}
	if len(from) == 0 {
		from = nil
	}
	return from, nil
}
