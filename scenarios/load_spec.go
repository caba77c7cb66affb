package scenarios

import (
	"fmt"
	"regexp"

	"parley/engine"
)

var (
	validDifficulties = []string{"easy", "medium", "hard"}
	validOutcomes     = []string{"resolved", "escalated", "lost", "parted"}
	validOrders       = []string{"shuffled", "fixed"}
	validGoods        = []string{"low", "high"}
)

// spec decodes the top-level table.
func (l *specLoader) spec(raw map[string]any) *engine.Spec {
	top := tomlTable{name: "the top-level table", m: raw}
	l.checkKeys(top)
	return &engine.Spec{
		ID:           l.id(top, "id"),
		Title:        l.str(top, "title"),
		Summary:      l.str(top, "summary"),
		Difficulty:   l.oneOf(top, "difficulty", validDifficulties),
		Minutes:      l.minutes(top),
		Tags:         l.strs(top, "tags", false),
		Start:        l.str(top, "start"),
		StartPos:     l.valuePos(top, "start"),
		Competencies: l.competencies(top),
		Persona:      l.persona(top),
		Mood:         l.moods(top),
		State:        l.state(top),
		Nodes:        l.nodes(top),
		Rules:        l.rules(top),
		Endings:      l.endings(top),
		Pos:          engine.Pos{Line: 1, Col: 1},
	}
}

func (l *specLoader) minutes(top tomlTable) int {
	n := l.integer(top, "minutes")
	if _, ok := top.m["minutes"].(int64); ok && n < 1 {
		l.badValue(top, "minutes", "%q in %s must be at least 1, not %d; write how long the scenario takes, like minutes = 10",
			"minutes", top.name, n)
	}
	return n
}

// competencies decodes [competencies.NAME] tables, in file order.
func (l *specLoader) competencies(top tomlTable) []engine.CompetencySpec {
	return namedTables(l, top, "competencies", "competency", "competency", idNamePattern, l.competency)
}

// namedTables decodes the [key.NAME] tables under top, in file order, each
// with decode: kind is their table kind (which keys they accept), what names
// one of them in messages, pattern is what a NAME must look like.
func namedTables[T any](l *specLoader, top tomlTable, key, kind, what string, pattern *regexp.Regexp, decode func(tomlTable, string) T) []T {
	t, ok := l.sub(top, key, byName, "["+key+"]")
	if !ok {
		return nil
	}
	var out []T
	for _, name := range l.keys(t) {
		l.checkName(t, name, what, pattern)
		if sub, ok := l.sub(t, name, kind, "["+tomlName(t.at(name))+"]"); ok {
			out = append(out, decode(sub, name))
		}
	}
	return out
}

func (l *specLoader) competency(t tomlTable, name string) engine.CompetencySpec {
	l.checkKeys(t)
	pass := l.integer(t, "pass")
	if _, ok := t.m["pass"].(int64); ok && (pass < 0 || pass > 100) {
		l.badValue(t, "pass", "%q in %s must be between 0 and 100, not %d; write the pass mark as a percentage, like pass = 60",
			"pass", t.name, pass)
	}
	return engine.CompetencySpec{
		ID:          name,
		Label:       l.str(t, "label"),
		Description: l.str(t, "description"),
		Pass:        pass,
		Pos:         l.pos(t),
	}
}

func (l *specLoader) persona(top tomlTable) engine.Persona {
	t, ok := l.sub(top, "persona", "persona", "[persona]")
	if !ok {
		return engine.Persona{}
	}
	l.checkKeys(t)
	return engine.Persona{
		Name:      l.str(t, "name"),
		Role:      l.str(t, "role"),
		Company:   l.str(t, "company"),
		Backstory: l.str(t, "backstory"),
		Briefing:  l.str(t, "briefing"),
	}
}

// oneOf returns the string at key, reporting it when it is not one of allowed.
func (l *specLoader) oneOf(t tomlTable, key string, allowed []string) string {
	s := l.str(t, key)
	if _, ok := t.m[key].(string); !ok {
		return s
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	l.badValue(t, key, "%q in %s must be %s, not %q; %s", key, t.name, quotedOrList(allowed), s, valueHint(key, s, allowed))
	return s
}

// valueHint says which allowed value to write instead of s.
func valueHint(key, s string, allowed []string) string {
	if a := nearestName(s, allowed); a != "" {
		return fmt.Sprintf("write %s = %q", key, a)
	}
	return "write the one that fits"
}

// quotedOrList quotes items and joins them: "a", "b" or "c".
func quotedOrList(items []string) string {
	out := ""
	for i, it := range items {
		switch {
		case i == 0:
		case i == len(items)-1:
			out += " or "
		default:
			out += ", "
		}
		out += fmt.Sprintf("%q", it)
	}
	return out
}
