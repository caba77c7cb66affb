package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr/vm"
)

// Compile checks a spec and compiles it into a Scenario. It returns every
// problem it finds; the Scenario is nil when any of them is an Error.
func Compile(spec *Spec) (*Scenario, Problems) {
	c := &compiler{spec: spec, sc: &Scenario{
		ID: spec.ID, Title: spec.Title, Summary: spec.Summary, Difficulty: spec.Difficulty,
		Minutes: spec.Minutes, Tags: spec.Tags, Version: spec.Version, Persona: spec.Persona,
		targets: map[string]target{},
	}}
	c.exprs = newExprCompiler(spec.Mood, spec.State, newExprWords(spec))
	c.competencies()
	c.variables()
	c.targets()
	c.nodes()
	c.rules()
	c.endings()
	c.sc.keyReply = c.exprs.readsReply
	c.sc.keyVisits = c.exprs.readsVisits
	c.sc.keyTurn = c.exprs.readsTurn
	for t := range len(c.sc.nodes) + len(c.sc.endings) {
		c.sc.boxed = append(c.sc.boxed, c.sc.targetID(target(t)))
	}
	sort.SliceStable(c.problems, func(i, j int) bool { return posLess(c.problems[i].Pos, c.problems[j].Pos) })
	if c.problems.HasErrors() {
		return nil, c.problems
	}
	c.sc.keyOnce = c.sc.keyedOnces()
	return c.sc, c.problems
}

// orPos is p, or fallback when p is unknown (a Spec built by hand).
func orPos(p, fallback Pos) Pos {
	if p == (Pos{}) {
		return fallback
	}
	return p
}

func posLess(a, b Pos) bool {
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

type compiler struct {
	spec     *Spec
	sc       *Scenario
	exprs    *exprCompiler
	vars     map[string]varRef
	problems Problems
}

func (c *compiler) errorf(pos Pos, code, format string, args ...any) {
	c.problems = append(c.problems, Problem{pos, Error, code, fmt.Sprintf(format, args...)})
}

func (c *compiler) competencies() {
	for _, id := range BuiltinCompetencies {
		c.sc.Competencies = append(c.sc.Competencies, Competency{ID: id, Label: capitalise(id),
			Description: builtinDescriptions[id], Pass: DefaultPass})
	}
	for _, cs := range c.spec.Competencies {
		i := c.sc.competencyIndex(cs.ID)
		if i < 0 {
			c.sc.Competencies = append(c.sc.Competencies, Competency{ID: cs.ID, Label: capitalise(cs.ID), Pass: DefaultPass})
			i = len(c.sc.Competencies) - 1
		}
		comp := &c.sc.Competencies[i]
		if cs.Label != "" {
			comp.Label = cs.Label
		}
		if cs.Pass != 0 {
			comp.Pass = cs.Pass
		}
		if cs.Description != "" {
			comp.Description = cs.Description
		}
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "-", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func (c *compiler) variables() {
	c.vars = map[string]varRef{}
	for i, m := range c.spec.Mood {
		c.declare(m.Name, m.Pos, varRef{mood: true, i: i})
		c.checkMood(m)
		c.sc.Mood = append(c.sc.Mood, compileMood(m))
	}
	for i, v := range c.spec.State {
		c.declare(v.Name, v.Pos, varRef{i: i})
		if what := badValue(v.Default); what != "" {
			fix := "shorten its default"
			if _, ok := v.Default.(float64); ok {
				fix = "give it a default such as 0"
			}
			c.errorf(v.Pos, "bad-value", "state %q starts %s; %s", v.Name, what, fix)
		}
		label := v.Label
		if label == "" {
			label = capitalise(strings.ReplaceAll(v.Name, "_", " "))
		}
		c.sc.Vars = append(c.sc.Vars, Var{Name: v.Name, Default: v.Default, Label: label, Decides: v.Decides})
	}
}

func (c *compiler) declare(name string, pos Pos, ref varRef) {
	if _, dup := c.vars[name]; dup {
		c.errorf(pos, "duplicate-id", "variable %q is declared twice (mood and state share one set of names); rename one", name)
		return
	}
	if reserved[name] {
		c.errorf(pos, "bad-value", "%q is a reserved name in expressions; rename the variable", name)
	}
	c.vars[name] = ref
}

func compileMood(m MoodSpec) Mood {
	bands := slices.Clone(m.Bands)
	sort.SliceStable(bands, func(i, j int) bool { return bands[i].From > bands[j].From })
	good := m.Good
	if good == "" {
		good = "low"
	}
	label := m.Label
	if label == "" {
		label = capitalise(m.Name)
	}
	return Mood{Name: m.Name, Label: label, Start: m.Start, Min: m.Min, Max: m.Max, Bands: bands,
		Drift: m.Drift, Baseline: m.Baseline, HasBaseline: m.HasBaseline, Good: good}
}

func (c *compiler) checkMood(m MoodSpec) {
	for _, f := range []struct {
		key string
		v   float64
	}{{"start", m.Start}, {"min", m.Min}, {"max", m.Max}, {"drift", m.Drift}, {"baseline", m.Baseline}} {
		if !finite(f.v) {
			c.errorf(m.at(f.key), "mood-bounds", "mood %q has %s %s; write an ordinary number", m.Name, f.key, strings.ToLower(strings.TrimPrefix(fmt.Sprint(f.v), "+")))
			return
		}
	}
	inRange := func(v float64) bool { return v >= m.Min && v <= m.Max }
	switch {
	case m.Min >= m.Max:
		c.errorf(m.at("max"), "mood-bounds", "mood %q has min %g and max %g; min must be below max", m.Name, m.Min, m.Max)
	case !inRange(m.Start):
		c.errorf(m.at("start"), "mood-bounds", "mood %q starts at %g, outside its range %g..%g; move start or widen the range", m.Name, m.Start, m.Min, m.Max)
	case m.HasBaseline && !inRange(m.Baseline):
		c.errorf(m.at("baseline"), "mood-bounds", "mood %q has baseline %g, outside its range %g..%g", m.Name, m.Baseline, m.Min, m.Max)
	case m.Drift < 0:
		c.errorf(m.at("drift"), "mood-bounds", "mood %q has a negative drift; drift is the distance moved toward baseline per reply", m.Name)
	}
	for _, b := range m.Bands {
		if !inRange(b.From) {
			c.errorf(orPos(b.Pos, m.at("bands")), "mood-bounds", "mood %q has a band %q from %g, outside its range %g..%g", m.Name, b.Label, b.From, m.Min, m.Max)
		}
	}
	if len(m.Bands) > 0 && !slices.ContainsFunc(m.Bands, func(b Band) bool { return b.From <= m.Min }) {
		c.errorf(m.at("bands"), "mood-bounds", "mood %q has no band for its lowest values; add a band starting at %g", m.Name, m.Min)
	}
}

func (c *compiler) targets() {
	for i, n := range c.spec.Nodes {
		c.addTarget(n.ID, n.Pos, target(i))
	}
	for i, e := range c.spec.Endings {
		c.addTarget(e.ID, e.Pos, target(len(c.spec.Nodes)+i))
	}
	if len(c.spec.Nodes) == 0 {
		c.errorf(c.spec.Pos, "missing-key", "the scenario has no [[nodes]]; add at least one node with replies")
		return
	}
	if len(c.spec.Endings) == 0 {
		c.errorf(c.spec.Pos, "missing-key", "the scenario has no [[endings]]; add at least one ending")
	}
	c.sc.start = 0
	if c.spec.Start != "" {
		t, ok := c.sc.targets[c.spec.Start]
		if !ok || int(t) >= len(c.spec.Nodes) {
			nodes := make([]string, len(c.spec.Nodes))
			for i, n := range c.spec.Nodes {
				nodes[i] = n.ID
			}
			c.errorf(orPos(c.spec.StartPos, c.spec.Pos), "unknown-target", "start = %q names no node; use the id of a [[nodes]] entry%s",
				c.spec.Start, suggestFrom(c.spec.Start, nodes))
		}
		c.sc.start = t
	}
}

func (c *compiler) addTarget(id string, pos Pos, t target) {
	if _, dup := c.sc.targets[id]; dup {
		c.errorf(pos, "duplicate-id", "id %q is used twice; nodes and endings share one set of ids, so rename one", id)
		return
	}
	c.sc.targets[id] = t
}

func (c *compiler) target(id string, pos Pos, where string) target {
	t, ok := c.sc.targets[id]
	if !ok {
		c.errorf(pos, "unknown-target", "%s goes to %q, which is no node or ending; check the spelling%s", where, id, c.suggest(id))
		return noTarget
	}
	return t
}

func (c *compiler) suggest(id string) string {
	ids := make([]string, 0, len(c.sc.targets))
	for cand := range c.sc.targets {
		ids = append(ids, cand)
	}
	sort.Strings(ids)
	return suggestFrom(id, ids)
}

// suggestFrom names the closest candidate as a "did you mean" hint, or
// returns "" when none is close.
func suggestFrom(id string, candidates []string) string {
	best, bestD := "", 4
	for _, cand := range candidates {
		if d := EditDistance(id, cand); d < bestD {
			best, bestD = cand, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func (c *compiler) nodes() {
	c.sc.nodes = make([]node, 0, len(c.spec.Nodes))
	for _, ns := range c.spec.Nodes {
		n := node{id: ns.ID, pos: ns.Pos, fixed: ns.Fixed, orderPos: orPos(ns.OrderPos, ns.Pos), orderHash: hashString("order:" + ns.ID)}
		where := fmt.Sprintf("node %q", ns.ID)
		n.lines = c.lines(ns.Lines, where)
		if len(ns.Replies) == 0 {
			c.errorf(ns.Pos, "no-replies", "node %q offers no replies; add [[nodes.replies]] or make it an [[endings]] entry", ns.ID)
		}
		seen := make(map[string]bool, len(ns.Replies))
		n.replies = make([]reply, 0, len(ns.Replies))
		for _, rs := range ns.Replies {
			if seen[rs.ID] {
				c.errorf(rs.Pos, "duplicate-id", "node %q has two replies with id %q; reply ids must be unique within a node", ns.ID, rs.ID)
			}
			seen[rs.ID] = true
			n.replies = append(n.replies, c.reply(ns.ID, rs))
		}
		c.sc.nodes = append(c.sc.nodes, n)
	}
}

func (c *compiler) lines(specs []LineSpec, where string) []line {
	// What the client says never changes what happens next, so a line that
	// reads reply or turn does not make them part of the exploration key.
	defer func(reply, turn bool) { c.exprs.readsReply, c.exprs.readsTurn = reply, turn }(c.exprs.readsReply, c.exprs.readsTurn)
	var out []line
	for i, ls := range specs {
		l := line{variants: ls.Variants}
		if !ls.When.Empty() {
			l.when = c.compile(ls.When, kindBool, fmt.Sprintf("the condition of line %d of %s", i+1, where))
		}
		out = append(out, l)
	}
	return out
}

func (c *compiler) reply(nodeID string, rs ReplySpec) reply {
	where := fmt.Sprintf("reply %q of node %q", rs.ID, nodeID)
	r := reply{id: rs.ID, text: rs.Text, once: -1, note: rs.Note, principle: rs.Principle, pos: rs.Pos,
		points: make([]int, len(c.sc.Competencies))}
	if !rs.When.Empty() {
		r.when = c.compile(rs.When, kindBool, "the condition of "+where)
		r.whenSrc, r.whenPos = rs.When.Src, orPos(rs.When.Pos, rs.Pos)
	}
	if rs.Once {
		r.once = c.sc.onces
		c.sc.onces++
	}
	r.effects = c.effects(rs.Effects, where)
	for _, p := range rs.Points {
		if i := c.competency(p.Competency, p.Pos, where, "scores"); i >= 0 {
			r.points[i] += p.Value
		}
	}
	for k, b := range rs.Blocks {
		pos := rs.Pos
		if k < len(rs.BlocksPos) {
			pos = orPos(rs.BlocksPos[k], rs.Pos)
		}
		if i := c.competency(b, pos, where, "blocks"); i >= 0 {
			r.blocks = append(r.blocks, i)
		}
	}
	if len(rs.Next) == 0 {
		c.errorf(rs.Pos, "missing-key", "%s has no next; add next = \"node-id\"", where)
	}
	r.next = make([]branch, 0, len(rs.Next))
	for _, b := range rs.Next {
		br := branch{to: c.target(b.Goto, b.Pos, where), whenSrc: b.When.Src}
		if !b.When.Empty() {
			br.when = c.compile(b.When, kindBool, "a next condition of "+where)
		}
		r.next = append(r.next, br)
	}
	r.reaction = c.lines(rs.Reaction, "the reaction to "+where)
	r.info = c.sc.replyInfo(&r)
	r.boxedID = r.id
	return r
}

// competency is the index of competency id, which where scores or blocks
// (verb); it reports an unknown one.
func (c *compiler) competency(id string, pos Pos, where, verb string) int {
	i := c.sc.competencyIndex(id)
	if i < 0 {
		ids := make([]string, len(c.sc.Competencies))
		for i, comp := range c.sc.Competencies {
			ids[i] = comp.ID
		}
		if hint := suggestFrom(id, ids); hint != "" {
			c.errorf(pos, "unknown-competency", "%s %s %q, which is not a competency%s", where, verb, id, hint)
		} else {
			c.errorf(pos, "unknown-competency", "%s %s %q, which is not a competency; use one of %s, or declare [competencies.%s]", where, verb, id, strings.Join(ids, ", "), id)
		}
	}
	return i
}

func (c *compiler) effects(specs []Effect, where string) []effect {
	var out []effect
	for _, e := range specs {
		ref, ok := c.vars[e.Var]
		if !ok {
			c.errorf(e.Pos, "unknown-variable", "%s sets %q, which is not declared; declare it under [mood.%s] or [state]", where, e.Var, e.Var)
			continue
		}
		kind := kindNumber
		if !ref.mood {
			kind = kindOf(c.spec.State[ref.i].Default)
		}
		prog, p := c.exprs.compile(e.Expr, kind, fmt.Sprintf("the effect on %q of %s", e.Var, where), e.Var)
		if p != nil {
			c.problems = append(c.problems, *p)
		}
		out = append(out, effect{ref: ref, prog: prog})
	}
	return out
}

func kindOf(v any) exprKind {
	switch v.(type) {
	case bool:
		return kindBool
	case string:
		return kindString
	}
	return kindNumber
}

func (c *compiler) compile(e Expr, want exprKind, what string) *vm.Program {
	prog, p := c.exprs.compile(e, want, what, "")
	if p != nil {
		c.problems = append(c.problems, *p)
	}
	return prog
}

func (c *compiler) rules() {
	seen := map[string]bool{}
	for i, rs := range c.spec.Rules {
		name := rs.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		if seen[name] {
			c.errorf(rs.Pos, "duplicate-id", "two rules have id %q; rule ids must be unique, since attempts record which once rules fired by id", name)
		}
		seen[name] = true
		where := fmt.Sprintf("rule %q", name)
		r := rule{id: name, to: noTarget, once: -1, say: rs.Say}
		if rs.When.Empty() {
			c.errorf(rs.Pos, "missing-key", "%s has no when; add the condition under which it fires", where)
		} else {
			r.when = c.compile(rs.When, kindBool, "the condition of "+where)
		}
		r.effects = c.effects(rs.Effects, where)
		if rs.Goto != "" {
			r.to = c.target(rs.Goto, orPos(rs.GotoPos, rs.Pos), where)
		}
		if rs.Once {
			r.once = c.sc.onces
			c.sc.onces++
		}
		c.sc.rules = append(c.sc.rules, r)
	}
}

func (c *compiler) endings() {
	for _, es := range c.spec.Endings { // the loader checks the outcome, where it can point at the value
		success := es.Outcome == "resolved"
		if es.Success != nil {
			success = *es.Success
		}
		c.sc.endings = append(c.sc.endings, ending{id: es.ID, title: es.Title, outcome: es.Outcome, text: es.Text,
			success: success, lines: c.lines(es.Lines, fmt.Sprintf("ending %q", es.ID)), pos: es.Pos})
	}
}

// EditDistance is the edit distance between a and b, in bytes, counting a
// swap of two neighbours as one edit (optimal string alignment).
func EditDistance(a, b string) int {
	older, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cur[j] = editStep(older, prev, cur, a, b, i, j)
		}
		older, prev, cur = prev, cur, older
	}
	return prev[len(b)]
}

// editStep is the distance between a[:i] and b[:j], given the rows for a[:i-2]
// (older), a[:i-1] (prev) and a[:i] up to j-1 (cur).
func editStep(older, prev, cur []int, a, b string, i, j int) int {
	cost := 1
	if a[i-1] == b[j-1] {
		cost = 0
	}
	d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
	if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
		d = min(d, older[j-2]+1)
	}
	return d
}
