package engine

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// MaxExprNodes bounds the size of one expression.
const MaxExprNodes = 200

// maxExprLen bounds the text of one expression before it is parsed.
const maxExprLen = 4096

// allowedBuiltins is everything a script may call: cheap, pure functions.
var allowedBuiltins = []string{"abs", "min", "max", "floor", "ceil", "round", "len", "lower", "upper"}

// names every expression sees besides the declared variables.
const (
	nameTurn   = "turn"
	nameVisits = "visits"
	nameNode   = "node"
	nameReply  = "reply"
	// In rules: where the reply was going (a node or ending id), and whether
	// that is an ending. Elsewhere "" and false.
	nameNext       = "next"
	nameNextEnding = "next_ending"
)

// reserved may not be used as variable names.
var reserved = map[string]bool{
	nameTurn: true, nameVisits: true, nameNode: true, nameReply: true, nameNext: true, nameNextEnding: true,
	"true": true, "false": true, "nil": true, "not": true, "and": true, "or": true, "in": true,
	"matches": true, "contains": true, "startsWith": true, "endsWith": true, "let": true, "if": true, "else": true,
}

// exprKind is what an expression must produce.
type exprKind int

const (
	kindBool exprKind = iota
	kindNumber
	kindString
)

func (k exprKind) String() string {
	return [...]string{"a bool (true or false)", "a number", "a string"}[k]
}

// exprCompiler compiles expressions against one scenario's declared names.
// The same source compiles once: programs are immutable and shared.
type exprCompiler struct {
	env   map[string]any
	opts  [3][]expr.Option // per exprKind
	cache map[exprKey]compiled
	// readsReply is set once any expression compiled so far reads reply.
	readsReply bool
	// readsVisits is set once any expression compiled so far reads visits.
	readsVisits bool
	// readsTurn is set once any expression compiled so far reads turn.
	readsTurn bool
	// words is what type errors name in their examples.
	words *exprWords
}

type compiled struct {
	prog        *vm.Program
	readsReply  bool
	readsVisits bool
	readsTurn   bool
}

type exprKey struct {
	src  string
	kind exprKind
}

func newExprCompiler(mood []MoodSpec, vars []VarSpec, words *exprWords) *exprCompiler {
	env := map[string]any{
		nameTurn:       0,
		nameVisits:     map[string]int{},
		nameNode:       "",
		nameReply:      "",
		nameNext:       "",
		nameNextEnding: false,
	}
	for _, m := range mood {
		env[m.Name] = float64(0)
	}
	for _, v := range vars {
		env[v.Name] = v.Default
	}
	c := &exprCompiler{env: env, cache: map[exprKey]compiled{}, words: words}
	for k := range c.opts {
		c.opts[k] = c.options(exprKind(k))
	}
	return c
}

// compile checks and compiles e. A problem points at the offending character
// inside the file. target is the variable an effect sets, or "" when e is a
// condition: type errors name it.
func (c *exprCompiler) compile(e Expr, want exprKind, what, target string) (*vm.Program, *Problem) {
	if len(e.Src) > maxExprLen {
		return nil, &Problem{e.Pos, Error, "expr-cost", fmt.Sprintf("%s is %d characters long (at most %d); split the logic into state variables", what, len(e.Src), maxExprLen)}
	}
	if strings.TrimSpace(e.Src) == "" {
		return nil, &Problem{e.Pos, Error, "expr-syntax", what + " is empty; write an expression or remove the key"}
	}
	if hit, ok := c.cache[exprKey{e.Src, want}]; ok {
		c.readsReply = c.readsReply || hit.readsReply
		c.readsVisits = c.readsVisits || hit.readsVisits
		c.readsTurn = c.readsTurn || hit.readsTurn
		return hit.prog, nil
	}
	tree, err := parser.Parse(e.Src)
	if err != nil {
		return nil, exprProblem(e, "expr-syntax", what, err, hintFor)
	}
	if p := checkAllowed(e, tree.Node, what); p != nil {
		return nil, p
	}
	prog, err := expr.Compile(e.Src, c.opts[want]...)
	if err != nil {
		if strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
			return nil, exprProblem(e, "expr-cost", what, err, hintFor)
		}
		x := &typeExplainer{names: c.words, root: tree.Node, want: want, target: target}
		return nil, exprProblem(e, "expr-type", what, err, x.explain)
	}
	v := &allowVisitor{}
	ast.Walk(&tree.Node, v)
	c.cache[exprKey{e.Src, want}] = compiled{prog, v.readsReply, v.readsVisits, v.readsTurn}
	c.readsReply = c.readsReply || v.readsReply
	c.readsVisits = c.readsVisits || v.readsVisits
	c.readsTurn = c.readsTurn || v.readsTurn
	return prog, nil
}

func (c *exprCompiler) options(want exprKind) []expr.Option {
	opts := []expr.Option{expr.Env(c.env), expr.DisableAllBuiltins(), expr.MaxNodes(MaxExprNodes)}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	switch want {
	case kindBool:
		opts = append(opts, expr.AsBool())
	case kindNumber:
		opts = append(opts, expr.AsFloat64())
	case kindString:
		opts = append(opts, expr.AsKind(reflect.String))
	}
	return opts
}

// checkAllowed refuses the parts of expr a script does not need and that
// could make it slow or large: closures, ranges, variables, pipes.
func checkAllowed(e Expr, root ast.Node, what string) *Problem {
	v := &allowVisitor{}
	ast.Walk(&root, v)
	if v.bad == "" {
		return nil
	}
	return &Problem{exprPos(e, v.at), Error, "expr-cost", fmt.Sprintf("%s uses %s, which scenarios may not; use plain comparisons, arithmetic and the functions %s", what, v.bad, strings.Join(allowedBuiltins, ", "))}
}

type allowVisitor struct {
	bad         string
	at          file.Location
	readsReply  bool
	readsVisits bool
	readsTurn   bool
}

func (v *allowVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v.readsReply = v.readsReply || id.Value == nameReply
		v.readsVisits = v.readsVisits || id.Value == nameVisits
		v.readsTurn = v.readsTurn || id.Value == nameTurn
	}
	if v.bad != "" {
		return
	}
	switch node := (*n).(type) {
	case *ast.PointerNode, *ast.PredicateNode:
		v.bad, v.at = "a closure", node.Location()
	case *ast.BuiltinNode:
		if !isAllowedBuiltin(node.Name) {
			v.bad, v.at = fmt.Sprintf("the function %q", node.Name), node.Location()
		}
	case *ast.VariableDeclaratorNode:
		v.bad, v.at = "let", node.Location()
	case *ast.BinaryNode:
		if node.Operator == ".." {
			v.bad, v.at = "a range (..)", node.Location()
		}
		if node.Operator == "matches" {
			v.bad, v.at = "matches (regular expressions)", node.Location()
		}
	case *ast.CallNode:
		if id, ok := node.Callee.(*ast.IdentifierNode); ok && !isAllowedBuiltin(id.Value) {
			v.bad, v.at = fmt.Sprintf("the function %q", id.Value), node.Location()
		}
	}
}

func isAllowedBuiltin(name string) bool {
	for _, b := range allowedBuiltins {
		if b == name {
			return true
		}
	}
	return false
}

// exprProblem turns an expr error into a Problem positioned in the file,
// its message worded by explain from expr's message and the location of
// the node it is about.
func exprProblem(e Expr, code, what string, err error, explain func(msg string, at file.Location) (string, file.Location)) *Problem {
	msg, at := err.Error(), file.Location{From: -1}
	var fe *file.Error
	if errors.As(err, &fe) {
		msg, at = fe.Message, fe.Location
	}
	msg, at = explain(msg, at)
	return &Problem{offsetPos(e, at.From), Error, code, fmt.Sprintf("%s: %s", what, msg)}
}

// offsetPos is where the character from runes into e stands in the file,
// or e's own position when from is unknown (negative).
func offsetPos(e Expr, from int) Pos {
	pos := e.Pos
	if from < 0 || pos == (Pos{}) {
		return pos
	}
	col := 0
	for i, r := range []rune(e.Src) {
		if i == from {
			break
		}
		if r == '\n' {
			pos.Line++
			col = 0
			pos.Col = 1
			continue
		}
		col++
	}
	if pos.Line == e.Pos.Line {
		pos.Col = e.Pos.Col + col
	} else {
		pos.Col = col + 1
	}
	return pos
}

func exprPos(e Expr, loc file.Location) Pos {
	pos := e.Pos
	pos.Col += loc.From // runes from the start; exact for one-line expressions
	return pos
}

// hintFor adds what to do to expr's messages where it helps.
func hintFor(msg string, at file.Location) (string, file.Location) {
	return hint(msg), at
}

func hint(msg string) string {
	switch {
	case strings.HasPrefix(msg, "unknown name "):
		return msg + "; declare it under [mood] or [state], or use turn, visits, node or reply"
	case strings.Contains(msg, "expected true/false"):
		return msg + "; a condition must be true or false: compare, as in frustration > 50"
	case strings.Contains(msg, `Operator("=")`):
		return msg + "; to compare, write == (a single = is not allowed in expressions)"
	case strings.HasPrefix(msg, "mismatched types"), strings.HasPrefix(msg, "invalid operation"):
		return msg + "; both sides must be numbers, or both text: check the variable's type and the quotes"
	}
	return msg
}
