package webui

import "parley/engine"

// The debrief as the browser receives it: webui's own types, converted from
// the engine's Debrief at the edge, so that a change to the engine's JSON
// can never change the protocol silently. docs/protocol.md describes every
// field; testdata/wire/debrief*.json pin them.

// debriefView is the whole attempt, turn by turn.
type debriefView struct {
	Scenario     string           `json:"scenario"`
	Ending       *endingView      `json:"ending,omitempty"`
	Complete     bool             `json:"complete"`
	Scores       []scoreView      `json:"scores"`
	Opening      []string         `json:"opening"`
	Mood         []moodView       `json:"mood_start"`
	MoodEnd      []moodView       `json:"mood_end"`
	Turns        []turnReviewView `json:"turns"`
	LeftIdealAt  int              `json:"left_ideal_at,omitempty"`
	Decisive     []varReadingView `json:"decisive,omitempty"`
	MoodMisleads bool             `json:"mood_misleads,omitempty"`
}

// scoreView is one competency's result.
type scoreView struct {
	Competency  string   `json:"competency"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Points      int      `json:"points"`
	Best        int      `json:"best"`
	Score       int      `json:"score"`
	Pass        int      `json:"pass"`
	PassFrom    string   `json:"pass_from,omitempty"` // the cohort whose assignment set Pass, if one did
	Passed      bool     `json:"passed"`
	BlockedBy   []string `json:"blocked_by,omitempty"`
}

// varReadingView is a state variable the author marked as deciding the
// ending, with its final value: a bool, a number or a string.
type varReadingView struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value any    `json:"value"`
}

// replyView is a reply with what the debrief tells about it.
type replyView struct {
	ID        string         `json:"id"`
	Text      string         `json:"text"`
	Principle string         `json:"principle,omitempty"`
	Note      string         `json:"note,omitempty"`
	Points    map[string]int `json:"points,omitempty"`
	Blocks    []string       `json:"blocks,omitempty"`
	Verdict   string         `json:"verdict,omitempty"`
}

// turnReviewView is one turn of the debrief: what happened, then how it
// compares with the best reply on offer.
type turnReviewView struct {
	Turn          int              `json:"turn"`
	Node          string           `json:"node"`
	Reply         replyView        `json:"reply"`
	Interjections []string         `json:"interjections,omitempty"`
	Rules         []string         `json:"rules,omitempty"`
	Lines         []string         `json:"lines"`
	MoodChange    []moodChangeView `json:"mood"`
	Ending        *endingView      `json:"ending,omitempty"`
	Ideal         *replyView       `json:"ideal,omitempty"`
	IdealKind     string           `json:"ideal_kind,omitempty"`
	Closed        []closedView     `json:"closed,omitempty"`
	OnIdeal       bool             `json:"on_ideal"`
	MoodAfter     []moodView       `json:"mood_after"`
}

// closedView is a better reply an earlier choice took off the table.
type closedView struct {
	Reply replyView  `json:"reply"`
	Turn  int        `json:"turn"`
	By    choiceView `json:"by"`
	Node  string     `json:"node"`
}

func viewDebrief(d engine.Debrief) debriefView {
	return debriefView{Scenario: d.Scenario, Ending: viewEnding(d.Ending), Complete: d.Complete,
		Scores: nonNil(convert(d.Scores, viewScore)), Opening: nonNil(d.Opening),
		Mood: convert(d.Mood, viewMood), MoodEnd: convert(d.MoodEnd, viewMood),
		Turns: nonNil(convert(d.Turns, viewTurnReview)), LeftIdealAt: d.LeftAt,
		Decisive: convert(d.Decisive, viewVarReading), MoodMisleads: d.MoodMisleads}
}

func viewScore(s engine.Score) scoreView {
	return scoreView{Competency: s.Competency, Label: s.Label, Description: s.Description, Points: s.Points,
		Best: s.Best, Score: s.Score, Pass: s.Pass, Passed: s.Passed, BlockedBy: s.BlockedBy}
}

func viewVarReading(v engine.VarReading) varReadingView {
	return varReadingView{Name: v.Name, Label: v.Label, Value: v.Value}
}

func viewReply(r engine.ReplyInfo) replyView {
	return replyView{ID: r.ID, Text: r.Text, Principle: r.Principle, Note: r.Note, Points: r.Points,
		Blocks: r.Blocks, Verdict: r.Verdict}
}

func viewTurnReview(t engine.TurnReview) turnReviewView {
	v := turnReviewView{Turn: t.Turn, Node: t.Node, Reply: viewReply(t.Reply), Interjections: t.Interjections,
		Rules: t.Rules, Lines: t.Lines, MoodChange: convert(t.Mood, viewMoodChange), Ending: viewEnding(t.Ending),
		IdealKind: t.IdealKind, Closed: convert(t.Closed, viewClosed), OnIdeal: t.OnIdeal,
		MoodAfter: convert(t.MoodNow, viewMood)}
	if t.Ideal != nil {
		ideal := viewReply(*t.Ideal)
		v.Ideal = &ideal
	}
	return v
}

func viewClosed(c engine.ClosedReply) closedView {
	return closedView{Reply: viewReply(c.Reply), Turn: c.Turn, By: viewChoice(c.By), Node: c.Node}
}
