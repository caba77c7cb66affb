package scenarios

import (
	"fmt"
	"strconv"

	"parley/engine"
)

// nodes decodes the [[nodes]] array.
func (l *specLoader) nodes(top tomlTable) []engine.NodeSpec {
	l.nonEmpty(top, "nodes")
	tables := l.tables(top, "nodes", "node", elementNamer("node", ""))
	out := make([]engine.NodeSpec, len(tables))
	if len(tables) < 64 {
		for i, t := range tables {
			out[i] = l.node(t)
		}
		return out
	}
	// Nodes are read independently, so a large file's second half is read
	// on another core, by a loader with its own lookup buffer and problems.
	half := len(tables) / 2
	other := &specLoader{index: &posIndex{lines: l.index.lines, entries: l.index.entries}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := half; i < len(tables); i++ {
			out[i] = other.node(tables[i])
		}
	}()
	for i := range half {
		out[i] = l.node(tables[i])
	}
	<-done
	l.problems = append(l.problems, other.problems...)
	return out
}

func (l *specLoader) node(t tomlTable) engine.NodeSpec {
	l.checkKeys(t)
	n := engine.NodeSpec{ID: l.id(t, "id"), Lines: l.lines(t), Pos: l.pos(t)}
	if _, ok := t.m["order"]; ok {
		n.Fixed = l.oneOf(t, "order", validOrders) == "fixed"
		n.OrderPos = l.valuePos(t, "order")
	}
	for _, r := range l.tables(t, "replies", "reply", elementNamer("reply", " in "+t.name)) {
		n.Replies = append(n.Replies, l.reply(r))
	}
	return n
}

// elementNamer names elements of an array of tables for messages.
func elementNamer(kind, suffix string) func(int, map[string]any) string {
	return func(i int, m map[string]any) string { return elementName(kind, i, m) + suffix }
}

// nonEmpty reports an array at key that is present but has no entries.
func (l *specLoader) nonEmpty(t tomlTable, key string) {
	if a, ok := t.m[key].([]any); ok && len(a) == 0 {
		l.badValue(t, key, "%q in %s is empty; add %s", key, t.name, missingKeyHint(key))
	}
}

// lines decodes what a node or ending says: strings, or tables with text or
// variants.
func (l *specLoader) lines(t tomlTable) []engine.LineSpec { return l.linesAt(t, "lines") }

// linesAt decodes lines at key: lines, or a reply's reaction.
func (l *specLoader) linesAt(t tomlTable, key string) []engine.LineSpec {
	var out []engine.LineSpec
	for i, v := range l.list(t, key, key+` = ["…", { when = "…", text = "…" }]`) {
		path := t.at(key, strconv.Itoa(i))
		switch item := v.(type) {
		case string:
			out = append(out, engine.LineSpec{Variants: []string{item}, Pos: l.index.lookup(path).Value()})
		case map[string]any:
			name := fmt.Sprintf("line %d of %s", i+1, t.name)
			if line, ok := l.line(tomlTable{kind: "line", name: name, path: path, m: item}); ok {
				out = append(out, line)
			}
		default:
			l.report(l.index.lookup(path).Value(), "toml-type", "line %d of %s must be a string or a table, not %s; write \"…\" or { text = \"…\" }",
				i+1, t.name, tomlTypeName(v))
		}
	}
	return out
}

// line decodes { text = "…" } or { variants = [...] }, with an optional when.
func (l *specLoader) line(t tomlTable) (engine.LineSpec, bool) {
	l.checkKeys(t)
	line := engine.LineSpec{When: l.expr(t, "when"), Pos: l.pos(t)}
	_, hasText := t.m["text"]
	_, hasVariants := t.m["variants"]
	switch {
	case hasText && hasVariants:
		l.report(l.index.lookup(t.at("variants")).Key(), "bad-value", "%s has both \"text\" and \"variants\"; keep one of them", t.name)
	case hasText:
		line.Variants = []string{l.str(t, "text")}
	case hasVariants:
		line.Variants = l.strs(t, "variants", false)
		l.nonEmptyVariants(t)
	default:
		l.report(l.pos(t), "missing-key", "%s has no \"text\" or \"variants\"; add text = \"…\" or variants = [\"…\", \"…\"]", t.name)
	}
	return line, len(line.Variants) > 0
}

func (l *specLoader) nonEmptyVariants(t tomlTable) {
	if a, ok := t.m["variants"].([]any); ok && len(a) == 0 {
		l.badValue(t, "variants", "\"variants\" in %s is empty; add at least one, like variants = [\"…\", \"…\"]", t.name)
	}
}

func (l *specLoader) reply(t tomlTable) engine.ReplySpec {
	l.checkKeys(t)
	blocks, blocksPos := l.blocks(t)
	return engine.ReplySpec{
		ID:        l.id(t, "id"),
		Text:      l.str(t, "text"),
		When:      l.expr(t, "when"),
		Once:      l.boolean(t, "once"),
		Effects:   l.effects(t),
		Points:    l.points(t),
		Blocks:    blocks,
		BlocksPos: blocksPos,
		Principle: l.str(t, "principle"),
		Note:      l.str(t, "note"),
		Next:      l.next(t),
		Reaction:  l.linesAt(t, "reaction"),
		Pos:       l.pos(t),
	}
}

// blocks decodes blocks = ["competency", ...], with where each item stands,
// so that a misspelt one is pointed at.
func (l *specLoader) blocks(t tomlTable) ([]string, []engine.Pos) {
	ids := l.strs(t, "blocks", false)
	if len(ids) == 0 {
		return ids, nil
	}
	items, _ := t.m["blocks"].([]any)
	pos := make([]engine.Pos, 0, len(ids))
	for i, item := range items {
		if _, ok := item.(string); ok {
			pos = append(pos, l.index.lookup(t.at("blocks", strconv.Itoa(i))).Value())
		}
	}
	return ids, pos
}

// effects decodes effects = { var = "expression" }, in file order.
func (l *specLoader) effects(t tomlTable) []engine.Effect {
	e, ok := l.sub(t, "effects", byName, "\"effects\" in "+t.name)
	if !ok {
		return nil
	}
	var out []engine.Effect
	for _, name := range l.keys(e) {
		w := l.index.lookup(e.at(name))
		src, ok := e.m[name].(string)
		switch {
		case !ok:
			l.report(w.Value(), "toml-type", "effect on %q in %s must be an expression in a string, not %s; write %s = %q",
				name, t.name, tomlTypeName(e.m[name]), name, effectHint(e.m[name], name))
		case src == "":
			l.report(w.Value(), "bad-value", "effect on %q in %s is empty; write the expression for its new value, or remove it",
				name, t.name)
		default:
			out = append(out, engine.Effect{Var: name, Expr: engine.Expr{Src: src, Pos: w.Text()}, Pos: w.Key()})
		}
	}
	return out
}

// points decodes points = { competency = integer }, in file order.
func (l *specLoader) points(t tomlTable) []engine.Points {
	p, ok := l.sub(t, "points", byName, "\"points\" in "+t.name)
	if !ok {
		return nil
	}
	var out []engine.Points
	for _, name := range l.keys(p) {
		w := l.index.lookup(p.at(name))
		n, ok := p.m[name].(int64)
		if !ok {
			l.report(w.Value(), "toml-type", "points for %q in %s must be a whole number, not %s; write %s = 2 or %s = -1",
				name, t.name, tomlTypeName(p.m[name]), name, name)
			continue
		}
		out = append(out, engine.Points{Competency: name, Value: int(n), Pos: w.Key()})
	}
	return out
}

// next decodes next = "id" or next = [{ when = "…", goto = "id" }, ...].
func (l *specLoader) next(t tomlTable) []engine.Branch {
	v, ok := t.m["next"]
	if !ok {
		return nil
	}
	w := l.index.lookup(t.at("next"))
	if s, ok := v.(string); ok {
		return []engine.Branch{{Goto: s, Pos: w.Value()}}
	}
	items, ok := tomlArray(v)
	if !ok {
		l.wrongType(t, "next", v, "a string or an array of tables", missingKeyHint("next"))
		return nil
	}
	l.nonEmpty(t, "next")
	return l.branches(t, items)
}

func (l *specLoader) branches(t tomlTable, items []any) []engine.Branch {
	var out []engine.Branch
	for i, item := range items {
		path := t.at("next", strconv.Itoa(i))
		name := fmt.Sprintf("branch %d of \"next\" in %s", i+1, t.name)
		m, ok := item.(map[string]any)
		if !ok {
			l.report(l.index.lookup(path).Value(), "toml-type", "%s must be a table, not %s; write { when = \"…\", goto = \"node-id\" }",
				name, tomlTypeName(item))
			continue
		}
		b := tomlTable{kind: "branch", name: name, path: path, m: m}
		l.checkKeys(b)
		out = append(out, engine.Branch{When: l.expr(b, "when"), Goto: l.str(b, "goto"), Pos: l.pos(b)})
	}
	return out
}

// effectHint suggests an expression for a value written without quotes: the value
// itself when it is a bool or number.
func effectHint(v any, name string) string {
	switch v.(type) {
	case bool, int64, float64:
		return fmt.Sprint(v)
	}
	return name + " + 1"
}
