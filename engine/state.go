package engine

import (
	"encoding/json"
	"fmt"
	"strings"
)

// State is everything a Session is, as JSON-friendly data. Resume turns it
// back into the same Session exactly.
type State struct {
	Scenario string              `json:"scenario"`
	Version  string              `json:"version"`
	Seed     uint64              `json:"seed"`
	At       string              `json:"at"`
	Turn     int                 `json:"turn"`
	Reply    string              `json:"reply,omitempty"`
	Mood     map[string]float64  `json:"mood"`
	Vars     map[string]any      `json:"vars,omitempty"`
	Visits   map[string]int      `json:"visits"`
	Used     []string            `json:"used,omitempty"`
	Points   map[string]int      `json:"points"`
	Blocked  map[string][]string `json:"blocked,omitempty"`
	History  []Step              `json:"history"`
}

// State captures the session.
func (s *Session) State() State {
	sc := s.sc
	st := State{Scenario: sc.ID, Version: sc.Version, Seed: s.seed, At: s.Node(), Turn: s.m.turn, Reply: s.m.reply,
		Mood: map[string]float64{}, Visits: map[string]int{}, Points: map[string]int{}, History: s.History()}
	for i, md := range sc.Mood {
		st.Mood[md.Name] = s.m.mood[i]
	}
	if len(sc.Vars) > 0 {
		st.Vars = map[string]any{}
		for i, v := range sc.Vars {
			st.Vars[v.Name] = s.m.vars[i]
		}
	}
	for t, n := range s.m.visits {
		if n > 0 {
			st.Visits[sc.targetID(target(t))] = n
		}
	}
	st.Used = sc.onceNames(s.m.used)
	for i, c := range sc.Competencies {
		st.Points[c.ID] = s.points[i]
		if len(s.blockedBy(i)) > 0 {
			if st.Blocked == nil {
				st.Blocked = map[string][]string{}
			}
			st.Blocked[c.ID] = sc.stepNames(s.blockedBy(i))
		}
	}
	return st
}

// MarshalJSON saves the session as its State.
func (s *Session) MarshalJSON() ([]byte, error) { return json.Marshal(s.State()) }

// onceNames names the once flags that are set: "node/reply" or "rule:id".
func (sc *Scenario) onceNames(used []bool) []string {
	var out []string
	for _, n := range sc.nodes {
		for _, r := range n.replies {
			if r.once >= 0 && used[r.once] {
				out = append(out, n.id+"/"+r.id)
			}
		}
	}
	for _, r := range sc.rules {
		if r.once >= 0 && used[r.once] {
			out = append(out, "rule:"+r.id)
		}
	}
	return out
}

// Resume brings back a session saved with State (as JSON). The scenario
// must be the same version the state was saved with.
func (sc *Scenario) Resume(data []byte) (*Session, error) {
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("resume: %w: %w", ErrBadState, err)
	}
	return sc.ResumeState(st)
}

// ResumeState is Resume for a State already decoded.
func (sc *Scenario) ResumeState(st State) (*Session, error) {
	if st.Scenario != sc.ID || st.Version != sc.Version {
		return nil, fmt.Errorf("resume: state is for %s@%.12s, scenario is %s@%.12s; load the version the attempt was played on: %w",
			st.Scenario, st.Version, sc.ID, sc.Version, ErrBadState)
	}
	s := sc.Start(st.Seed)
	if err := s.restore(st); err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	s.ev.load(&s.m)
	s.lines = s.say(s.m.at)
	return s, nil
}

func (s *Session) restore(st State) error {
	sc := s.sc
	t, ok := sc.targets[st.At]
	if !ok {
		return fmt.Errorf("unknown node %q: %w", st.At, ErrBadState)
	}
	s.m.at, s.m.turn, s.m.reply = t, st.Turn, st.Reply
	for name, v := range st.Mood {
		if err := s.setByName(name, v); err != nil {
			return err
		}
	}
	for name, v := range st.Vars {
		if err := s.setByName(name, v); err != nil {
			return err
		}
	}
	clear(s.m.visits)
	for id, n := range st.Visits {
		t, ok := sc.targets[id]
		if !ok {
			return fmt.Errorf("visits of unknown node %q: %w", id, ErrBadState)
		}
		s.m.visits[t] = n
	}
	if err := sc.restoreUsed(s.m.used, st.Used); err != nil {
		return err
	}
	for i, c := range sc.Competencies {
		s.points[i] = st.Points[c.ID]
		for _, name := range st.Blocked[c.ID] {
			node, reply, _ := strings.Cut(name, "/")
			r, err := sc.stepRef(Step{Node: node, Reply: reply})
			if err != nil {
				return fmt.Errorf("%s blocked by %q: %w", c.ID, name, err)
			}
			s.block(i, r)
		}
	}
	if st.History != nil {
		s.history = make([]stepRef, len(st.History))
	}
	for i, step := range st.History {
		r, err := sc.stepRef(step)
		if err != nil {
			return fmt.Errorf("turn %d of the history: %w", i+1, err)
		}
		s.history[i] = r
	}
	return nil
}

// stepRef finds a Step's reply in the compiled scenario.
func (sc *Scenario) stepRef(st Step) (stepRef, error) {
	t, ok := sc.targets[st.Node]
	if !ok || sc.isEnding(t) {
		return stepRef{}, fmt.Errorf("unknown node %q: %w", st.Node, ErrBadState)
	}
	for i, r := range sc.nodes[t].replies {
		if r.id == st.Reply {
			return stepRef{node: int32(t), reply: int32(i)}, nil
		}
	}
	return stepRef{}, fmt.Errorf("no reply %q at node %q: %w", st.Reply, st.Node, ErrBadState)
}

func (sc *Scenario) restoreUsed(used []bool, names []string) error {
	index := map[string]int{}
	for _, n := range sc.nodes {
		for _, r := range n.replies {
			if r.once >= 0 {
				index[n.id+"/"+r.id] = r.once
			}
		}
	}
	for _, r := range sc.rules {
		if r.once >= 0 {
			index["rule:"+r.id] = r.once
		}
	}
	for _, name := range names {
		i, ok := index[name]
		if !ok {
			return fmt.Errorf("unknown once flag %q: %w", name, ErrBadState)
		}
		used[i] = true
	}
	return nil
}
