package engine

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
)

// Type errors are worded for trainers: values are numbers, true/false or
// text, never float64, bool or string, and each message says what to write
// instead. expr's message gives the types; the expression's tree, at the
// error's location, gives the names to put in the message.

// The type errors expr reports that have a worded form; % stands for a
// part of the message (see match).
const (
	msgMismatchedTypes = "invalid operation: % (mismatched types % and %)"
	msgMismatchedType  = "invalid operation: % (mismatched type %)"
	msgExpected        = "expected %, but got %"
	msgNonBool         = "non-bool expression (type %) used as condition"
	msgArgument        = "cannot use % as argument (type %) to call %"
	msgBadArgument     = "invalid argument for % (type %)"
)

// match matches msg against pattern, in which each % stands for any text
// up to the next literal part, and returns the texts.
func match(msg, pattern string) ([]string, bool) {
	msg = strings.TrimSpace(msg)
	parts := strings.Split(pattern, "%")
	rest, ok := strings.CutPrefix(msg, parts[0])
	if !ok {
		return nil, false
	}
	var out []string
	for i, lit := range parts[1:] {
		if i == len(parts)-2 {
			if lit == "" {
				return append(out, rest), rest != ""
			}
			v, ok := strings.CutSuffix(rest, lit)
			if !ok || v == "" {
				return nil, false
			}
			return append(out, v), true
		}
		v, after, ok := strings.Cut(rest, lit)
		if !ok || v == "" {
			return nil, false
		}
		out, rest = append(out, v), after
	}
	return out, rest == ""
}

// valueKind is the kind of a value as a trainer names it.
type valueKind int

const (
	valueOther valueKind = iota
	valueNumber
	valueBool
	valueText
)

// kindOfType maps a Go type name in an expr message to a valueKind.
func kindOfType(t string) valueKind {
	switch strings.TrimSpace(t) {
	case "int", "int64", "float64", "float32", "float", "uint", "uint64":
		return valueNumber
	case "bool":
		return valueBool
	case "string":
		return valueText
	}
	return valueOther
}

// what names a kind after "is" or "not": "a number", "true/false", "text".
func (k valueKind) what() string {
	return [...]string{"some other kind of value", "a number", "true/false", "text"}[k]
}

// exprWords is what type messages need to know about a scenario's names:
// which are moods, and a word each text variable takes, for examples.
type exprWords struct {
	moods map[string]bool
	text  map[string]string // by variable: a word it is compared with or set to
}

// typeExplainer words one expression's type error.
type typeExplainer struct {
	names  *exprWords
	root   ast.Node
	want   exprKind
	target string // the variable an effect sets, or "" for a condition
	// subject is what the message is about, once it is worded.
	subject ast.Node
}

// explain rewrites expr's message msg, about the node at at, in trainers'
// words; it falls back to msg with Go type names translated. It returns
// where the message points: at the name it is about when it names one (the
// variable to fix, rather than the operator), or at at.
func (x *typeExplainer) explain(msg string, at file.Location) (string, file.Location) {
	s := x.words(msg, at)
	if x.subject != nil && simple(x.subject) {
		return s, start(x.subject).Location()
	}
	return s, at
}

// start is the node whose location is where n's text starts: the name
// before visits['x'], rather than its bracket.
func start(n ast.Node) ast.Node {
	for {
		m, ok := n.(*ast.MemberNode)
		if !ok {
			return n
		}
		n = m.Node
	}
}

func (x *typeExplainer) words(msg string, at file.Location) string {
	if m, ok := match(msg, msgMismatchedTypes); ok {
		if b, ok := x.nodeAt(at, func(n ast.Node) bool { b, ok := n.(*ast.BinaryNode); return ok && b.Operator == m[0] }).(*ast.BinaryNode); ok {
			if s := x.binary(b, kindOfType(m[1]), kindOfType(m[2])); s != "" {
				return s
			}
		}
	}
	if m, ok := match(msg, msgMismatchedType); ok {
		if u, ok := x.nodeAt(at, func(n ast.Node) bool { u, ok := n.(*ast.UnaryNode); return ok && u.Operator == m[0] }).(*ast.UnaryNode); ok {
			if s := x.unary(u, kindOfType(m[1])); s != "" {
				return s
			}
		}
	}
	if m, ok := match(msg, msgExpected); ok && x.root != nil {
		if s := x.result(x.root, kindOfType(m[1])); s != "" {
			return s
		}
	}
	if m, ok := match(msg, msgNonBool); ok {
		if n := x.nodeAt(at, func(ast.Node) bool { return true }); n != nil {
			if s := x.notBool(n, kindOfType(m[0])); s != "" {
				return s
			}
		}
	}
	if m, ok := match(msg, msgArgument); ok && kindOfType(m[0]) != valueOther && kindOfType(m[1]) != valueOther {
		return fmt.Sprintf("%s needs %s, not %s", m[2], kindOfType(m[1]).what(), kindOfType(m[0]).what())
	}
	if m, ok := match(msg, msgBadArgument); ok && kindOfType(m[1]) != valueOther {
		return fmt.Sprintf("%s cannot take %s", m[0], kindOfType(m[1]).what())
	}
	return hint(translateTypes(msg))
}

// nodeAt is the outermost node that starts at at and satisfies ok, or nil.
func (x *typeExplainer) nodeAt(at file.Location, ok func(ast.Node) bool) ast.Node {
	if x.root == nil {
		return nil
	}
	f := &nodeFinder{from: at.From, ok: ok}
	ast.Walk(&x.root, f)
	return f.found
}

type nodeFinder struct {
	from  int
	ok    func(ast.Node) bool
	found ast.Node
}

// Visit sees children before their parents, so the last match is the
// outermost.
func (f *nodeFinder) Visit(n *ast.Node) {
	if (*n).Location().From == f.from && f.ok(*n) {
		f.found = *n
	}
}

// binary words a mismatch between the two sides of an operator.
func (x *typeExplainer) binary(b *ast.BinaryNode, l, r valueKind) string {
	switch b.Operator {
	case "&&", "||", "and", "or":
		if l != valueBool {
			return x.notBool(b.Left, l)
		}
		return x.notBool(b.Right, r)
	}
	if side, other, ok := sideOfKind(b, l, r, valueBool); ok {
		if _, literal := side.(*ast.BoolNode); literal {
			// visits['x'] == true: the other side is the one to fix.
			ok := l
			if l == valueBool {
				ok = r
			}
			return x.notBool(other, ok)
		}
		return x.isBool(side)
	}
	if side, other, ok := sideOfKind(b, l, r, valueText); ok {
		if _, literal := side.(*ast.StringNode); literal && (l == valueNumber || r == valueNumber) {
			// questions == '2': the quotes are what to fix.
			s := name(other)
			x.subject = other
			return fmt.Sprintf("%s is a number, not text: compare it with a number, without quotes, as in %s == 2", s, s)
		}
		return x.isText(side)
	}
	return ""
}

// sideOfKind returns the side of b whose kind is k, when only one side's is, and
// the other side.
func sideOfKind(b *ast.BinaryNode, l, r, k valueKind) (side, other ast.Node, ok bool) {
	switch {
	case l == k && r != k:
		return b.Left, b.Right, true
	case r == k && l != k:
		return b.Right, b.Left, true
	}
	return nil, nil, false
}

// unary words an operator applied to the wrong kind: !questions, -promised.
func (x *typeExplainer) unary(u *ast.UnaryNode, k valueKind) string {
	switch u.Operator {
	case "!", "not":
		if k == valueNumber {
			s := name(u.Node)
			x.subject = u.Node
			return fmt.Sprintf("%s is a number, not true/false: write %s == 0", s, s)
		}
		return x.notBool(u.Node, k)
	}
	switch k {
	case valueBool:
		return x.isBool(u.Node)
	case valueText:
		return x.isText(u.Node)
	}
	return ""
}

// result words an expression whose value is of the wrong kind: a condition
// that is not true/false, or an effect that gives the wrong kind of value.
func (x *typeExplainer) result(root ast.Node, got valueKind) string {
	if x.target == "" {
		return x.notBool(root, got)
	}
	t := x.target
	switch x.want {
	case kindNumber:
		example := t + " + 1"
		if x.names.moods[t] {
			example = t + " - 10"
		}
		return fmt.Sprintf("%s is a number: its effect must give a number, not %s (write %s = %q)", t, got.what(), t, example)
	case kindBool:
		return fmt.Sprintf("%s is true/false: its effect must give true or false, not %s (write %s = \"true\" or %s = \"false\")", t, got.what(), t, t)
	case kindString:
		return fmt.Sprintf("%s is text: its effect must give text, not %s (write %s = \"'%s'\", with the word in single quotes)", t, got.what(), t, x.word(t))
	}
	return ""
}

// notBool words a value used where true/false is needed.
func (x *typeExplainer) notBool(n ast.Node, k valueKind) string {
	s := name(n)
	x.subject = n
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
		if k != valueOther {
			return fmt.Sprintf("%s is %s, not true/false: write a comparison, as in turn > 2", s, k.what())
		}
	}
	switch k {
	case valueNumber:
		return fmt.Sprintf("%s is a number, not true/false: write %s > 0", s, s)
	case valueText:
		return fmt.Sprintf("%s is text, not true/false: compare it with a word in quotes, as in %s == '%s'", s, s, x.word(s))
	}
	return ""
}

// isBool words a true/false value compared with, or used as, something
// else.
func (x *typeExplainer) isBool(n ast.Node) string {
	s := name(n)
	x.subject = n
	not := "!" + s
	if !simple(n) {
		not = "!(" + s + ")"
	}
	return fmt.Sprintf("%s is true/false: write %s or %s", s, s, not)
}

// isText words a text value compared with, or used as, a number.
func (x *typeExplainer) isText(n ast.Node) string {
	s := name(n)
	x.subject = n
	return fmt.Sprintf("%s is text: compare it with a word in quotes, as in %s == '%s'", s, s, x.word(s))
}

// word is a word variable v takes, for examples.
func (x *typeExplainer) word(v string) string {
	if w := x.names.text[v]; w != "" {
		return w
	}
	return "some word"
}

// name is how a message names the expression n: as written, for a name.
func name(n ast.Node) string {
	return strings.ReplaceAll(n.String(), `"`, "'")
}

// simple reports whether n needs no brackets after !.
func simple(n ast.Node) bool {
	switch n.(type) {
	case *ast.IdentifierNode, *ast.MemberNode, *ast.BoolNode, *ast.CallNode, *ast.BuiltinNode:
		return true
	}
	return false
}

// typeNames are Go's type names in expr messages, and trainers' words.
var typeNames = map[string]string{
	"float64": "a number",
	"int":     "a number",
	"bool":    "true/false",
	"string":  "text",
}

// translateTypes replaces Go type names in msg with trainers' words.
func translateTypes(msg string) string {
	msg = strings.ReplaceAll(msg, "map[string]int", "visit counts")
	msg = strings.ReplaceAll(msg, "interface {}", "any value")
	var b strings.Builder
	word := func(r rune) bool {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	for msg != "" {
		i := strings.IndexFunc(msg, word)
		if i < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		msg = msg[i:]
		j := strings.IndexFunc(msg, func(r rune) bool { return !word(r) })
		if j < 0 {
			j = len(msg)
		}
		if t, ok := typeNames[msg[:j]]; ok {
			b.WriteString(t)
		} else {
			b.WriteString(msg[:j])
		}
		msg = msg[j:]
	}
	return b.String()
}

// newExprWords gathers, from a spec, the moods and a word for each text
// variable: the first word an effect sets it to, or its default.
func newExprWords(spec *Spec) *exprWords {
	w := &exprWords{moods: map[string]bool{}, text: map[string]string{}}
	for _, m := range spec.Mood {
		w.moods[m.Name] = true
	}
	isText := map[string]bool{nameNode: true, nameReply: true}
	for _, v := range spec.State {
		if _, ok := v.Default.(string); ok {
			isText[v.Name] = true
		}
	}
	set := func(v, word string) {
		if isText[v] && w.text[v] == "" && word != "" && !strings.ContainsAny(word, `'"\`) {
			w.text[v] = word
		}
	}
	effects := func(es []Effect) {
		for _, e := range es {
			if tree, err := parser.Parse(e.Expr.Src); err == nil {
				if s, ok := tree.Node.(*ast.StringNode); ok {
					set(e.Var, s.Value)
				}
			}
		}
	}
	for _, n := range spec.Nodes {
		set(nameNode, n.ID)
		for _, r := range n.Replies {
			set(nameReply, r.ID)
			effects(r.Effects)
		}
	}
	for _, r := range spec.Rules {
		effects(r.Effects)
	}
	for _, v := range spec.State {
		if s, ok := v.Default.(string); ok {
			set(v.Name, s)
		}
	}
	return w
}
