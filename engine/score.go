package engine

import (
	"fmt"
	"math"
)

// Score is one competency's result.
type Score struct {
	Competency string   `json:"competency"`
	Label      string   `json:"label"`
	Points     int      `json:"points"`
	Best       int      `json:"best"`
	Score      int      `json:"score"` // 0-100: Points as a share of Best
	Pass       int      `json:"pass"`
	Passed     bool     `json:"passed"`
	BlockedBy  []string `json:"blocked_by,omitempty"` // "node/reply" that failed it outright
}

// Scores rates the session so far against the best each competency can
// reach in this scenario.
func (s *Session) Scores() []Score {
	a := s.sc.Analysis()
	out := make([]Score, len(s.sc.Competencies))
	for i, c := range s.sc.Competencies {
		sc := Score{Competency: c.ID, Label: c.Label, Points: s.points[i], Best: a.Best[i], Pass: c.Pass,
			BlockedBy: append([]string(nil), s.blocked[i]...)}
		sc.Score = percent(sc.Points, sc.Best)
		sc.Passed = sc.Score >= sc.Pass && len(sc.BlockedBy) == 0
		out[i] = sc
	}
	return out
}

// percent is points as a share of best, rounded, within 0-100. A
// competency no reply can score is 100 unless points were lost.
func percent(points, best int) int {
	if best <= 0 {
		if points >= 0 {
			return 100
		}
		return 0
	}
	p := math.Round(100 * float64(points) / float64(best))
	return int(math.Max(0, math.Min(100, p)))
}

// Debrief is the whole attempt, turn by turn, for the trainee.
type Debrief struct {
	Scenario string        `json:"scenario"`
	Ending   *EndingInfo   `json:"ending,omitempty"`
	Scores   []Score       `json:"scores"`
	Opening  []string      `json:"opening"`
	Mood     []MoodReading `json:"mood_start"`
	Turns    []TurnReview  `json:"turns"`
	LeftAt   int           `json:"left_ideal_at,omitempty"` // first turn off the ideal path; 0 if never
}

// TurnReview is one turn of the debrief.
type TurnReview struct {
	Outcome
	Ideal   *Choice       `json:"ideal,omitempty"` // the best reply here, when the trainee chose another
	OnIdeal bool          `json:"on_ideal"`
	MoodNow []MoodReading `json:"mood_after"`
}

// Debrief replays the saved state's history from its seed and reviews every
// turn against the ideal reply.
func (sc *Scenario) Debrief(st State) (Debrief, error) {
	if st.Scenario != sc.ID || st.Version != sc.Version {
		return Debrief{}, fmt.Errorf("debrief: state is for %s@%.12s: %w", st.Scenario, st.Version, ErrBadState)
	}
	a := sc.Analysis()
	s := sc.Start(st.Seed)
	d := Debrief{Scenario: sc.ID, Opening: s.Lines(), Mood: s.Mood()}
	for _, step := range st.History {
		ideal, known := a.IdealReply(s)
		o, err := s.Choose(step.Reply)
		if err != nil {
			return Debrief{}, fmt.Errorf("debrief: turn %d: %w", len(d.Turns)+1, err)
		}
		t := TurnReview{Outcome: o, OnIdeal: !known || ideal.ID == step.Reply, MoodNow: s.Mood()}
		if known && !t.OnIdeal {
			t.Ideal = &ideal
			if d.LeftAt == 0 {
				d.LeftAt = o.Turn
			}
		}
		d.Turns = append(d.Turns, t)
	}
	d.Ending, d.Scores = s.Ending(), s.Scores()
	return d, nil
}
