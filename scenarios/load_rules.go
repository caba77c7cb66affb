package scenarios

import "parley/engine"

// rules decodes the [[rules]] array.
func (l *specLoader) rules(top tomlTable) []engine.RuleSpec {
	var out []engine.RuleSpec
	for _, t := range l.tables(top, "rules", "rule", elementNamer("rule", "")) {
		out = append(out, l.rule(t))
	}
	return out
}

func (l *specLoader) rule(t tomlTable) engine.RuleSpec {
	l.checkKeys(t)
	if s, ok := t.m["when"].(string); ok && s == "" {
		l.badValue(t, "when", "\"when\" in %s is empty; write the condition that makes the rule fire, like when = \"turn >= 3\"", t.name)
	}
	return engine.RuleSpec{
		ID:      l.id(t, "id"),
		When:    l.expr(t, "when"),
		Effects: l.effects(t),
		Say:     l.strs(t, "say", true),
		Goto:    l.str(t, "goto"),
		GotoPos: l.valuePos(t, "goto"),
		Once:    l.boolean(t, "once"),
		Pos:     l.pos(t),
	}
}

// endings decodes the [[endings]] array.
func (l *specLoader) endings(top tomlTable) []engine.EndingSpec {
	l.nonEmpty(top, "endings")
	var out []engine.EndingSpec
	for _, t := range l.tables(top, "endings", "ending", elementNamer("ending", "")) {
		out = append(out, l.ending(t))
	}
	return out
}

func (l *specLoader) ending(t tomlTable) engine.EndingSpec {
	l.checkKeys(t)
	return engine.EndingSpec{
		ID:      l.id(t, "id"),
		Title:   l.str(t, "title"),
		Outcome: l.oneOf(t, "outcome", validOutcomes),
		Success: l.optionalBool(t, "success"),
		Text:    l.str(t, "text"),
		Lines:   l.lines(t),
		Pos:     l.pos(t),
	}
}
