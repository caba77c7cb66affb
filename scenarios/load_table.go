package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"parley/engine"
)

// tomlTable is one decoded TOML table: its values, its path in the document, and
// how messages name it.
type tomlTable struct {
	kind string // its entry in acceptedKeys
	name string // for messages: `reply "own-it" in node "open"`
	path []string
	m    map[string]any
}

// byName is the kind of the tables whose keys are names the author chooses
// (mood variables, competencies, effects): they have no fixed keys.
const byName = "by-name"

// at returns the path of key in t.
func (t tomlTable) at(key ...string) []string {
	return append(t.path[:len(t.path):len(t.path)], key...)
}

// pos is where the table's entry starts: its header or brace (1:1 for the
// top-level table).
func (l *specLoader) pos(t tomlTable) engine.Pos {
	if len(t.path) == 0 {
		return engine.Pos{Line: 1, Col: 1}
	}
	return l.index.lookup(t.path).Value()
}

// valuePos is where the value at key stands, or the zero Pos when the table
// has no such key.
func (l *specLoader) valuePos(t tomlTable, key string) engine.Pos {
	if _, ok := t.m[key]; !ok {
		return engine.Pos{}
	}
	return l.index.lookup(t.at(key)).Value()
}

// keys returns the table's keys in file order.
func (l *specLoader) keys(t tomlTable) []string {
	return l.index.inOrder(t.path, slices.Sorted(maps.Keys(t.m)))
}

// checkKeys reports keys the table's kind does not accept, and required ones
// it lacks (unless an unknown key is a misspelling of one: that is reported
// once, as unknown).
func (l *specLoader) checkKeys(t tomlTable) {
	accepted := acceptedKeys[t.kind]
	var misspelt map[string]bool
	for k := range t.m { // any order: problems are sorted by position at the end
		if slices.Contains(accepted, k) {
			continue
		}
		if misspelt == nil {
			misspelt = map[string]bool{}
		}
		near := nearestName(k, accepted)
		misspelt[near] = true
		l.report(l.index.lookup(t.at(k)).Key(), "unknown-key", "unknown key %q in %s; %s",
			k, t.name, unknownKeyAdvice(near, accepted))
	}
	for _, k := range requiredKeys[t.kind] {
		if _, ok := t.m[k]; !ok && !misspelt[k] {
			l.report(l.pos(t), "missing-key", "%s has no %q; add %s", t.name, k, missingKeyHint(k))
		}
	}
}

// str returns the string at key, or "" when it is absent or not a string.
func (l *specLoader) str(t tomlTable, key string) string {
	v, ok := t.m[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		l.wrongType(t, key, v, "a string", key+` = "…"`)
	}
	return s
}

// expr returns the expression at key, positioned at its first character.
func (l *specLoader) expr(t tomlTable, key string) engine.Expr {
	src := l.str(t, key)
	if src == "" {
		return engine.Expr{}
	}
	return engine.Expr{Src: src, Pos: l.index.lookup(t.at(key)).Text()}
}

// integer returns the integer at key, or 0.
func (l *specLoader) integer(t tomlTable, key string) int {
	v, ok := t.m[key]
	if !ok {
		return 0
	}
	n, ok := v.(int64)
	if !ok {
		l.wrongType(t, key, v, "an integer", key+" = 10")
	}
	return int(n)
}

// number returns the number (integer or float) at key, and whether there is
// one.
func (l *specLoader) number(t tomlTable, key string) (float64, bool) {
	v, ok := t.m[key]
	if !ok {
		return 0, false
	}
	f, ok := tomlNumber(v)
	if !ok {
		l.wrongType(t, key, v, "a number", key+" = 50")
	}
	return f, ok
}

func tomlNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// boolean returns the bool at key, or false.
func (l *specLoader) boolean(t tomlTable, key string) bool {
	v, ok := t.m[key]
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		l.wrongType(t, key, v, "true or false", key+" = true")
	}
	return b
}

// optionalBool returns the bool at key, or nil when the key is absent.
func (l *specLoader) optionalBool(t tomlTable, key string) *bool {
	if _, ok := t.m[key]; !ok {
		return nil
	}
	b := l.boolean(t, key)
	return &b
}

// strs returns the array of strings at key; a single string is accepted when
// single is true (for say).
func (l *specLoader) strs(t tomlTable, key string, single bool) []string {
	v, ok := t.m[key]
	if !ok {
		return nil
	}
	if s, ok := v.(string); ok && single {
		return []string{s}
	}
	items, ok := v.([]any)
	if !ok {
		want, example := "an array of strings", key+` = ["…", "…"]`
		if single {
			want, example = "a string or "+want, key+` = "…" or `+example
		}
		l.wrongType(t, key, v, want, example)
	}
	return l.strItems(t, key, items)
}

func (l *specLoader) strItems(t tomlTable, key string, items []any) []string {
	var out []string
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			l.report(l.index.lookup(t.at(key, strconv.Itoa(i))).Value(), "toml-type",
				"item %d of %q in %s must be a string, not %s; write %s", i+1, key, t.name,
				tomlTypeName(item), key+` = ["…", "…"]`)
			continue
		}
		out = append(out, s)
	}
	return out
}

// sub returns the table at key, if there is one.
func (l *specLoader) sub(t tomlTable, key, kind, name string) (tomlTable, bool) {
	v, ok := t.m[key]
	if !ok {
		return tomlTable{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		l.wrongType(t, key, v, "a table", tableTypeHint(t, key))
		return tomlTable{}, false
	}
	return tomlTable{kind: kind, name: name, path: t.at(key), m: m}, true
}

// tableTypeHint shows how to write a table at key in t: as a [header] near the
// top, inline deeper down.
func tableTypeHint(t tomlTable, key string) string {
	if len(t.path) <= 1 {
		return "a [" + tomlName(t.at(key)) + "] table"
	}
	return key + " = { … }"
}

// list returns the array at key (an array of tables or an inline array).
func (l *specLoader) list(t tomlTable, key, example string) []any {
	v, ok := t.m[key]
	if !ok {
		return nil
	}
	items, ok := tomlArray(v)
	if !ok {
		l.wrongType(t, key, v, "an array", example)
	}
	return items
}

// tomlArray returns the items of an inline array or an array of tables.
func tomlArray(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i, m := range a {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// tables returns the array of tables at key; name names element i for
// messages.
func (l *specLoader) tables(t tomlTable, key, kind string, name func(i int, m map[string]any) string) []tomlTable {
	var out []tomlTable
	for i, v := range l.list(t, key, "[["+tomlName(t.at(key))+"]] entries") {
		path := t.at(key, strconv.Itoa(i))
		m, ok := v.(map[string]any)
		if !ok {
			l.report(l.index.lookup(path).Value(), "toml-type", "item %d of %q in %s must be a table, not %s; write [[%s]] entries",
				i+1, key, t.name, tomlTypeName(v), key)
			continue
		}
		out = append(out, tomlTable{kind: kind, name: name(i, m), path: path, m: m})
	}
	return out
}

// wrongType reports that the value at key is not of the type wanted.
func (l *specLoader) wrongType(t tomlTable, key string, v any, want, example string) {
	l.report(l.index.lookup(t.at(key)).Value(), "toml-type", "%q in %s must be %s, not %s; write %s",
		key, t.name, want, tomlTypeName(v), example)
}

// tomlTypeName names the TOML type of a decoded value.
func tomlTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// elementName names an element of an array of tables by its id when it has one, or
// by its 1-based number.
func elementName(kind string, i int, m map[string]any) string {
	if id, ok := m["id"].(string); ok && id != "" {
		return fmt.Sprintf("%s %q", kind, id)
	}
	return fmt.Sprintf("%s %d", kind, i+1)
}

// missingKeyHint says how to add a missing key.
func missingKeyHint(key string) string {
	if h, ok := missingKeyHints[key]; ok {
		return h
	}
	return key + ` = "…"`
}

var missingKeyHints = map[string]string{
	"id":         `id = "some-id" (lower-case letters, digits and -)`,
	"difficulty": `difficulty = "easy", "medium" or "hard"`,
	"minutes":    "minutes = 10",
	"persona":    "a [persona] table with name, role and briefing",
	"nodes":      "at least one [[nodes]] entry",
	"endings":    "at least one [[endings]] entry",
	"start":      "start = 0",
	"min":        "min = 0",
	"max":        "max = 100",
	"outcome":    `outcome = "resolved", "escalated", "lost" or "parted"`,
	"next":       `next = "node-id" or an array of { when, goto }`,
	"when":       `when = "expression"`,
	"goto":       `goto = "node-id"`,
}

// unknownKeyAdvice says what to do about an unknown key: use the accepted
// key it nearly matches (near), or remove it.
func unknownKeyAdvice(near string, accepted []string) string {
	if near != "" {
		return fmt.Sprintf("did you mean %q?", near)
	}
	return "remove it; the keys here are " + strings.Join(accepted, ", ")
}

// nearestName returns the candidate that s nearly matches: the same but for case,
// or a typo or two away. It returns "" when none does.
func nearestName(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if len(s) > 2*len(c) {
			continue
		}
		d := engine.EditDistance(strings.ToLower(s), c)
		if d < bestDist && (d <= 1 || d == 2 && len(c) >= 6) {
			best, bestDist = c, d
		}
	}
	return best
}
