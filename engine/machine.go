package engine

import (
	"fmt"
	"math"

	"github.com/expr-lang/expr/vm"
)

// machine is the part of a session's state that decides what can happen next.
// Points and history live in Session: they never change what is on offer.
type machine struct {
	at     target
	turn   int
	reply  string
	mood   []float64
	vars   []any
	visits []int  // per target: nodes, then endings
	used   []bool // once flags of replies and rules
}

func (sc *Scenario) newMachine() machine {
	return sc.machineWith(make([]int, len(sc.nodes)+len(sc.endings)))
}

// machineWith is a machine at the start whose visit counts are visits, one
// per target, all 0.
func (sc *Scenario) machineWith(visits []int) machine {
	m := machine{
		at:     sc.start,
		mood:   make([]float64, len(sc.Mood)),
		vars:   make([]any, len(sc.Vars)),
		visits: visits,
		used:   make([]bool, sc.onces),
	}
	for i, md := range sc.Mood {
		m.mood[i] = md.Start
	}
	for i, v := range sc.Vars {
		m.vars[i] = v.Default
	}
	m.visits[sc.start] = 1
	return m
}

// copyFrom makes m equal to o, reusing m's slices.
func (m *machine) copyFrom(o *machine) {
	m.at, m.turn, m.reply = o.at, o.turn, o.reply
	m.mood = append(m.mood[:0], o.mood...)
	m.vars = append(m.vars[:0], o.vars...)
	m.visits = append(m.visits[:0], o.visits...)
	m.used = append(m.used[:0], o.used...)
}

// evaluator runs compiled expressions against a machine. Its env mirrors the
// machine; every change to the machine goes through it. Not safe for
// concurrent use.
type evaluator struct {
	sc     *Scenario
	env    map[string]any
	visits map[string]int
	vm     vm.VM
	vals   []any // scratch for effect values
}

func newEvaluator(sc *Scenario) *evaluator {
	ev := &evaluator{}
	ev.init(sc)
	return ev
}

// init readies a zero evaluator for sc.
func (ev *evaluator) init(sc *Scenario) {
	ev.sc, ev.env = sc, make(map[string]any, len(sc.Mood)+len(sc.Vars)+6)
	if sc.keyVisits { // otherwise no expression reads visits
		ev.visits = make(map[string]int, len(sc.nodes)+len(sc.endings))
	}
	ev.env[nameVisits] = ev.visits
}

// load copies the whole machine into the env.
func (ev *evaluator) load(m *machine) {
	for i, md := range ev.sc.Mood {
		ev.env[md.Name] = m.mood[i]
	}
	for i, v := range ev.sc.Vars {
		ev.env[v.Name] = m.vars[i]
	}
	if ev.sc.keyVisits {
		for t, n := range m.visits {
			ev.visits[ev.sc.targetID(target(t))] = n
		}
	}
	ev.env[nameTurn] = m.turn
	ev.env[nameReply] = m.reply
	ev.env[nameNode] = ev.sc.boxed[m.at]
	ev.env[nameNext], ev.env[nameNextEnding] = "", false
}

func (ev *evaluator) run(p *vm.Program) (any, error) {
	return ev.vm.Run(p, ev.env)
}

func (ev *evaluator) holds(p *vm.Program) (bool, error) {
	if p == nil {
		return true, nil
	}
	v, err := ev.run(p)
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// set assigns a variable, clamping mood to its range.
func (ev *evaluator) set(m *machine, ref varRef, v any) error {
	if ref.mood {
		f, ok := v.(float64)
		if !ok || math.IsNaN(f) {
			return fmt.Errorf("mood %q would become %v, not a number", ev.sc.Mood[ref.i].Name, v)
		}
		ev.setMood(m, ref.i, f)
		return nil
	}
	if err := badEffect(ev.sc.Vars[ref.i].Name, v); err != nil {
		return err
	}
	m.vars[ref.i] = v
	ev.env[ev.sc.Vars[ref.i].Name] = v
	return nil
}

func (ev *evaluator) setMood(m *machine, i int, f float64) {
	md := &ev.sc.Mood[i]
	f = math.Max(md.Min, math.Min(md.Max, f))
	if m.mood[i] == f {
		return
	}
	m.mood[i] = f
	ev.env[md.Name] = f
}

// applyEffects computes every effect against the current state, then
// assigns them all.
func (ev *evaluator) applyEffects(m *machine, effects []effect) error {
	ev.vals = ev.vals[:0]
	for _, e := range effects {
		v, err := ev.run(e.prog)
		if err != nil {
			return err
		}
		ev.vals = append(ev.vals, v)
	}
	for i, e := range effects {
		if err := ev.set(m, e.ref, ev.vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// available reports whether reply r of the current node is on offer.
func (ev *evaluator) available(m *machine, r *reply) (bool, error) {
	if r.once >= 0 && m.used[r.once] {
		return false, nil
	}
	return ev.holds(r.when)
}

// step applies reply r (of the current node) to m and moves to the
// destination. It returns the rules that fired, in order. On error m is
// partly changed: the caller restores it.
func (ev *evaluator) step(m *machine, r *reply, fired []int) ([]int, error) {
	to, err := ev.apply(m, r)
	if err != nil {
		return fired, err
	}
	return ev.settle(m, to, fired)
}

// apply is the first half of step: the reply's effects, its once flag, the
// turn, and where its next leads. The reply's reaction is said here, seeing
// this state.
func (ev *evaluator) apply(m *machine, r *reply) (target, error) {
	if err := ev.applyEffects(m, r.effects); err != nil {
		return noTarget, fmt.Errorf("reply %q: %w", r.id, err)
	}
	if r.once >= 0 {
		m.used[r.once] = true
	}
	m.turn++
	m.reply = r.id
	ev.env[nameTurn] = m.turn
	ev.env[nameReply] = r.boxedID
	return ev.next(r)
}

// settle is the second half of step: drift, the rules (which see where the
// reply was going as next and next_ending), and arriving.
func (ev *evaluator) settle(m *machine, to target, fired []int) ([]int, error) {
	ev.drift(m)
	ev.env[nameNext], ev.env[nameNextEnding] = ev.sc.boxed[to], ev.sc.isEnding(to)
	to, fired, err := ev.rules(m, to, fired)
	ev.env[nameNext], ev.env[nameNextEnding] = "", false
	if err != nil {
		return fired, err
	}
	ev.enter(m, to)
	return fired, nil
}

func (ev *evaluator) next(r *reply) (target, error) {
	for _, b := range r.next {
		ok, err := ev.holds(b.when)
		if err != nil {
			return noTarget, fmt.Errorf("reply %q next: %w", r.id, err)
		}
		if ok {
			return b.to, nil
		}
	}
	return noTarget, fmt.Errorf("reply %q: none of its next entries holds; give the last entry no when", r.id)
}

func (ev *evaluator) drift(m *machine) {
	for i, md := range ev.sc.Mood {
		if md.Drift == 0 || !md.HasBaseline {
			continue
		}
		v := m.mood[i]
		switch {
		case v > md.Baseline:
			ev.setMood(m, i, math.Max(md.Baseline, v-md.Drift))
		case v < md.Baseline:
			ev.setMood(m, i, math.Min(md.Baseline, v+md.Drift))
		}
	}
}

func (ev *evaluator) rules(m *machine, to target, fired []int) (target, []int, error) {
	for i := range ev.sc.rules {
		r := &ev.sc.rules[i]
		if r.once >= 0 && m.used[r.once] {
			continue
		}
		ok, err := ev.holds(r.when)
		if err != nil {
			return to, fired, fmt.Errorf("rule %q: %w", r.id, err)
		}
		if !ok {
			continue
		}
		if r.once >= 0 {
			m.used[r.once] = true
		}
		if err := ev.applyEffects(m, r.effects); err != nil {
			return to, fired, fmt.Errorf("rule %q: %w", r.id, err)
		}
		fired = append(fired, i)
		if r.to != noTarget {
			return r.to, fired, nil
		}
	}
	return to, fired, nil
}

func (ev *evaluator) enter(m *machine, to target) {
	m.at = to
	m.visits[to]++
	if ev.sc.keyVisits {
		ev.visits[ev.sc.targetID(to)] = m.visits[to]
	}
	ev.env[nameNode] = ev.sc.boxed[to]
}
