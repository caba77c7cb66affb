package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"parley/engine"
)

var (
	// idPattern is what ids of scenarios, nodes, replies, endings, rules and
	// competencies look like.
	idNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	// identPattern is what names of mood and state variables look like.
	varNamePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	// reservedNames are names expressions see that variables may not take.
	reservedNames = []string{"turn", "visits", "node", "reply", "next", "next_ending", "true", "false", "nil"}
)

// moods decodes [mood.NAME] tables, in file order.
func (l *specLoader) moods(top tomlTable) []engine.MoodSpec {
	return namedTables(l, top, "mood", "mood", "mood variable", varNamePattern, l.mood)
}

func (l *specLoader) mood(t tomlTable, name string) engine.MoodSpec {
	l.checkKeys(t)
	m := engine.MoodSpec{Name: name, Label: l.str(t, "label"), Pos: l.pos(t)}
	m.Start, _ = l.number(t, "start")
	m.Min, _ = l.number(t, "min")
	m.Max, _ = l.number(t, "max")
	m.Bands = l.bands(t)
	m.Good = l.oneOf(t, "good", validGoods)
	drift, hasDrift := l.number(t, "drift")
	m.Drift = drift
	m.Baseline, m.HasBaseline = l.number(t, "baseline")
	m.KeyPos = map[string]engine.Pos{}
	for _, key := range []string{"start", "min", "max", "drift", "baseline", "bands"} {
		if pos := l.valuePos(t, key); pos != (engine.Pos{}) {
			m.KeyPos[key] = pos
		}
	}
	if _, ok := t.m["baseline"]; hasDrift && !ok {
		l.badValue(t, "drift", "%s has drift but no baseline to drift toward; add baseline = <the value it settles at>", t.name)
	}
	return m
}

// bands decodes bands = [[threshold, "label"], ...].
func (l *specLoader) bands(t tomlTable) []engine.Band {
	var out []engine.Band
	for i, v := range l.list(t, "bands", `bands = [[50, "annoyed"], [0, "calm"]]`) {
		b, ok := decodeBand(v)
		b.Pos = l.index.lookup(t.at("bands", strconv.Itoa(i))).Value()
		if !ok {
			l.report(b.Pos, "bad-value",
				"band %d in %s must be [threshold, \"label\"], like [50, \"annoyed\"]", i+1, t.name)
			continue
		}
		out = append(out, b)
	}
	return out
}

func decodeBand(v any) (engine.Band, bool) {
	pair, ok := v.([]any)
	if !ok || len(pair) != 2 {
		return engine.Band{}, false
	}
	from, okFrom := tomlNumber(pair[0])
	label, okLabel := pair[1].(string)
	return engine.Band{From: from, Label: label}, okFrom && okLabel
}

// state decodes [state]: variables with their defaults, in file order.
func (l *specLoader) state(top tomlTable) []engine.VarSpec {
	t, ok := l.sub(top, "state", byName, "[state]")
	if !ok {
		return nil
	}
	var out []engine.VarSpec
	for _, name := range l.keys(t) {
		l.checkName(t, name, "state variable", varNamePattern)
		w := l.index.lookup(t.at(name))
		v := engine.VarSpec{Name: name, Pos: w.Key()}
		value, valuePos := t.m[name], w.Value()
		if m, ok := value.(map[string]any); ok {
			// name = { default = false, label = "…", decides = true }
			vt := tomlTable{kind: "state-var", name: fmt.Sprintf("state variable %q", name), path: t.at(name), m: m}
			l.checkKeys(vt)
			v.Label, v.Decides = l.str(vt, "label"), l.boolean(vt, "decides")
			value, valuePos = m["default"], l.valuePos(vt, "default")
			if value == nil {
				continue // reported by checkKeys as missing
			}
		}
		var ok bool
		if v.Default, ok = stateDefault(value); !ok {
			l.report(valuePos, "toml-type", "state variable %q must default to a bool, a number or a string, not %s; write %s = false, %s = 0 or %s = \"\"",
				name, tomlTypeName(value), name, name, name)
			continue
		}
		out = append(out, v)
	}
	return out
}

// stateDefault is a state variable's default as the engine holds it.
func stateDefault(v any) (any, bool) {
	switch v := v.(type) {
	case bool, float64, string:
		return v, true
	case int64:
		return float64(v), true
	}
	return nil, false
}

// checkName reports a mood variable, state variable or competency whose name
// (a key of t) is malformed or reserved.
func (l *specLoader) checkName(t tomlTable, name, what string, pattern *regexp.Regexp) {
	pos := l.index.lookup(t.at(name)).Key()
	switch {
	case !pattern.MatchString(name):
		l.report(pos, "bad-value", "%s name %q must be %s; rename it%s", what, name, namePatternWords(pattern), renameHint(name, pattern))
	case pattern == varNamePattern && slices.Contains(reservedNames, name):
		l.report(pos, "bad-value", "%s name %q is reserved (%s are); rename it", what, name, strings.Join(reservedNames, ", "))
	}
}

// id returns the id at key, reporting it when it is malformed.
func (l *specLoader) id(t tomlTable, key string) string {
	s := l.str(t, key)
	if _, ok := t.m[key].(string); ok && !idNamePattern.MatchString(s) {
		l.badValue(t, key, "%s %q in %s must be %s; write %s = %q", key, s, t.name, namePatternWords(idNamePattern), key, fixedName(s, idNamePattern))
	}
	return s
}

// namePatternWords says in words what names matching pattern look like.
func namePatternWords(pattern *regexp.Regexp) string {
	if pattern == varNamePattern {
		return "lower-case letters, digits and _, not starting with a digit"
	}
	return "lower-case letters, digits and -, starting with a letter or digit"
}

func renameHint(name string, pattern *regexp.Regexp) string {
	if fixed := fixedName(name, pattern); pattern.MatchString(fixed) {
		return fmt.Sprintf(" to %q", fixed)
	}
	return ""
}

// fixedName turns name into one that matches pattern, as nearly as it can.
func fixedName(name string, pattern *regexp.Regexp) string {
	sep := '-'
	if pattern == varNamePattern {
		sep = '_'
	}
	fixed := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == sep {
			return r
		}
		return sep
	}, strings.ToLower(name))
	fixed = strings.TrimLeft(fixed, "-")
	if pattern == varNamePattern && fixed != "" && fixed[0] >= '0' && fixed[0] <= '9' {
		fixed = "_" + fixed
	}
	if fixed == "" {
		return "some-id"
	}
	return fixed
}

// badValue reports a value (at key in t) outside what its key accepts.
func (l *specLoader) badValue(t tomlTable, key, format string, args ...any) {
	l.report(l.index.lookup(t.at(key)).Value(), "bad-value", format, args...)
}
