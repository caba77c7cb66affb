package engine

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ResumeBinary brings back a session saved with AppendState. The scenario
// must be the version the state was saved with. The data is untrusted: every
// count and index is checked against the scenario, nothing is allocated
// beyond what the data's length allows, and anything that does not fit is
// an error wrapping ErrBadState.
func (sc *Scenario) ResumeBinary(data []byte) (*Session, error) {
	d := stateReader{data: data}
	h := d.head()
	if d.err != nil {
		return nil, fmt.Errorf("resume: %w", d.err)
	}
	if string(h.scenario) != sc.ID || string(h.version) != sc.Version {
		return nil, fmt.Errorf("resume: state is for %s@%.12s, scenario is %s@%.12s; load the version the attempt was played on: %w",
			h.scenario, h.version, sc.ID, sc.Version, ErrBadState)
	}
	t, ok := sc.targets[string(h.at)]
	if !ok {
		return nil, fmt.Errorf("resume: unknown node %q: %w", h.at, ErrBadState)
	}
	s := sc.newSession(h.seed)
	s.m.at, s.m.turn = t, h.turn
	if d.body(s); d.err != nil {
		return nil, fmt.Errorf("resume: %w", d.err)
	}
	s.ev.load(&s.m)
	s.lines = s.say(s.m.at)
	return s, nil
}

// stateReader reads a binary state. The first error stops it: every read
// after it returns zero values.
type stateReader struct {
	data []byte
	off  int
	err  error
}

// stateHead is the head as read, its strings still in the data.
type stateHead struct {
	scenario, version, at []byte
	seed                  uint64
	turn                  int
}

func (d *stateReader) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("binary state at byte %d: %s: %w", d.off, fmt.Sprintf(format, args...), ErrBadState)
	}
}

func (d *stateReader) head() stateHead {
	if !IsBinaryState(d.data) {
		d.fail("not a binary state (it starts %q, not %q)", d.data[:min(len(d.data), 3)], stateMagic)
		return stateHead{}
	}
	d.off = len(stateMagic)
	if f := d.data[d.off]; f != StateFormat {
		d.fail("format %d is unknown to this build, which reads format %d: was it written by a newer Parley?", f, StateFormat)
		return stateHead{}
	}
	d.off++
	var h stateHead
	h.scenario, h.version = d.str("scenario"), d.str("version")
	h.at = d.str("node")
	h.turn = d.int("turn")
	h.seed = d.u64("seed")
	return h
}

func (d *stateReader) body(s *Session) {
	sc, m := s.sc, &s.m
	d.count("mood values", len(m.mood))
	for i := range m.mood {
		f := math.Float64frombits(d.u64("mood"))
		if md := &sc.Mood[i]; !(f >= md.Min && f <= md.Max) {
			d.fail("mood %s is %g, outside its range %g..%g", md.Name, f, md.Min, md.Max)
		}
		m.mood[i] = f
	}
	d.count("state variables", len(m.vars))
	for i := range m.vars {
		d.variable(sc.Vars[i].Name, &m.vars[i])
	}
	d.visits(m.visits)
	d.count("once flags", len(m.used))
	d.bits(m.used)
	d.count("competencies", len(s.points))
	for i := range s.points {
		s.points[i] = d.varint("points")
	}
	for i := range s.points { // one list per competency
		if refs := d.steps(sc, "blocks"); refs != nil {
			if s.blocked == nil {
				s.blocked = make([][]stepRef, len(s.points))
			}
			s.blocked[i] = refs
		}
	}
	s.history = d.steps(sc, "history")
	reply := d.str("reply")
	switch {
	case len(reply) == 0:
	case len(s.history) > 0 && string(reply) == sc.step(s.history[len(s.history)-1]).Reply:
		m.reply = sc.step(s.history[len(s.history)-1]).Reply // the scenario's string: no copy
	default:
		m.reply = string(reply)
	}
	if d.err == nil && d.off != len(d.data) {
		d.fail("%d bytes more than a state holds", len(d.data)-d.off)
	}
}

// variable reads a state variable over v, which holds its default: it must
// be of the default's kind. A value equal to what v holds keeps v's box.
func (d *stateReader) variable(name string, v *any) {
	if d.err != nil {
		return
	}
	tag, want := d.byte(name), kindOf(*v)
	switch {
	case (tag == tagFalse || tag == tagTrue) && want == kindBool:
		*v = tag == tagTrue
	case tag == tagNumber && want == kindNumber:
		f := math.Float64frombits(d.u64(name))
		if what := badValue(f); what != "" {
			d.fail("state %s is %s", name, what)
		} else if old, _ := (*v).(float64); f != old {
			*v = f
		}
	case tag == tagString && want == kindString:
		b := d.str(name)
		if len(b) > MaxTextLen {
			d.fail("state %s is %d bytes long, over the %d a text may hold", name, len(b), MaxTextLen)
		} else if string(b) != (*v).(string) {
			*v = string(b)
		}
	default:
		d.fail("state %s: tag %d does not fit a variable that is %s", name, tag, kindWords(*v))
	}
}

// visits reads the visit counts into visits, whose length is the number
// of targets.
func (d *stateReader) visits(visits []int) {
	clear(visits)
	n := d.uvarint("visited targets")
	if n > uint64(len(visits)) {
		d.fail("%d targets visited, the scenario has %d", n, len(visits))
		return
	}
	next := uint64(0)
	for range n {
		t := next + d.uvarint("visit gap")
		count := d.int("visits")
		if d.err != nil {
			return
		}
		if t >= uint64(len(visits)) || count == 0 {
			d.fail("visits of target %d: %d", t, count)
			return
		}
		visits[t], next = count, t+1
	}
}

// bits reads len(used) once flags, 8 to a byte; unused bits must be 0.
func (d *stateReader) bits(used []bool) {
	b := d.take((len(used)+7)/8, "once flags")
	if d.err != nil {
		return
	}
	for i := range used {
		used[i] = b[i/8]&(1<<(i%8)) != 0
	}
	if r := len(used) % 8; r != 0 && b[len(b)-1]>>r != 0 {
		d.fail("once flags beyond the scenario's %d", len(used))
	}
}

// steps reads a list of replies by index; nil when empty.
func (d *stateReader) steps(sc *Scenario, what string) []stepRef {
	k := d.uvarint(what)
	if d.err != nil || k == 0 {
		return nil
	}
	if k > uint64(len(d.data)-d.off)/2 { // a step takes at least two bytes
		d.fail("%d steps of %s in %d bytes", k, what, len(d.data)-d.off)
		return nil
	}
	out := make([]stepRef, k)
	for i := range out {
		node, reply := d.uvarint(what), d.uvarint(what)
		if d.err != nil {
			return nil
		}
		if node >= uint64(len(sc.nodes)) || reply >= uint64(len(sc.nodes[node].replies)) {
			d.fail("%s: no reply %d at node %d", what, reply, node)
			return nil
		}
		out[i] = stepRef{node: int32(node), reply: int32(reply)}
	}
	return out
}

func (d *stateReader) count(what string, want int) {
	if n := d.uvarint(what); d.err == nil && n != uint64(want) {
		d.fail("%d %s, the scenario has %d", n, what, want)
	}
}

func (d *stateReader) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.data)-d.off {
		d.fail("%s: %d bytes wanted, %d left", what, n, len(d.data)-d.off)
		return nil
	}
	b := d.data[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *stateReader) byte(what string) byte {
	if b := d.take(1, what); b != nil {
		return b[0]
	}
	return 0
}

func (d *stateReader) u64(what string) uint64 {
	if b := d.take(8, what); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *stateReader) str(what string) []byte {
	n := d.uvarint(what)
	if d.err == nil && n > uint64(len(d.data)-d.off) {
		d.fail("%s: %d bytes wanted, %d left", what, n, len(d.data)-d.off)
	}
	return d.take(int(n), what)
}

func (d *stateReader) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.fail("%s: not a number", what)
		return 0
	}
	d.off += n
	return v
}

// int reads a uvarint that must fit maxStateInt.
func (d *stateReader) int(what string) int {
	v := d.uvarint(what)
	if v > maxStateInt {
		d.fail("%s: %d is too large", what, v)
		return 0
	}
	return int(v)
}

// varint reads a zig-zag varint that must fit ±maxStateInt.
func (d *stateReader) varint(what string) int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 || v > maxStateInt || v < -maxStateInt {
		d.fail("%s: not a number within ±%d", what, maxStateInt)
		return 0
	}
	d.off += n
	return int(v)
}
