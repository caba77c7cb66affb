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
	Briefing     string           `json:"briefing"`
	Competencies []competencyView `json:"competencies"`
	Mood         []moodView       `json:"mood"`
}

// The small values the protocol shares with the engine have their own types
// here, converted at the edge, so that a change to the engine's JSON can
// never change the protocol silently. The debrief's are in debrief_view.go.

// competencyView is one competency a scenario scores.
type competencyView struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Pass        int    `json:"pass"` // the scenario's own
	// HeldPass is the mark the caller is held to instead, and HeldFrom the
	// cohort whose assignment set it: present only when one did
	// (training.HeldMarks).
	HeldPass *int   `json:"held_pass,omitempty"`
	HeldFrom string `json:"held_from,omitempty"`
}

// choiceView is a reply as offered: never its points, note or principle.
type choiceView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// moodView is one mood variable now.
type moodView struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Band  string  `json:"band,omitempty"`
	Good  string  `json:"good"`
}

// moodChangeView is one mood variable before and after a reply.
type moodChangeView struct {
	Name     string  `json:"name"`
	From     float64 `json:"from"`
	To       float64 `json:"to"`
	BandFrom string  `json:"band_from,omitempty"`
	BandTo   string  `json:"band_to,omitempty"`
}

// endingView is the ending a conversation reached.
type endingView struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Outcome string `json:"outcome"`
	Success bool   `json:"success"`
	Text    string `json:"text"`
}

// convert maps each of in through f; nil stays nil.
func convert[T, V any](in []T, f func(T) V) []V {
	if in == nil {
		return nil
	}
	out := make([]V, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func viewCompetency(c engine.Competency) competencyView {
	return competencyView{ID: c.ID, Label: c.Label, Description: c.Description, Pass: c.Pass}
}

func viewChoice(c engine.Choice) choiceView { return choiceView{ID: c.ID, Text: c.Text} }

func viewMood(m engine.MoodReading) moodView {
	return moodView{Name: m.Name, Label: m.Label, Value: m.Value, Min: m.Min, Max: m.Max, Band: m.Band, Good: m.Good}
}

func viewMoodChange(c engine.MoodChange) moodChangeView {
	return moodChangeView{Name: c.Name, From: c.From, To: c.To, BandFrom: c.BandFrom, BandTo: c.BandTo}
}

func viewEnding(e *engine.EndingInfo) *endingView {
	if e == nil {
		return nil
	}
	return &endingView{ID: e.ID, Title: e.Title, Outcome: e.Outcome, Success: e.Success, Text: e.Text}
}

func summarize(sc *engine.Scenario) scenarioSummary {
	return scenarioSummary{ID: sc.ID, Title: sc.Title, Summary: sc.Summary, Difficulty: sc.Difficulty,
		Minutes: sc.Minutes, Tags: nonNil(sc.Tags),
		Persona: personaView{Name: sc.Persona.Name, Role: sc.Persona.Role, Company: sc.Persona.Company}}
}

func detail(sc *engine.Scenario) scenarioDetail {
	d := scenarioDetail{scenarioSummary: summarize(sc), Briefing: sc.Persona.Briefing,
		Competencies: nonNil(convert(sc.Competencies, viewCompetency)), Mood: nonNil(convert(sc.Start(0).Mood(), viewMood))}
	d.Persona.Backstory = sc.Persona.Backstory
	return d
}

type attemptItem struct {
	ID        string        `json:"id"`
	Scenario  string        `json:"scenario"`
	Title     string        `json:"title"`
	Version   string        `json:"version"` // the scenario version (content hash) it was played on
	Status    string        `json:"status"`
	Turns     int           `json:"turns"`
	Ending    string        `json:"ending,omitempty"`
	Outcome   string        `json:"outcome,omitempty"`
	StartedAt time.Time     `json:"started_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	EndedAt   *time.Time    `json:"ended_at,omitempty"`
	Practice  *practiceView `json:"practice,omitempty"`
	// Scores are an ended scored attempt's results per competency, at the
	// pass marks its trainee is held to (training.HeldMarks; absent while
	// active, and on practice runs).
	Scores []itemScore `json:"scores,omitempty"`
}

// itemScore is one competency's result in the attempt list.
type itemScore struct {
	Competency string `json:"competency"`
	Label      string `json:"label"`
	Score      int    `json:"score"`
	Pass       int    `json:"pass"`
	PassFrom   string `json:"pass_from,omitempty"` // the cohort whose assignment set Pass, if one did
	Passed     bool   `json:"passed"`
	// Blocked says a reply broke the competency outright: it fails at any
	// mark.
	Blocked bool `json:"blocked,omitempty"`
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

func listItem(a training.Attempt, title string, held training.HeldMarks) attemptItem {
	it := attemptItem{ID: a.ID, Scenario: a.ScenarioID, Title: title, Version: a.Version, Status: string(a.Status), Turns: a.Turns,
		Ending: a.Ending, Outcome: a.Outcome, StartedAt: a.StartedAt, UpdatedAt: a.UpdatedAt, Practice: practiceOf(a)}
	if !a.EndedAt.IsZero() {
		it.EndedAt = &a.EndedAt
	}
	if a.Status != training.StatusActive && !a.IsPractice() && len(a.Summary) > 0 {
		if scores, err := training.DecodeScores(a.Summary); err == nil {
			from := held.Apply(scores)
			for _, sc := range scores {
				it.Scores = append(it.Scores, itemScore{Competency: sc.Competency, Label: sc.Label, Score: sc.Score, Pass: sc.Pass,
					PassFrom: from[sc.Competency], Passed: sc.Passed && len(sc.BlockedBy) == 0, Blocked: len(sc.BlockedBy) > 0})
			}
		}
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
	Attempt       string           `json:"attempt"`
	Turn          int              `json:"turn"`
	Reply         choiceView       `json:"reply"`
	Interjections []string         `json:"interjections"`
	Lines         []string         `json:"lines"`
	Mood          []moodView       `json:"mood"`
	MoodChange    []moodChangeView `json:"mood_change"`
	Ending        *endingView      `json:"ending,omitempty"`
}

func viewTurn(attempt string, sc *engine.Scenario, o engine.Outcome) turnView {
	return turnView{Attempt: attempt, Turn: o.Turn, Reply: choiceView{ID: o.Reply.ID, Text: o.Reply.Text},
		Interjections: nonNil(o.Interjections), Lines: nonNil(o.Lines), Mood: moodAfter(sc, o.Mood),
		MoodChange: nonNil(convert(o.Mood, viewMoodChange)), Ending: viewEnding(o.Ending)}
}

// moodAfter reads the mood after a turn from its changes.
func moodAfter(sc *engine.Scenario, changes []engine.MoodChange) []moodView {
	out := make([]moodView, 0, len(sc.Mood))
	for i := range sc.Mood {
		md := &sc.Mood[i]
		v := md.Start
		for _, c := range changes {
			if c.Name == md.Name {
				v = c.To
			}
		}
		out = append(out, viewMood(md.Reading(v)))
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
