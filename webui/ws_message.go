package webui

import (
	"encoding/json"
	"errors"
	"parley/webui/training"
	"slices"
)

// message is one frame from the browser, decoded strictly.
type message struct {
	Type     string `json:"type"`
	Seq      int64  `json:"seq"`
	Scenario string `json:"scenario"`
	Attempt  string `json:"attempt"`
	Reply    string `json:"reply"`
}

// messageFields lists, per type, the fields a message must carry besides
// type and seq. No other field is accepted.
var messageFields = map[string][]string{
	"start":   {"scenario"},
	"resume":  {"attempt"},
	"choose":  {"attempt", "reply"},
	"give_up": {"attempt"},
	"watch":   {"attempt"},
}

// decodeMessage decodes one frame. On failure it still returns whatever seq
// it could read, so that the error frame can answer it.
//
// The frame is decoded once, into its fields' raw values; each field is
// then decoded on its own (a frame is small, and every reply sends one). A
// key given twice counts once, its last value (JSON leaves duplicate keys to
// the reader; before, a wrong-typed earlier copy was refused).
func decodeMessage(data []byte) (message, error) {
	// json.Unmarshal refuses anything after the object, and checkFields
	// refuses unknown keys, so a Decoder (and its buffer) is not needed.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return message{}, fail(codeBadMessage, "a message is one JSON object with a \"type\": %s", frameProblem(err))
	}
	rawSeq, hasSeq := raw["seq"]
	var m message
	seqErr := json.Unmarshal(rawSeq, &m.Seq)
	seq := m.Seq // for an error frame: a positive integer, else 0
	if seqErr != nil || seq < 0 {
		seq = 0
	}
	if err := json.Unmarshal(raw["type"], &m.Type); err != nil || m.Type == "" {
		return message{Seq: seq}, fail(codeBadMessage, "\"type\" must be a non-empty string")
	}
	fields, ok := messageFields[m.Type]
	if !ok {
		return message{Seq: seq}, fail(codeUnknownType, "unknown message type %q: use start, resume, choose, give_up or watch", m.Type)
	}
	if err := checkFields(raw, fields, &m); err != nil {
		return message{Seq: seq}, err
	}
	if hasSeq && seqErr != nil {
		return message{Seq: seq}, fail(codeBadMessage, "%s: \"seq\" must be a whole number, not %s", m.Type, seqValue(seqErr))
	}
	if !hasSeq || m.Seq <= 0 {
		return m, fail(training.CodeBadSeq, "%s: \"seq\" must be a positive integer", m.Type)
	}
	return m, nil
}

// checkFields refuses unknown fields and missing or empty required ones, and
// sets the required ones in m.
func checkFields(raw map[string]json.RawMessage, required []string, m *message) error {
	for name := range raw {
		if name != "type" && name != "seq" && !slices.Contains(required, name) {
			return fail(codeBadMessage, "unknown field %q: this message takes seq and %v", name, required)
		}
	}
	for _, name := range required {
		var s string
		if err := json.Unmarshal(raw[name], &s); err != nil || s == "" {
			return fail(codeBadMessage, "%q is required and must be a non-empty string", name)
		}
		switch name {
		case "scenario":
			m.Scenario = s
		case "attempt":
			m.Attempt = s
		case "reply":
			m.Reply = s
		}
	}
	return nil
}

// seqValue is what a "seq" that is not a whole number is instead.
func seqValue(err error) string {
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return gotValue(e.Value)
	}
	return "that"
}
