package webui

import (
	"parley/webui/training"
	"time"

	"parley/engine"
)

// The JSON the browser receives. docs/protocol.md describes every field.

type personaView struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	Company   string `json:"company"`
	Backstory string `json:"backstory,omitempty"` // in the detail only
}

type scenarioSummary struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Summary    string      `json:"summary"`
	Difficulty string      `json:"difficulty"`
	Minutes    int         `json:"minutes"`
	Tags       []string    `json:"tags"`
	Persona    personaView `json:"persona"`
}

type scenarioDetail struct {
	scenarioSummary
	Briefing     string               `json:"briefing"`
	Competencies []engine.Competency  `json:"competencies"`
	Mood         []engine.MoodReading `json:"mood"`
}

func summarize(sc *engine.Scenario) scenarioSummary {
	return scenarioSummary{ID: sc.ID, Title: sc.Title, Summary: sc.Summary, Difficulty: sc.Difficulty,
		Minutes: sc.Minutes, Tags: nonNil(sc.Tags),
		Persona: personaView{Name: sc.Persona.Name, Role: sc.Persona.Role, Company: sc.Persona.Company}}
}

func detail(sc *engine.Scenario) scenarioDetail {
	d := scenarioDetail{scenarioSummary: summarize(sc), Briefing: sc.Persona.Briefing,
		Competencies: nonNil(sc.Competencies), Mood: nonNil(sc.Start(0).Mood())}
	d.Persona.Backstory = sc.Persona.Backstory
	return d
}

type attemptItem struct {
	ID        string        `json:"id"`
	Scenario  string        `json:"scenario"`
	Title     string        `json:"title"`
	Status    string        `json:"status"`
	Turns     int           `json:"turns"`
	Ending    string        `json:"ending,omitempty"`
	Outcome   string        `json:"outcome,omitempty"`
	StartedAt time.Time     `json:"started_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	EndedAt   *time.Time    `json:"ended_at,omitempty"`
	Practice  *practiceView `json:"practice,omitempty"`
}

// practiceView marks a practice run: the attempt it was started from and
// the turn of that attempt it starts at. A practice run is never scored.
type practiceView struct {
	Of       string `json:"of"`
	FromTurn int    `json:"from_turn"`
}

// practiceOf is a's practice mark, or nil for a scored attempt.
func practiceOf(a training.Attempt) *practiceView {
	if !a.IsPractice() {
		return nil
	}
	return &practiceView{Of: a.PracticeOf, FromTurn: a.PracticeFrom}
}

func listItem(a training.Attempt, title string) attemptItem {
	it := attemptItem{ID: a.ID, Scenario: a.ScenarioID, Title: title, Status: string(a.Status), Turns: a.Turns,
		Ending: a.Ending, Outcome: a.Outcome, StartedAt: a.StartedAt, UpdatedAt: a.UpdatedAt, Practice: practiceOf(a)}
	if !a.EndedAt.IsZero() {
		it.EndedAt = &a.EndedAt
	}
	return it
}

// attemptHead is the attempt as a snapshot names it.
type attemptHead struct {
	ID       string        `json:"id"`
	Scenario string        `json:"scenario"`
	Title    string        `json:"title"`
	Status   string        `json:"status"`
	Turn     int           `json:"turn"`
	LastSeq  int64         `json:"last_seq"`
	Practice *practiceView `json:"practice,omitempty"`
}

// turnView is one turn as the trainee sees it: never the points, note or
// principle of the reply, which are for the debrief.
type turnView struct {
	Attempt       string               `json:"attempt"`
	Turn          int                  `json:"turn"`
	Reply         engine.Choice        `json:"reply"`
	Interjections []string             `json:"interjections"`
	Lines         []string             `json:"lines"`
	Mood          []engine.MoodReading `json:"mood"`
	MoodChange    []engine.MoodChange  `json:"mood_change"`
	Ending        *engine.EndingInfo   `json:"ending,omitempty"`
}

func viewTurn(attempt string, sc *engine.Scenario, o engine.Outcome) turnView {
	return turnView{Attempt: attempt, Turn: o.Turn, Reply: engine.Choice{ID: o.Reply.ID, Text: o.Reply.Text},
		Interjections: nonNil(o.Interjections), Lines: nonNil(o.Lines), Mood: moodAfter(sc, o.Mood),
		MoodChange: nonNil(o.Mood), Ending: o.Ending}
}

// moodAfter reads the mood after a turn from its changes.
func moodAfter(sc *engine.Scenario, changes []engine.MoodChange) []engine.MoodReading {
	out := make([]engine.MoodReading, 0, len(sc.Mood))
	for i := range sc.Mood {
		md := &sc.Mood[i]
		v := md.Start
		for _, c := range changes {
			if c.Name == md.Name {
				v = c.To
			}
		}
		out = append(out, md.Reading(v))
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
