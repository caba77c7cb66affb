package training_test

import (
	"testing"
	"time"

	"parley/engine"
	"parley/webui/training"
)

// TestProgressOfAttempts: a trainee's progress names the scored attempt
// that ended last (whatever its scores) and the one being played, never a
// practice run or another scenario's attempt.
func TestProgressOfAttempts(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	at := func(id, scenario string, status training.Status, endMin int) training.Attempt {
		end := t0.Add(time.Duration(endMin) * time.Minute)
		a := training.Attempt{ID: id, ScenarioID: scenario, Status: status, Turns: 3, StartedAt: t0, UpdatedAt: end}
		if status != training.StatusActive {
			a.EndedAt = end
			a.Summary = scores(t, engine.Score{Competency: "empathy", Label: "Empathy", Score: 50, Pass: 60})
		}
		return a
	}
	a := training.Assignment{ScenarioID: "late"}
	practice := at("p1", "late", training.StatusFinished, 90)
	practice.PracticeOf = "a2"
	noScores := at("a3", "late", training.StatusAbandoned, 60)
	noScores.Summary = nil
	for _, tt := range []struct {
		name           string
		attempts       []training.Attempt
		latest, active string
	}{
		{"none", nil, "", ""},
		{"active only", []training.Attempt{at("a1", "late", training.StatusActive, 5)}, "", "a1"},
		{"the last to end", []training.Attempt{at("a2", "late", training.StatusFinished, 30), at("a1", "late", training.StatusGivenUp, 10),
			at("a4", "late", training.StatusActive, 95), practice, at("o1", "other", training.StatusFinished, 99)}, "a2", "a4"},
		{"ended without scores", []training.Attempt{at("a2", "late", training.StatusFinished, 30), noScores}, "a3", ""},
	} {
		p := training.ProgressOf(a, tt.attempts, t0)
		if p.LatestAttempt != tt.latest || p.ActiveAttempt != tt.active {
			t.Errorf("%s: latest %q active %q, want %q %q", tt.name, p.LatestAttempt, p.ActiveAttempt, tt.latest, tt.active)
		}
	}
}
