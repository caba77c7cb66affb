package training

import (
	"fmt"

	"parley/engine"
)

// StateVersion is the format version of the State the core writes for an
// attempt: version 2, the engine's binary state (engine.StateFormat), a
// tenth of the JSON's cost to write and to read. Its body is indexed by the
// compiled scenario, so it is read with the scenario version the attempt
// was played on; StateJSON shows it as the version 1 JSON, for people.
const StateVersion = engine.StateFormat

// stateBufferSize is room enough for the State of a typical attempt (a
// 12-turn one on a bundled scenario takes about 150 bytes), so that
// EncodeSession allocates once.
const stateBufferSize = 256

// EncodeSession is an attempt's State as the core stores it: version 2.
func EncodeSession(sess *engine.Session) []byte {
	return sess.AppendState(make([]byte, 0, stateBufferSize))
}

// ResumeSession brings back the session an attempt's State holds, of any
// version, on sc, the scenario version the attempt was played on.
func ResumeSession(sc *engine.Scenario, data []byte) (*engine.Session, error) {
	if engine.IsBinaryState(data) {
		sess, err := sc.ResumeBinary(data)
		if err != nil {
			return nil, fmt.Errorf("stored state (version 2): %w", err)
		}
		return sess, nil
	}
	st, err := DecodeState(data)
	if err != nil {
		return nil, err
	}
	return sc.ResumeState(st)
}

// StateOf reads an attempt's State, of any version, as the engine's State
// (ids, not indexes), on sc, the scenario version the attempt was played on.
func StateOf(sc *engine.Scenario, data []byte) (engine.State, error) {
	if !engine.IsBinaryState(data) {
		return DecodeState(data)
	}
	sess, err := ResumeSession(sc, data)
	if err != nil {
		return engine.State{}, err
	}
	return sess.State(), nil
}

// StateJSON is an attempt's State, of any version, as people can read it:
// the version 1 JSON of the same state ({"v":1,"state":{…}}, compact, keys
// sorted), read on sc, the scenario version the attempt was played on (the
// attempt's Version; Catalog.Version loads it). For debugging and for
// tools: the core never writes it.
func StateJSON(sc *engine.Scenario, data []byte) ([]byte, error) {
	st, err := StateOf(sc, data)
	if err != nil {
		return nil, err
	}
	return EncodeState(st)
}

// StateHead reads, without the scenario, what an attempt's State of any
// version says about where it stands: the scenario and version it was
// played on, its seed, the node or ending it is at and its turn.
func StateHead(data []byte) (engine.StateHead, error) {
	if engine.IsBinaryState(data) {
		h, err := engine.ReadStateHead(data)
		if err != nil {
			return engine.StateHead{}, fmt.Errorf("stored state (version 2): %w", err)
		}
		return h, nil
	}
	st, err := DecodeState(data)
	if err != nil {
		return engine.StateHead{}, err
	}
	return engine.StateHead{Scenario: st.Scenario, Version: st.Version, Seed: st.Seed, At: st.At, Turn: st.Turn}, nil
}
