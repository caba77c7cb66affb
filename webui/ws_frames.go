package webui

import "parley/webui/training"

// Frames the server sends on the websocket.

type snapshotFrame struct {
	Type       string       `json:"type"` // "snapshot"
	Seq        int64        `json:"seq,omitempty"`
	Attempt    attemptHead  `json:"attempt"`
	Opening    []string     `json:"opening"`
	Transcript []turnView   `json:"transcript"`
	Lines      []string     `json:"lines"`
	Replies    []choiceView `json:"replies"`
	Mood       []moodView   `json:"mood"`
	Ending     *endingView  `json:"ending,omitempty"`
	Trainee    *traineeRef  `json:"trainee,omitempty"` // a watcher's: whose call it is
}

// traineeRef names the trainee whose attempt it is: in a watcher's snapshot,
// and in a reviewer's debrief.
type traineeRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type turnFrame struct {
	Type string `json:"type"` // "turn"
	turnView
	Replies []choiceView `json:"replies"`
}

type ackFrame struct {
	Type    string `json:"type"` // "ack"
	Seq     int64  `json:"seq"`
	Attempt string `json:"attempt"`
}

type endedFrame struct {
	Type    string      `json:"type"` // "ended"
	Attempt string      `json:"attempt"`
	Status  string      `json:"status"`
	Ending  *endingView `json:"ending,omitempty"`
	Debrief string      `json:"debrief"`
}

type errorFrame struct {
	Type    string `json:"type"` // "error"
	Code    string `json:"code"`
	Message string `json:"message"`
	Seq     int64  `json:"seq,omitempty"`
}

type goingAwayFrame struct {
	Type    string `json:"type"` // "going_away"
	Message string `json:"message"`
}

func ack(seq int64, attempt string) ackFrame {
	return ackFrame{Type: "ack", Seq: seq, Attempt: attempt}
}

func ended(attempt string, e training.Ended) endedFrame {
	return endedFrame{Type: "ended", Attempt: attempt, Status: string(e.Status), Ending: viewEnding(e.Ending),
		Debrief: debriefURL(attempt)}
}

func debriefURL(attempt string) string { return "/api/attempts/" + attempt + "/debrief" }
