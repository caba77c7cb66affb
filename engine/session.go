package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a Session reports. Test with errors.Is.
var (
	ErrUnknownReply = errors.New("no reply with that id at this point")
	ErrNotOffered   = errors.New("that reply is not on offer now")
	ErrEnded        = errors.New("the conversation has ended")
	ErrDeadEnd      = errors.New("dead end: no reply is on offer and no ending was reached")
	ErrBadState     = errors.New("saved state does not fit this scenario")
	ErrUnknownNode  = errors.New("unknown node")
)

// Session is one conversation with a scenario, pull-style: read Lines and
// Replies, then Choose. A Session is not safe for concurrent use; its whole
// state saves with State and comes back with Resume.
type Session struct {
	sc      *Scenario
	seed    uint64
	m       machine
	points  []int
	blocked [][]stepRef // per competency: the replies that blocked it; nil until one does (blockedBy)
	history []stepRef
	ev      evaluator // in the Session, not beside it: one allocation fewer
	lines   []string
	backup  machine
	fired   []int
	perm    []int // scratch for the offer order
}

// Step is one reply chosen, at one node.
type Step struct {
	Node  string `json:"node"`
	Reply string `json:"reply"`
}

// stepRef is one reply of one node by their indexes in the compiled
// scenario: a Step without its strings (8 bytes, not 32).
type stepRef struct{ node, reply int32 }

// step names a stepRef.
func (sc *Scenario) step(r stepRef) Step {
	n := &sc.nodes[r.node]
	return Step{Node: n.id, Reply: n.replies[r.reply].id}
}

// Choice is a reply on offer.
type Choice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ReplyInfo is what the debrief tells about a reply.
type ReplyInfo struct {
	ID        string         `json:"id"`
	Text      string         `json:"text"`
	Principle string         `json:"principle,omitempty"`
	Note      string         `json:"note,omitempty"`
	Points    map[string]int `json:"points,omitempty"`
	Blocks    []string       `json:"blocks,omitempty"`
	// Verdict says whether the reply followed or broke its principle, from
	// its points: VerdictFollowed, VerdictBroke, VerdictMixed, or empty
	// when it scores nothing either way.
	Verdict string `json:"verdict,omitempty"`
}

// Verdicts a reply can have.
const (
	VerdictFollowed = "followed" // gains points and loses none
	VerdictBroke    = "broke"    // loses points or blocks a competency, and gains none
	VerdictMixed    = "mixed"    // gains in one competency and loses in another
)

// verdict judges a reply by its points and blocks.
func verdict(points []int, blocks []int) string {
	gains, losses := false, len(blocks) > 0
	for _, p := range points {
		gains = gains || p > 0
		losses = losses || p < 0
	}
	switch {
	case gains && losses:
		return VerdictMixed
	case gains:
		return VerdictFollowed
	case losses:
		return VerdictBroke
	}
	return ""
}

// Outcome is what happened after a reply.
type Outcome struct {
	Turn          int          `json:"turn"`
	Node          string       `json:"node"`
	Reply         ReplyInfo    `json:"reply"`
	Interjections []string     `json:"interjections,omitempty"` // the reply's reaction, then what rules said
	Rules         []string     `json:"rules,omitempty"`         // ids of the rules that fired, in order
	Lines         []string     `json:"lines"`
	Mood          []MoodChange `json:"mood"`
	Ending        *EndingInfo  `json:"ending,omitempty"`
}

// MoodChange is one mood variable before and after a reply.
type MoodChange struct {
	Name     string  `json:"name"`
	From     float64 `json:"from"`
	To       float64 `json:"to"`
	BandFrom string  `json:"band_from,omitempty"`
	BandTo   string  `json:"band_to,omitempty"`
}

// MoodReading is one mood variable now.
type MoodReading struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Band  string  `json:"band,omitempty"`
	Good  string  `json:"good"`
}

// Start begins a conversation at the start node. The seed picks line
// variants: the same seed and the same replies give the same conversation.
func (sc *Scenario) Start(seed uint64) *Session {
	s := sc.newSession(seed)
	s.ev.load(&s.m)
	s.lines = s.say(s.m.at)
	return s
}

// newSession is a session at the start that has not said its lines yet.
func (sc *Scenario) newSession(seed uint64) *Session {
	nt := len(sc.nodes) + len(sc.endings)
	ints := make([]int, nt+len(sc.Competencies)) // the visits and the points, in one allocation
	s := &Session{sc: sc, seed: seed, m: sc.machineWith(ints[:nt:nt]), points: ints[nt:]}
	s.ev.init(sc)
	return s
}

// blockedBy is the replies that blocked competency i.
func (s *Session) blockedBy(i int) []stepRef {
	if s.blocked == nil {
		return nil
	}
	return s.blocked[i]
}

// block records that the reply at blocked competency i.
func (s *Session) block(i int, at stepRef) {
	if s.blocked == nil {
		s.blocked = make([][]stepRef, len(s.sc.Competencies))
	}
	s.blocked[i] = append(s.blocked[i], at)
}

// StartAt begins a conversation at any node with preset variables, for
// trying out part of a script. Values are bool, float64 or string.
func (sc *Scenario) StartAt(seed uint64, nodeID string, set map[string]any) (*Session, error) {
	s := sc.Start(seed)
	if nodeID != "" {
		t, ok := sc.targets[nodeID]
		switch {
		case !ok:
			return nil, fmt.Errorf("start at %q: no such node%s: %w", nodeID, suggestFrom(nodeID, sc.NodeIDs()), ErrUnknownNode)
		case sc.isEnding(t):
			return nil, fmt.Errorf("start at %q: that is an ending; start at a node: %w", nodeID, ErrUnknownNode)
		}
		s.m.visits[s.m.at] = 0
		s.m.at = t
		s.m.visits[t] = 1
	}
	for name, v := range set {
		if err := s.setByName(name, v); err != nil {
			return nil, err
		}
	}
	s.ev.load(&s.m)
	s.lines = s.say(s.m.at)
	return s, nil
}

func (s *Session) setByName(name string, v any) error {
	for i, md := range s.sc.Mood {
		if md.Name == name {
			f, ok := v.(float64)
			if !ok {
				return &VarError{Name: name, Reason: fmt.Sprintf("%s is a number, not %s", name, kindWords(v))}
			}
			if what := badValue(f); what != "" {
				return &VarError{Name: name, Reason: "it is " + what}
			}
			if f < md.Min || f > md.Max {
				return &VarError{Name: name, Reason: fmt.Sprintf("%g is outside its range %g..%g", f, md.Min, md.Max)}
			}
			s.m.mood[i] = f
			return nil
		}
	}
	for i, vr := range s.sc.Vars {
		if vr.Name == name {
			if kindOf(v) != kindOf(vr.Default) {
				return &VarError{Name: name, Reason: fmt.Sprintf("%s is %s, not %s", name, kindWords(vr.Default), kindWords(v))}
			}
			if what := badValue(v); what != "" {
				return &VarError{Name: name, Reason: "it is " + what}
			}
			s.m.vars[i] = v
			return nil
		}
	}
	names := s.sc.varNames()
	reason := "no mood or state variable by that name"
	if near := nearest(name, names); near != "" {
		reason += fmt.Sprintf("; did you mean %q?", near)
	}
	return &VarError{Name: name, Reason: fmt.Sprintf("%s (the variables are: %s)", reason, strings.Join(names, ", "))}
}

// VarError is why a mood or state variable could not be set: an unknown
// name, a value of the wrong kind, or one outside the mood's range.
// errors.Is(err, ErrBadState) holds for it.
type VarError struct {
	Name   string // the variable as given
	Reason string // what is wrong, in trainers' words
}

func (e *VarError) Error() string { return "set " + e.Name + ": " + e.Reason }

// Is makes errors.Is(err, ErrBadState) hold, for Resume's callers.
func (e *VarError) Is(target error) bool { return target == ErrBadState }

// kindWords names the kind of a value as trainers say it: "a number",
// "true/false" or "text".
func kindWords(v any) string {
	switch kindOf(v) {
	case kindBool:
		return "true/false"
	case kindString:
		return "text"
	}
	return "a number"
}

// nearest is the candidate within an edit distance of 3 of name, or "".
func nearest(name string, candidates []string) string {
	best, bestD := "", 4
	for _, c := range candidates {
		if d := EditDistance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// varNames lists the mood variables, then the state variables, in file order.
func (sc *Scenario) varNames() []string {
	names := make([]string, 0, len(sc.Mood)+len(sc.Vars))
	for _, m := range sc.Mood {
		names = append(names, m.Name)
	}
	for _, v := range sc.Vars {
		names = append(names, v.Name)
	}
	return names
}

// Scenario is the scenario this session plays.
func (s *Session) Scenario() *Scenario { return s.sc }

// Seed is the seed the session started with.
func (s *Session) Seed() uint64 { return s.seed }

// Turn is the number of replies chosen so far.
func (s *Session) Turn() int { return s.m.turn }

// Node is the id of the current node, or of the ending once ended.
func (s *Session) Node() string { return s.sc.targetID(s.m.at) }

// Ended reports whether the conversation reached an ending.
func (s *Session) Ended() bool { return s.sc.isEnding(s.m.at) }

// Ending is the ending reached, or nil.
func (s *Session) Ending() *EndingInfo {
	if !s.Ended() {
		return nil
	}
	return s.sc.endingInfo(s.m.at)
}

// Lines are what the client said on arriving at the current node or ending.
func (s *Session) Lines() []string { return append([]string(nil), s.lines...) }

// History lists the replies chosen so far.
func (s *Session) History() []Step {
	if s.history == nil {
		return nil
	}
	out := make([]Step, len(s.history))
	for i, r := range s.history {
		out[i] = s.sc.step(r)
	}
	return out
}

// Replies lists the replies on offer now, in the order they are offered:
// shuffled by the seed, or in file order at a node whose order is fixed.
func (s *Session) Replies() ([]Choice, error) {
	if s.Ended() {
		return nil, nil
	}
	s.perm = s.offerOrder(s.perm, s.m.at)
	out := make([]Choice, 0, len(s.perm))
	for _, i := range s.perm {
		r := &s.sc.nodes[s.m.at].replies[i]
		ok, err := s.ev.available(&s.m, r)
		if err != nil {
			return nil, fmt.Errorf("node %q: %w", s.Node(), err)
		}
		if ok {
			out = append(out, Choice{ID: r.id, Text: r.text})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("node %q: %w", s.Node(), ErrDeadEnd)
	}
	return out, nil
}

// Mood reads every mood variable.
func (s *Session) Mood() []MoodReading {
	out := make([]MoodReading, len(s.sc.Mood))
	for i := range s.sc.Mood {
		out[i] = s.sc.Mood[i].Reading(s.m.mood[i])
	}
	return out
}

// Var returns a mood or state variable's value by name.
func (s *Session) Var(name string) (any, bool) {
	for i, md := range s.sc.Mood {
		if md.Name == name {
			return s.m.mood[i], true
		}
	}
	for i, v := range s.sc.Vars {
		if v.Name == name {
			return s.m.vars[i], true
		}
	}
	return nil, false
}

// Choose takes the reply with this id. An unknown or unavailable id, or a
// choice after the end, is an error and changes nothing.
func (s *Session) Choose(id string) (Outcome, error) {
	if s.Ended() {
		return Outcome{}, ErrEnded
	}
	at := stepRef{node: int32(s.m.at), reply: -1}
	n := &s.sc.nodes[s.m.at]
	for i := range n.replies {
		if n.replies[i].id == id {
			at.reply = int32(i)
			break
		}
	}
	if at.reply < 0 {
		return Outcome{}, fmt.Errorf("reply %q at node %q: %w", id, n.id, ErrUnknownReply)
	}
	r := &n.replies[at.reply]
	if ok, err := s.ev.available(&s.m, r); err != nil || !ok {
		return Outcome{}, errors.Join(fmt.Errorf("reply %q at node %q: %w", id, n.id, ErrNotOffered), err)
	}
	s.backup.copyFrom(&s.m)
	to, err := s.ev.apply(&s.m, r)
	var reaction []string
	if err == nil {
		reaction = s.react(n, r)
		s.fired, err = s.ev.settle(&s.m, to, s.fired[:0])
	}
	if err != nil {
		s.m.copyFrom(&s.backup)
		s.ev.load(&s.m)
		return Outcome{}, fmt.Errorf("node %q: %w", n.id, err)
	}
	s.score(at, r)
	return s.outcome(n, r, reaction), nil
}

// react says the lines of r's reaction whose conditions hold now.
func (s *Session) react(n *node, r *reply) []string {
	var out []string
	for i, l := range r.reaction {
		if ok, err := s.ev.holds(l.when); err != nil || !ok {
			continue
		}
		out = append(out, l.variants[pick(s.seed, "reaction:"+n.id+"/"+r.id, s.m.turn, i, len(l.variants))])
	}
	return out
}

func (n *node) reply(id string) *reply {
	for i := range n.replies {
		if n.replies[i].id == id {
			return &n.replies[i]
		}
	}
	return nil
}

func (s *Session) score(at stepRef, r *reply) {
	for i, p := range r.points {
		s.points[i] += p
	}
	for _, c := range r.blocks {
		s.block(c, at)
	}
	s.history = append(s.history, at)
}

func (s *Session) outcome(n *node, r *reply, reaction []string) Outcome {
	s.lines = s.say(s.m.at)
	o := Outcome{Turn: s.m.turn, Node: n.id, Reply: r.info, Lines: s.lines, Ending: s.Ending(), // s.lines is never changed in place
		Interjections: reaction}
	for _, i := range s.fired {
		ru := &s.sc.rules[i]
		o.Rules = append(o.Rules, ru.id)
		if len(ru.say) > 0 {
			o.Interjections = append(o.Interjections, ru.say[pick(s.seed, "rule:"+ru.id, s.m.turn, 0, len(ru.say))])
		}
	}
	o.Mood = make([]MoodChange, len(s.sc.Mood))
	for i := range s.sc.Mood {
		md := &s.sc.Mood[i]
		from, to := s.backup.mood[i], s.m.mood[i]
		o.Mood[i] = MoodChange{Name: md.Name, From: from, To: to, BandFrom: md.Band(from), BandTo: md.Band(to)}
	}
	return o
}

func (sc *Scenario) replyInfo(r *reply) ReplyInfo {
	info := ReplyInfo{ID: r.id, Text: r.text, Principle: r.principle, Note: r.note, Verdict: verdict(r.points, r.blocks)}
	for i, p := range r.points {
		if p != 0 {
			if info.Points == nil {
				info.Points = map[string]int{}
			}
			info.Points[sc.Competencies[i].ID] = p
		}
	}
	for _, c := range r.blocks {
		info.Blocks = append(info.Blocks, sc.Competencies[c].ID)
	}
	return info
}

// say evaluates the lines of a node or ending on arrival.
func (s *Session) say(t target) []string {
	var lines []line
	if s.sc.isEnding(t) {
		lines = s.sc.endings[int(t)-len(s.sc.nodes)].lines
	} else {
		lines = s.sc.nodes[t].lines
	}
	id := s.sc.targetID(t)
	var out []string
	for i, l := range lines {
		if ok, err := s.ev.holds(l.when); err != nil || !ok {
			continue
		}
		out = append(out, l.variants[pick(s.seed, id, s.m.visits[t], i, len(l.variants))])
	}
	return out
}
