package engine

import (
	"math"
)

// Score is one competency's result.
type Score struct {
	Competency  string   `json:"competency"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Points      int      `json:"points"`
	Best        int      `json:"best"`
	Score       int      `json:"score"` // 0-100: Points as a share of Best
	Pass        int      `json:"pass"`
	Passed      bool     `json:"passed"`
	BlockedBy   []string `json:"blocked_by,omitempty"` // "node/reply" that failed it outright
}

// Scores rates the session so far against the best each competency can
// reach in this scenario.
func (s *Session) Scores() []Score {
	a := s.sc.Analysis()
	out := make([]Score, len(s.sc.Competencies))
	for i, c := range s.sc.Competencies {
		sc := Score{Competency: c.ID, Label: c.Label, Description: c.Description, Points: s.points[i], Best: a.Best[i], Pass: c.Pass,
			BlockedBy: s.sc.stepNames(s.blockedBy(i))}
		sc.Score = percent(sc.Points, sc.Best)
		sc.Passed = sc.Score >= sc.Pass && len(sc.BlockedBy) == 0
		out[i] = sc
	}
	return out
}

// stepNames names each reply as "node/reply"; nil for none.
func (sc *Scenario) stepNames(refs []stepRef) []string {
	if len(refs) == 0 {
		return nil
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		st := sc.step(r)
		out[i] = st.Node + "/" + st.Reply
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
