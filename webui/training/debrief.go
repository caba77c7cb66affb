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
	// scenario's own (HeldMarks).
	MarksFrom map[string]string
	// Held is what the trainee is held to on the scenario, for showing the
	// attempt's summary the same way.
	Held HeldMarks
	// Trainee is whose attempt it is, for a reviewer reading someone
	// else's (the zero Account when the caller played it).
	Trainee Account
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
	held, err := s.Held(ctx, a.UserID)
	if err != nil {
		return Debrief{}, err
	}
	from := held.Of(a.ScenarioID).Apply(d.Scores)
	out := Debrief{Attempt: a, Scenario: sc, Debrief: d, MarksFrom: from, Held: held.Of(a.ScenarioID)}
	if a.UserID != u.ID {
		if out.Trainee, err = s.st.Account(ctx, a.UserID); err != nil {
			return Debrief{}, fmt.Errorf("the trainee of attempt %s: %w", id, err)
		}
	}
	return out, nil
}
