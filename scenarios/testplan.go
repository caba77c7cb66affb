package scenarios

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"parley/engine"
)

// Plan is a test plan: replies to choose and what must follow, one step a
// line, in the spirit of Yarn Spinner's .testplan files.
type Plan struct {
	Name  string
	Seed  uint64
	Steps []PlanStep
}

// PlanStep is one line of a plan.
type PlanStep struct {
	Line int
	Kind string // line, interjection, offered, not-offered, choose, ending, outcome, score, mood, state, passed, failed
	Arg  string // the text, id or variable name
	Op   string // for score, mood, state
	Want string // the value compared against
}

var planKinds = map[string]bool{"line": true, "interjection": true, "offered": true, "not-offered": true,
	"choose": true, "ending": true, "outcome": true, "score": true, "mood": true, "state": true,
	"passed": true, "failed": true, "seed": true}

var planOps = []string{">=", "<=", "==", "!=", ">", "<"}

// maxPlanSize bounds a plan file.
const maxPlanSize = 1 << 20

// ParsePlan reads a test plan. Problems name the line.
func ParsePlan(name string, src []byte) (*Plan, []Diagnostic) {
	p := &Plan{Name: name, Seed: 1}
	if len(src) > maxPlanSize {
		return nil, []Diagnostic{planProblem(name, 1, "the test plan is over 1 MiB; split it")}
	}
	var diags []Diagnostic
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), maxPlanSize)
	for n := 1; sc.Scan(); n++ {
		step, err := parseStep(n, sc.Text())
		switch {
		case err != nil:
			diags = append(diags, planProblem(name, n, err.Error()))
		case step == nil:
		case step.Kind == "seed":
			seed, err := strconv.ParseUint(step.Arg, 10, 64)
			if err != nil {
				diags = append(diags, planProblem(name, n, "seed must be a whole number, as in seed: 7"))
			}
			p.Seed = seed
		default:
			p.Steps = append(p.Steps, *step)
		}
	}
	if err := sc.Err(); err != nil {
		diags = append(diags, planProblem(name, 1, "unreadable: "+err.Error()))
	}
	return p, diags
}

func planProblem(name string, line int, msg string) Diagnostic {
	return Diagnostic{File: name, Problem: engine.Problem{Pos: engine.Pos{Line: line, Col: 1}, Severity: engine.Error, Code: "testplan", Message: msg}}
}

func parseStep(n int, text string) (*PlanStep, error) {
	if i := strings.Index(text, " #"); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "#") {
		return nil, nil
	}
	kind, arg, ok := strings.Cut(text, ":")
	kind, arg = strings.TrimSpace(kind), strings.TrimSpace(arg)
	if !ok || !planKinds[kind] {
		return nil, fmt.Errorf("%q is not a step; write kind: argument, with kind one of choose, line, interjection, offered, not-offered, ending, outcome, score, mood, state, passed, failed, seed", text)
	}
	if arg == "" {
		return nil, fmt.Errorf("%s: needs an argument", kind)
	}
	step := &PlanStep{Line: n, Kind: kind, Arg: arg}
	if kind == "score" || kind == "mood" || kind == "state" {
		return splitComparison(step)
	}
	return step, nil
}

// splitComparison splits "name op value". The operator is the first run of
// the characters < > = !, so that a misspelt one (=>, =) is named rather than
// half-matched.
func splitComparison(step *PlanStep) (*PlanStep, error) {
	isOp := func(r rune) bool { return strings.ContainsRune("<>=!", r) }
	start := strings.IndexFunc(step.Arg, isOp)
	if start < 0 {
		return nil, fmt.Errorf("%s: write a comparison such as %s: empathy >= 90", step.Kind, step.Kind)
	}
	end := len(step.Arg)
	if n := strings.IndexFunc(step.Arg[start:], func(r rune) bool { return !isOp(r) }); n >= 0 {
		end = start + n
	}
	name, op, want := strings.TrimSpace(step.Arg[:start]), step.Arg[start:end], strings.TrimSpace(step.Arg[end:])
	switch {
	case !slices.Contains(planOps, op):
		return nil, fmt.Errorf("%s: %q is not a comparison; use one of >=, <=, ==, !=, > or <", step.Kind, op)
	case name == "" || want == "":
		return nil, fmt.Errorf("%s: write a comparison such as %s: empathy >= 90", step.Kind, step.Kind)
	case strings.ContainsAny(name, " \t"):
		return nil, fmt.Errorf("%s: %q is not one name; write the %s's name, an operator and a value", step.Kind, name, step.Kind)
	}
	step.Arg, step.Op, step.Want = name, op, want
	return step, nil
}
