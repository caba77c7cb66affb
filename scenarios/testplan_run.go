package scenarios

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"parley/engine"
)

// Run plays the plan against the scenario and returns one diagnostic per
// failed expectation. A failed choose stops the plan.
func (p *Plan) Run(sc *engine.Scenario) []Diagnostic {
	_, diags := p.RunSession(sc)
	return diags
}

// RunSession is Run that also returns the session the plan played, so a
// caller can report where it ended and how it scored.
func (p *Plan) RunSession(sc *engine.Scenario) (*engine.Session, []Diagnostic) {
	r := &planRun{plan: p, sc: sc, s: sc.Start(p.Seed)}
	r.said = r.s.Lines()
	for _, step := range p.Steps {
		if err := r.do(step); err != nil {
			r.fail(step, err.Error())
			if step.Kind == "choose" {
				break
			}
		}
	}
	return r.s, r.diags
}

type planRun struct {
	plan   *Plan
	sc     *engine.Scenario
	s      *engine.Session
	said   []string
	interj []string
	diags  []Diagnostic
}

func (r *planRun) fail(step PlanStep, msg string) {
	r.diags = append(r.diags, Diagnostic{File: r.plan.Name, Problem: engine.Problem{
		Pos: engine.Pos{Line: step.Line, Col: 1}, Severity: engine.Error, Code: "testplan", Message: msg}})
}

func (r *planRun) do(step PlanStep) error {
	switch step.Kind {
	case "choose":
		return r.choose(step.Arg)
	case "line":
		return expectContains("line", r.said, step.Arg)
	case "interjection":
		return expectContains("interjection", r.interj, step.Arg)
	case "offered", "not-offered":
		return r.offered(step.Arg, step.Kind == "offered")
	case "ending", "outcome":
		return r.ending(step)
	case "score":
		return r.score(step)
	case "passed", "failed":
		return r.passed(step.Arg, step.Kind == "passed")
	case "mood", "state":
		return r.variable(step)
	}
	return fmt.Errorf("unknown step %q", step.Kind)
}

func (r *planRun) choose(id string) error {
	o, err := r.s.Choose(id)
	if err != nil {
		choices, _ := r.s.Replies()
		return fmt.Errorf("choose %s: %w (on offer: %s)", id, err, choiceIDs(choices))
	}
	r.said, r.interj = o.Lines, o.Interjections
	return nil
}

func choiceIDs(cs []engine.Choice) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

func expectContains(what string, got []string, want string) error {
	for _, g := range got {
		if strings.Contains(g, want) {
			return nil
		}
	}
	return fmt.Errorf("no %s containing %q; the client said %q", what, want, got)
}

func (r *planRun) offered(id string, want bool) error {
	choices, err := r.s.Replies()
	if err != nil && !errors.Is(err, engine.ErrDeadEnd) {
		return err
	}
	has := slices.ContainsFunc(choices, func(c engine.Choice) bool { return c.ID == id })
	if has != want {
		return fmt.Errorf("reply %q on offer = %v, want %v (on offer: %s)", id, has, want, choiceIDs(choices))
	}
	return nil
}

func (r *planRun) ending(step PlanStep) error {
	e := r.s.Ending()
	if e == nil {
		return fmt.Errorf("the conversation has not ended; it is at node %q", r.s.Node())
	}
	got := e.ID
	if step.Kind == "outcome" {
		got = e.Outcome
	}
	if got != step.Arg {
		return fmt.Errorf("%s is %q, want %q", step.Kind, got, step.Arg)
	}
	return nil
}

func (r *planRun) score(step PlanStep) error {
	want, err := strconv.ParseFloat(step.Want, 64)
	if err != nil {
		return fmt.Errorf("score: %q is not a number", step.Want)
	}
	found := false
	var errs []error
	for _, sc := range r.s.Scores() {
		if step.Arg != "*" && step.Arg != sc.Competency {
			continue
		}
		found = true
		if !compare(float64(sc.Score), step.Op, want) {
			errs = append(errs, fmt.Errorf("score %s is %d (%d of best %d points), want %s %s", sc.Competency, sc.Score, sc.Points, sc.Best, step.Op, step.Want))
		}
	}
	if !found {
		return fmt.Errorf("no competency %q", step.Arg)
	}
	return errors.Join(errs...)
}

func (r *planRun) passed(id string, want bool) error {
	for _, sc := range r.s.Scores() {
		if sc.Competency == id {
			if sc.Passed != want {
				return fmt.Errorf("%s passed = %v (score %d, pass %d, blocked by %v), want %v", id, sc.Passed, sc.Score, sc.Pass, sc.BlockedBy, want)
			}
			return nil
		}
	}
	return fmt.Errorf("no competency %q", id)
}

func (r *planRun) variable(step PlanStep) error {
	v, ok := r.s.Var(step.Arg)
	if !ok {
		return fmt.Errorf("no mood or state variable %q", step.Arg)
	}
	isMood := slices.ContainsFunc(r.sc.Mood, func(m engine.Mood) bool { return m.Name == step.Arg })
	if isMood != (step.Kind == "mood") {
		kind := map[bool]string{true: "mood", false: "state"}[isMood]
		return fmt.Errorf("%s is a %s variable, not a %s one; write %s: %s %s %s", step.Arg, kind, step.Kind, kind, step.Arg, step.Op, step.Want)
	}
	var holds bool
	switch v := v.(type) {
	case float64:
		want, err := strconv.ParseFloat(step.Want, 64)
		if err != nil {
			return fmt.Errorf("%s is a number; %q is not", step.Arg, step.Want)
		}
		holds = compare(v, step.Op, want)
	case bool:
		if step.Want != "true" && step.Want != "false" || step.Op != "==" && step.Op != "!=" {
			return fmt.Errorf("%s is true or false; compare it as %s == true or %s == false", step.Arg, step.Arg, step.Arg)
		}
		holds = (fmt.Sprint(v) == step.Want) == (step.Op == "==")
	default:
		if step.Op != "==" && step.Op != "!=" {
			return fmt.Errorf("%s is a string; compare it with == or !=, as in %s == \"text\"", step.Arg, step.Arg)
		}
		holds = (fmt.Sprint(v) == strings.Trim(step.Want, `"`)) == (step.Op == "==")
	}
	if !holds {
		return fmt.Errorf("%s is %v, want %s %s", step.Arg, v, step.Op, step.Want)
	}
	return nil
}

func compare(got float64, op string, want float64) bool {
	switch op {
	case ">=":
		return got >= want
	case "<=":
		return got <= want
	case ">":
		return got > want
	case "<":
		return got < want
	case "==":
		return got == want
	case "!=":
		return got != want
	}
	return false
}

// MaxPlaythroughTurns is how long a random playthrough may go on before it
// counts as never ending.
const MaxPlaythroughTurns = 300

// RandomPlaythroughs plays n seeded random walks through the scenario and
// reports any that hits a run-time error, a dead end or never ends.
func RandomPlaythroughs(sc *engine.Scenario, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15))
	var errs []error
	for i := 0; i < n && len(errs) < 5; i++ {
		if err := randomWalk(sc, rng); err != nil {
			errs = append(errs, fmt.Errorf("random playthrough %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func randomWalk(sc *engine.Scenario, rng *rand.Rand) error {
	s := sc.Start(rng.Uint64())
	var path []string
	for !s.Ended() {
		if s.Turn() >= MaxPlaythroughTurns {
			return fmt.Errorf("no ending after %d replies (%s …)", MaxPlaythroughTurns, strings.Join(path[:10], ", "))
		}
		choices, err := s.Replies()
		if err != nil {
			return fmt.Errorf("after %s: %w", strings.Join(path, ", "), err)
		}
		c := choices[rng.IntN(len(choices))]
		path = append(path, s.Node()+"/"+c.ID)
		if _, err := s.Choose(c.ID); err != nil {
			return fmt.Errorf("after %s: %w", strings.Join(path, ", "), err)
		}
	}
	return nil
}
