package training

import (
	"bytes"
	"encoding/json"
	"fmt"

	"parley/engine"
)

// The stored formats: what the core writes into a turn's Event, an
// attempt's State and an attempt's Summary. They are defined here once, as
// training's own types (copies of the engine's, converted at this
// boundary), so that a change to the engine's JSON can never change what
// is on disk. docs/storage.md describes them and their versions.
//
// Version 1 (written since) wraps each in an envelope:
//
//	{"v":1,"outcome":{…}}   a turn's Event
//	{"v":1,"state":{…}}     an attempt's State
//	{"v":1,"scores":[…]}    an attempt's Summary
//
// Version 0 (written before) is the same payload bare, with no envelope: a
// row that does not start with {"v": is version 0. Every reader takes both,
// row by row (a practice run copies its source's turn rows as they are, so
// one attempt may hold both). Any other version is refused.
//
// An attempt's State is written in version 2 (stored_state.go): the
// engine's binary state, which starts "PS\x02". Versions 0 and 1 of it
// are still read, so attempts saved before resume.

// StoredVersion is the format version the core writes.
const StoredVersion = 1

// storedOutcome is what happened after a reply: engine.Outcome as stored.
type storedOutcome struct {
	Turn          int                `json:"turn"`
	Node          string             `json:"node"`
	Reply         storedReply        `json:"reply"`
	Interjections []string           `json:"interjections,omitempty"`
	Rules         []string           `json:"rules,omitempty"`
	Lines         []string           `json:"lines"`
	Mood          []storedMoodChange `json:"mood"`
	Ending        *storedEnding      `json:"ending,omitempty"`
}

// storedReply is the reply chosen, with its principle, note and points.
type storedReply struct {
	ID        string         `json:"id"`
	Text      string         `json:"text"`
	Principle string         `json:"principle,omitempty"`
	Note      string         `json:"note,omitempty"`
	Points    map[string]int `json:"points,omitempty"`
	Blocks    []string       `json:"blocks,omitempty"`
	Verdict   string         `json:"verdict,omitempty"`
}

// storedMoodChange is one mood variable before and after a reply.
type storedMoodChange struct {
	Name     string  `json:"name"`
	From     float64 `json:"from"`
	To       float64 `json:"to"`
	BandFrom string  `json:"band_from,omitempty"`
	BandTo   string  `json:"band_to,omitempty"`
}

// storedEnding is the ending a turn reached.
type storedEnding struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Outcome string `json:"outcome"`
	Success bool   `json:"success"`
	Text    string `json:"text"`
}

// storedState is everything a session is: engine.State as stored.
type storedState struct {
	Scenario string              `json:"scenario"`
	Version  string              `json:"version"`
	Seed     uint64              `json:"seed"`
	At       string              `json:"at"`
	Turn     int                 `json:"turn"`
	Reply    string              `json:"reply,omitempty"`
	Mood     map[string]float64  `json:"mood"`
	Vars     map[string]any      `json:"vars,omitempty"` // bool, float64 or string
	Visits   map[string]int      `json:"visits"`
	Used     []string            `json:"used,omitempty"`
	Points   map[string]int      `json:"points"`
	Blocked  map[string][]string `json:"blocked,omitempty"`
	History  []storedStep        `json:"history"`
}

// storedStep is one reply of the history: where, and which.
type storedStep struct {
	Node  string `json:"node"`
	Reply string `json:"reply"`
}

// storedScore is one competency's result: engine.Score as stored.
type storedScore struct {
	Competency  string   `json:"competency"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Points      int      `json:"points"`
	Best        int      `json:"best"`
	Score       int      `json:"score"`
	Pass        int      `json:"pass"`
	Passed      bool     `json:"passed"`
	BlockedBy   []string `json:"blocked_by,omitempty"`
}

// The version 1 envelopes.
type (
	outcomeRecord struct {
		V       int            `json:"v"`
		Outcome *storedOutcome `json:"outcome"`
	}
	stateRecord struct {
		V     int          `json:"v"`
		State *storedState `json:"state"`
	}
	scoresRecord struct {
		V      int           `json:"v"`
		Scores []storedScore `json:"scores"`
	}
)

// EncodeOutcome is a turn's Event as the core stores it.
func EncodeOutcome(o engine.Outcome) ([]byte, error) {
	so := storeOutcome(o)
	return json.Marshal(outcomeRecord{V: StoredVersion, Outcome: &so})
}

// DecodeOutcome reads a turn's Event, of any version this build knows.
func DecodeOutcome(data []byte) (engine.Outcome, error) {
	var so storedOutcome
	switch v, err := storedVersion(data); {
	case err != nil:
		return engine.Outcome{}, fmt.Errorf("stored turn event: %w", err)
	case v == 0:
		if err := json.Unmarshal(data, &so); err != nil {
			return engine.Outcome{}, fmt.Errorf("stored turn event (version 0): %w", err)
		}
	default:
		var r outcomeRecord
		if err := json.Unmarshal(data, &r); err != nil {
			return engine.Outcome{}, fmt.Errorf("stored turn event (version 1): %w", err)
		}
		if r.Outcome == nil {
			return engine.Outcome{}, fmt.Errorf("stored turn event (version 1) has no outcome")
		}
		so = *r.Outcome
	}
	return so.engine(), nil
}

// EncodeState is an attempt's State in version 1, the JSON the core wrote
// before version 2 (EncodeSession), and what StateJSON shows.
func EncodeState(st engine.State) ([]byte, error) {
	ss := storeState(st)
	return json.Marshal(stateRecord{V: StoredVersion, State: &ss})
}

// DecodeState reads an attempt's State of the JSON versions, 0 and 1.
// StateOf and ResumeSession read every version.
func DecodeState(data []byte) (engine.State, error) {
	if engine.IsBinaryState(data) {
		return engine.State{}, fmt.Errorf("stored state: version %d is binary and is read with the scenario "+
			"version it was played on: use StateOf or ResumeSession", data[2])
	}
	var ss storedState
	switch v, err := storedVersion(data); {
	case err != nil:
		return engine.State{}, fmt.Errorf("stored state: %w", err)
	case v == 0:
		if err := json.Unmarshal(data, &ss); err != nil {
			return engine.State{}, fmt.Errorf("stored state (version 0): %w", err)
		}
	default:
		var r stateRecord
		if err := json.Unmarshal(data, &r); err != nil {
			return engine.State{}, fmt.Errorf("stored state (version 1): %w", err)
		}
		if r.State == nil {
			return engine.State{}, fmt.Errorf("stored state (version 1) has no state")
		}
		ss = *r.State
	}
	return ss.engine(), nil
}

// EncodeScores is an attempt's Summary as the core stores it.
func EncodeScores(scores []engine.Score) ([]byte, error) {
	ss := make([]storedScore, len(scores)) // never null: an attempt may have no competency
	for i, s := range scores {
		ss[i] = storedScore(s)
	}
	return json.Marshal(scoresRecord{V: StoredVersion, Scores: ss})
}

// DecodeScores reads an attempt's Summary, of any version this build knows.
func DecodeScores(data []byte) ([]engine.Score, error) {
	var ss []storedScore
	switch v, err := storedVersion(data); {
	case err != nil:
		return nil, fmt.Errorf("stored scores: %w", err)
	case v == 0:
		if err := json.Unmarshal(data, &ss); err != nil {
			return nil, fmt.Errorf("stored scores (version 0): %w", err)
		}
	default:
		var r scoresRecord
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("stored scores (version 1): %w", err)
		}
		if r.Scores == nil {
			return nil, fmt.Errorf("stored scores (version 1) have no scores")
		}
		ss = r.Scores
	}
	out := make([]engine.Score, len(ss))
	for i, s := range ss {
		out[i] = engine.Score(s)
	}
	return out, nil
}

// storedVersion is the format version of a stored row: 0 when it does not
// start with {"v": (the engine's bare JSON, as written before versions),
// else its v, which must be one this build reads.
func storedVersion(data []byte) (int, error) {
	if !bytes.HasPrefix(data, []byte(`{"v":`)) {
		return 0, nil
	}
	var h struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return 0, fmt.Errorf("unreadable format version: %w", err)
	}
	if h.V != StoredVersion {
		return 0, fmt.Errorf("format version %d is unknown to this build of Parley, which reads versions 0 and %d: "+
			"was it written by a newer Parley?", h.V, StoredVersion)
	}
	return h.V, nil
}

func storeOutcome(o engine.Outcome) storedOutcome {
	so := storedOutcome{Turn: o.Turn, Node: o.Node, Reply: storedReply(o.Reply), Interjections: o.Interjections,
		Rules: o.Rules, Lines: o.Lines}
	if o.Mood != nil {
		so.Mood = make([]storedMoodChange, len(o.Mood))
		for i, c := range o.Mood {
			so.Mood[i] = storedMoodChange(c)
		}
	}
	if o.Ending != nil {
		e := storedEnding(*o.Ending)
		so.Ending = &e
	}
	return so
}

func (so storedOutcome) engine() engine.Outcome {
	o := engine.Outcome{Turn: so.Turn, Node: so.Node, Reply: engine.ReplyInfo(so.Reply), Interjections: so.Interjections,
		Rules: so.Rules, Lines: so.Lines}
	if so.Mood != nil {
		o.Mood = make([]engine.MoodChange, len(so.Mood))
		for i, c := range so.Mood {
			o.Mood[i] = engine.MoodChange(c)
		}
	}
	if so.Ending != nil {
		e := engine.EndingInfo(*so.Ending)
		o.Ending = &e
	}
	return o
}

func storeState(st engine.State) storedState {
	ss := storedState{Scenario: st.Scenario, Version: st.Version, Seed: st.Seed, At: st.At, Turn: st.Turn,
		Reply: st.Reply, Mood: st.Mood, Vars: st.Vars, Visits: st.Visits, Used: st.Used, Points: st.Points,
		Blocked: st.Blocked}
	if st.History != nil {
		ss.History = make([]storedStep, len(st.History))
		for i, s := range st.History {
			ss.History[i] = storedStep(s)
		}
	}
	return ss
}

func (ss storedState) engine() engine.State {
	st := engine.State{Scenario: ss.Scenario, Version: ss.Version, Seed: ss.Seed, At: ss.At, Turn: ss.Turn,
		Reply: ss.Reply, Mood: ss.Mood, Vars: ss.Vars, Visits: ss.Visits, Used: ss.Used,
		Points: ss.Points, Blocked: ss.Blocked}
	if ss.History != nil {
		st.History = make([]engine.Step, len(ss.History))
		for i, s := range ss.History {
			st.History[i] = engine.Step(s)
		}
	}
	return st
}
