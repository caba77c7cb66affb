package engine

import (
	"encoding/binary"
	"math"
)

// The binary state: what AppendState writes and ResumeBinary reads. It
// costs a fraction of the JSON State to write and to read (no maps, no
// sorting, no number formatting), and is about a fifth of its size.
//
// A head, readable without the scenario (ReadStateHead):
//
//	"PS" 0x02             magic and StateFormat
//	string scenario       the scenario's id
//	string version        the scenario version it was saved on
//	string at             the node or ending the session is at
//	uvarint turn          replies so far
//	8 bytes seed          little-endian
//
// The seed comes last so that the ids before it show as text where a tool
// stops at the first zero byte (sqlite3's CAST(state AS TEXT)).
//
// then the body, by the compiled scenario's indexes, so it is read only
// with the version it was saved on (the head is checked):
//
//	uvarint n, n × 8 bytes        mood values, in Scenario.Mood order (float64 bits)
//	uvarint n, n × var            state variables in Scenario.Vars order: a tag
//	                              (0 false, 1 true, 2 number + 8 bytes, 3 string)
//	uvarint n, n × (gap, count)   the targets visited at least once: uvarint gap
//	                              from the previous one's index + 1, uvarint count
//	uvarint n, (n+7)/8 bytes      the once flags, bit i of byte i/8
//	uvarint n, n × varint         points per competency (zig-zag)
//	n × (uvarint k, k × step)     per competency, the replies that blocked it
//	uvarint k, k × step           the history: a step is uvarint node index,
//	                              uvarint reply index within the node
//	string reply                  the last reply's id (the expression's reply)
//
// where string is a uvarint length and the bytes. Nothing follows.
//
// The whole history is written on every save: two bytes a step for
// scenarios of fewer than 128 nodes and replies a node, so a 12-turn attempt
// is 24 bytes of it, and a store writes the whole row in any case.

// StateFormat is the format byte of the binary state AppendState writes.
// It is 2 because the JSON forms before it are versions 0 and 1 of the
// stored state. A change to the layout must take a new number, and
// ResumeBinary must go on reading every older one.
const StateFormat = 2

// stateMagic starts every binary state, before StateFormat: no JSON
// document starts so.
const stateMagic = "PS"

// maxStateInt bounds every count and number the decoder accepts, so that
// nothing read overflows an int on any platform.
const maxStateInt = math.MaxInt32

// IsBinaryState reports whether data starts as a binary state of any
// format (it may still be of a format this build does not read).
func IsBinaryState(data []byte) bool {
	return len(data) > len(stateMagic) && string(data[:len(stateMagic)]) == stateMagic
}

// AppendState appends the session's whole state, in the binary format, to
// buf and returns the extended buffer. With room in buf it allocates
// nothing. ResumeBinary brings the session back from it.
func (s *Session) AppendState(buf []byte) []byte {
	sc := s.sc
	buf = append(buf, stateMagic...)
	buf = append(buf, StateFormat)
	buf = appendString(buf, sc.ID)
	buf = appendString(buf, sc.Version)
	buf = appendString(buf, sc.targetID(s.m.at))
	buf = binary.AppendUvarint(buf, uint64(s.m.turn))
	buf = binary.LittleEndian.AppendUint64(buf, s.seed)

	buf = binary.AppendUvarint(buf, uint64(len(s.m.mood)))
	for _, f := range s.m.mood {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
	}
	buf = binary.AppendUvarint(buf, uint64(len(s.m.vars)))
	for _, v := range s.m.vars {
		buf = appendVar(buf, v)
	}
	visited := 0
	for _, n := range s.m.visits {
		if n != 0 {
			visited++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(visited))
	next := 0
	for t, n := range s.m.visits {
		if n != 0 {
			buf = binary.AppendUvarint(buf, uint64(t-next))
			buf = binary.AppendUvarint(buf, uint64(n))
			next = t + 1
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(s.m.used)))
	for i := 0; i < len(s.m.used); i += 8 {
		var b byte
		for j, u := range s.m.used[i:min(i+8, len(s.m.used))] {
			if u {
				b |= 1 << j
			}
		}
		buf = append(buf, b)
	}
	buf = binary.AppendUvarint(buf, uint64(len(s.points)))
	for _, p := range s.points {
		buf = binary.AppendVarint(buf, int64(p))
	}
	for i := range s.points { // one list per competency
		buf = appendSteps(buf, s.blockedBy(i))
	}
	buf = appendSteps(buf, s.history)
	return appendString(buf, s.m.reply)
}

func appendString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

// Tags of a state variable's value.
const (
	tagFalse byte = iota
	tagTrue
	tagNumber
	tagString
)

func appendVar(buf []byte, v any) []byte {
	switch v := v.(type) {
	case bool:
		if v {
			return append(buf, tagTrue)
		}
		return append(buf, tagFalse)
	case string:
		return appendString(append(buf, tagString), v)
	case float64:
		return binary.LittleEndian.AppendUint64(append(buf, tagNumber), math.Float64bits(v))
	}
	// Expressions make every number a float64 (expr.AsFloat64); anything
	// else is written as NaN, which no reader accepts, rather than guessed.
	return binary.LittleEndian.AppendUint64(append(buf, tagNumber), math.Float64bits(math.NaN()))
}

func appendSteps(buf []byte, refs []stepRef) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(refs)))
	for _, r := range refs {
		buf = binary.AppendUvarint(buf, uint64(r.node))
		buf = binary.AppendUvarint(buf, uint64(r.reply))
	}
	return buf
}

// StateHead is the part of a binary state that can be read without its
// scenario.
type StateHead struct {
	Scenario string // the scenario's id
	Version  string // the scenario version the state was saved on
	Seed     uint64
	At       string // the node or ending the session is at
	Turn     int    // replies so far
}

// ReadStateHead reads the head of a binary state.
func ReadStateHead(data []byte) (StateHead, error) {
	d := stateReader{data: data}
	h := d.head()
	if d.err != nil {
		return StateHead{}, d.err
	}
	return StateHead{Scenario: string(h.scenario), Version: string(h.version), Seed: h.seed, At: string(h.at), Turn: h.turn}, nil
}
