package engine

import "fmt"

// Debrief is the whole attempt, turn by turn, for the trainee.
type Debrief struct {
	Scenario string        `json:"scenario"`
	Ending   *EndingInfo   `json:"ending,omitempty"`
	Complete bool          `json:"complete"` // an ending was reached; otherwise the trainee stopped early
	Scores   []Score       `json:"scores"`
	Opening  []string      `json:"opening"`
	Mood     []MoodReading `json:"mood_start"`
	MoodEnd  []MoodReading `json:"mood_end"`
	Turns    []TurnReview  `json:"turns"`
	LeftAt   int           `json:"left_ideal_at,omitempty"` // first turn off the ideal path; 0 if never
	// Decisive lists the state variables the author marked as deciding the
	// ending, with their final values, in file order.
	Decisive []VarReading `json:"decisive,omitempty"`
	// MoodMisleads is set when the mood meter and the ending disagree: the
	// call did not succeed although every mood finished on its good side,
	// or it succeeded although every mood finished on its bad side.
	MoodMisleads bool `json:"mood_misleads,omitempty"`
}

// VarReading is a state variable's value, as the debrief shows it.
type VarReading struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value any    `json:"value"` // bool, float64 or string
}

// TurnReview is one turn of the debrief.
type TurnReview struct {
	Outcome
	// Ideal is the best reply that was on offer at this turn, when the
	// trainee chose another, with its note: why it works.
	Ideal *ReplyInfo `json:"ideal,omitempty"`
	// IdealKind says what Ideal is: IdealStronger, a good reply, or
	// IdealBestLeft, only the best of what was left at this point.
	IdealKind string `json:"ideal_kind,omitempty"`
	// Closed lists better replies at this node that an earlier choice took
	// off the table, with the turn that closed each.
	Closed  []ClosedReply `json:"closed,omitempty"`
	OnIdeal bool          `json:"on_ideal"`
	MoodNow []MoodReading `json:"mood_after"`
}

// What a TurnReview's Ideal is.
const (
	IdealStronger = "stronger"  // a reply that follows its principle
	IdealBestLeft = "best_left" // the best of what was left; not itself a good reply
)

// ClosedReply is a reply that would have scored better at this turn but
// was no longer on offer because of what the trainee chose earlier.
type ClosedReply struct {
	Reply ReplyInfo `json:"reply"`
	Turn  int       `json:"turn"` // the turn whose choice closed it
	By    Choice    `json:"by"`   // the reply chosen at that turn
	Node  string    `json:"node"` // where that reply was chosen
}

// Debrief replays the saved state's history from its seed and reviews every
// turn against the ideal reply.
func (sc *Scenario) Debrief(st State) (Debrief, error) {
	if st.Scenario != sc.ID || st.Version != sc.Version {
		return Debrief{}, fmt.Errorf("debrief: state is for %s@%.12s: %w", st.Scenario, st.Version, ErrBadState)
	}
	a := sc.Analysis()
	s := sc.Start(st.Seed)
	d := Debrief{Scenario: sc.ID, Opening: s.Lines(), Mood: s.Mood()}
	past := recent{at: []machine{cloneMachine(&s.m)}}
	probe := newEvaluator(sc)
	for _, step := range st.History {
		ideal, known := a.idealReply(s)
		chosen := s.sc.nodes[s.m.at].reply(step.Reply)
		closed := s.closedReplies(probe, &past, st.History, chosen)
		o, err := s.Choose(step.Reply)
		if err != nil {
			return Debrief{}, fmt.Errorf("debrief: turn %d: %w", len(d.Turns)+1, err)
		}
		t := TurnReview{Outcome: o, OnIdeal: !known || ideal.id == step.Reply, MoodNow: s.Mood(), Closed: closed}
		if known && !t.OnIdeal {
			info := ideal.info
			t.Ideal, t.IdealKind = &info, IdealStronger
			if info.Verdict != VerdictFollowed || len(closed) > 0 {
				t.IdealKind = IdealBestLeft
			}
			if d.LeftAt == 0 {
				d.LeftAt = o.Turn
			}
		}
		d.Turns = append(d.Turns, t)
		past.add(&s.m)
	}
	d.Ending, d.Scores, d.MoodEnd = s.Ending(), s.Scores(), s.Mood()
	d.Complete = d.Ending != nil
	for i, v := range sc.Vars {
		if v.Decides {
			d.Decisive = append(d.Decisive, VarReading{Name: v.Name, Label: v.Label, Value: s.m.vars[i]})
		}
	}
	d.MoodMisleads = d.Ending != nil && moodDisagrees(d.MoodEnd, d.Ending.Success)
	return d, nil
}

// moodDisagrees reports whether every mood finished strictly on the side of
// its range that contradicts the ending: good when the call failed, bad
// when it succeeded.
func moodDisagrees(mood []MoodReading, success bool) bool {
	if len(mood) == 0 {
		return false
	}
	for _, r := range mood {
		above := r.Value - (r.Min+r.Max)/2 // > 0: in the upper half
		if r.Good != "high" {
			above = -above
		}
		if above == 0 || (above > 0) == success {
			return false
		}
	}
	return true
}

func cloneMachine(m *machine) machine {
	var c machine
	c.copyFrom(m)
	return c
}

// closedReplies lists the replies of the current node that are not on offer,
// would have scored better than chosen, follow their principle, and were on
// offer before some earlier turn: the choice at that turn closed them.
// past holds the machines of the last turns; the current one is the last.
func (s *Session) closedReplies(probe *evaluator, past *recent, history []Step, chosen *reply) []ClosedReply {
	a := s.sc.Analysis()
	var out []ClosedReply
	n := &s.sc.nodes[s.m.at]
	for i := range n.replies {
		r := &n.replies[i]
		if r == chosen || r.info.Verdict != VerdictFollowed || a.gain(r) <= a.gain(chosen) {
			continue
		}
		if ok, err := s.ev.available(&s.m, r); err != nil || ok {
			continue
		}
		if r.once >= 0 && s.m.used[r.once] {
			continue // already said: nothing was lost
		}
		k := closedAt(probe, past, r)
		if k == 0 || history[k-1].Reply == r.id && history[k-1].Node == n.id {
			continue // never on offer in this attempt, or closed by choosing it
		}
		by := s.sc.nodes[s.sc.targets[history[k-1].Node]].reply(history[k-1].Reply)
		out = append(out, ClosedReply{Reply: r.info, Turn: k, By: Choice{ID: by.id, Text: by.text}, Node: history[k-1].Node})
	}
	return out
}

// closedAt is the turn after which r stopped being on offer for good (its
// condition held before that turn and never since), or 0 if it did not hold
// within the turns past remembers.
func closedAt(probe *evaluator, past *recent, r *reply) int {
	for k := len(past.at) - 2; k >= 0; k-- {
		probe.load(&past.at[k])
		if ok, err := probe.available(&past.at[k], r); err == nil && ok {
			return past.first + k + 1
		}
	}
	return 0
}

// lookBack is how many turns back the debrief looks for the choice that
// closed a reply, so a debrief costs time in proportion to the attempt's
// length, however long it is.
const lookBack = 64

// recent holds the machines after the last lookBack turns: at[k] is the
// machine after first+k turns.
type recent struct {
	first int
	at    []machine
}

func (p *recent) add(m *machine) {
	if len(p.at) > lookBack {
		old := p.at[0]
		copy(p.at, p.at[1:])
		p.at = p.at[:len(p.at)-1]
		p.first++
		old.copyFrom(m)
		p.at = append(p.at, old) // reuse the oldest machine's storage
		return
	}
	p.at = append(p.at, cloneMachine(m))
}

// Replay is the session of st's attempt after its first turns replies:
// what the trainee saw before turn turns+1. It is how a practice run
// starts from any turn of a finished attempt.
func (sc *Scenario) Replay(st State, turns int) (*Session, error) {
	if st.Scenario != sc.ID || st.Version != sc.Version {
		return nil, fmt.Errorf("replay: state is for %s@%.12s: %w", st.Scenario, st.Version, ErrBadState)
	}
	if turns < 0 || turns > len(st.History) {
		return nil, fmt.Errorf("replay: the attempt has %d turns, not %d: %w", len(st.History), turns, ErrBadState)
	}
	s := sc.Start(st.Seed)
	for i, step := range st.History[:turns] {
		if _, err := s.Choose(step.Reply); err != nil {
			return nil, fmt.Errorf("replay: turn %d: %w", i+1, err)
		}
	}
	return s, nil
}
