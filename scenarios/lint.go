package scenarios

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"parley/engine"
)

// Diagnostic is one problem in one file, printed GNU style:
// file:line:col: severity: code: message.
type Diagnostic struct {
	File string `json:"file"`
	engine.Problem
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s: %s", d.File, d.Pos.Line, d.Pos.Col, d.Severity, d.Code, d.Message)
}

// Lint checks one scenario file thoroughly: decoding, compiling, and then
// every path through it, within limits and until ctx is done. It returns
// the diagnostics in file order and the compiled scenario when there was
// no error.
func Lint(ctx context.Context, f File, limits engine.Limits) ([]Diagnostic, *engine.Scenario) {
	if f.Err != nil {
		return []Diagnostic{{File: f.Name, Problem: wholeFileProblem("read-error", f.Err.Error())}}, nil
	}
	spec, problems := Parse(f.Name, f.Src)
	var sc *engine.Scenario
	if spec != nil {
		problems = append(problems, missingNotes(spec)...)
		var more engine.Problems
		sc, more = engine.Compile(spec)
		problems = append(problems, notSaid(problems, more)...)
	}
	if sc != nil {
		problems = append(problems, Check(ctx, sc, limits)...)
	}
	sort.SliceStable(problems, func(i, j int) bool { return posBefore(problems[i].Pos, problems[j].Pos) })
	out := make([]Diagnostic, len(problems))
	for i, p := range problems {
		out[i] = Diagnostic{File: f.Name, Problem: p}
	}
	if engine.Problems(problems).HasErrors() {
		return out, nil
	}
	return out, sc
}

// notSaid is compiled without the missing-key problems that parsed, the
// loader's, already reports at the same position: the compiler checks a
// Spec built by hand too (a reply with no next, a rule with no when), and a
// file should hear of each missing key once, in the loader's words, which
// name the key as written.
func notSaid(parsed, compiled engine.Problems) engine.Problems {
	said := map[engine.Pos]bool{}
	for _, p := range parsed {
		if p.Code == "missing-key" {
			said[p.Pos] = true
		}
	}
	out := compiled[:0:0]
	for _, p := range compiled {
		if p.Code != "missing-key" || !said[p.Pos] {
			out = append(out, p)
		}
	}
	return out
}

// Check runs the checks of a compiled scenario that need its whole graph and
// its exploration: what Lint adds to loading. It analyses sc (Analyse), so
// the exploration is done once for checking and scoring.
func Check(ctx context.Context, sc *engine.Scenario, limits engine.Limits) engine.Problems {
	g := sc.Graph()
	var ps engine.Problems
	add := func(pos engine.Pos, sev engine.Severity, code, format string, args ...any) {
		ps = append(ps, engine.Problem{Pos: pos, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	reachable, canFinish := g.Reachable(), g.CanFinish()
	pos := positions(g)
	noExit := map[string]bool{}
	for _, n := range g.Nodes {
		switch {
		case !reachable[n.ID]:
			add(n.Pos, engine.Error, "unreachable", "no next or goto leads to node %q; link it from another node or remove it", n.ID)
		case !canFinish[n.ID]:
			noExit[n.ID] = true
			add(n.Pos, engine.Error, "no-exit", "from node %q no ending can be reached: it is a loop with no way out; add a reply whose next leads toward an ending", n.ID)
		}
	}
	for _, e := range g.Endings {
		if !reachable[e.ID] {
			add(e.Pos, engine.Error, "unreachable", "no next or goto leads to ending %q; link it or remove it", e.ID)
		}
	}
	ps = append(ps, unscored(sc, g)...)
	a := sc.Analyse(ctx, limits)
	for _, tr := range a.NoExit {
		if !noExit[tr.Node] { // the static check already said so
			add(pos[tr.Node], engine.Error, "no-exit", "after %s the conversation is at node %q and no ending can be reached from there: "+
				"every way on leads back round, and no rule that could end the call can fire; add a reply whose next leads toward an ending, "+
				"or give the loop a way out (once = true, or a when that reads visits)", DescribePath(tr.Path), tr.Node)
		}
	}
	ps = append(ps, explored(a, sc.Loops(), reachable, pos)...)
	ps = append(ps, pinnedBestFirst(sc, g, a)...)
	return ps
}

// pinnedBestFirst warns about each node with order = "fixed" that offers its
// best reply first every time the ideal path comes to it (with more than one
// reply on offer): a trainee who always picks the first reply finds it.
func pinnedBestFirst(sc *engine.Scenario, g engine.Graph, a *engine.Analysis) engine.Problems {
	first := map[string]bool{} // by pinned node: best first at every visit so far
	s := sc.Start(0)           // a pinned node's order does not depend on the seed
	for _, step := range a.Ideal {
		if choices, _ := s.Replies(); len(choices) > 1 && isFixed(g, step.Node) {
			was, seen := first[step.Node]
			first[step.Node] = (was || !seen) && choices[0].ID == step.Reply
		}
		if _, err := s.Choose(step.Reply); err != nil {
			break
		}
	}
	var ps engine.Problems
	for _, n := range g.Nodes {
		if first[n.ID] {
			ps = append(ps, engine.Problem{Pos: n.OrderPos, Severity: engine.Warning, Code: "pinned-best-first",
				Message: fmt.Sprintf("node %q has order = \"fixed\" and lists its best reply (%q) first every time the ideal path "+
					"comes here, so a trainee who always picks the first reply finds it; move it down the list, or remove "+
					"order = \"fixed\" so that replies are shuffled", n.ID, bestAt(a, n.ID))})
		}
	}
	return ps
}

func isFixed(g engine.Graph, id string) bool {
	for _, n := range g.Nodes {
		if n.ID == id {
			return n.Fixed
		}
	}
	return false
}

// bestAt is the reply the ideal path first takes at node id.
func bestAt(a *engine.Analysis, id string) string {
	for _, step := range a.Ideal {
		if step.Node == id {
			return step.Reply
		}
	}
	return ""
}

// missingNotes warns about replies without a coaching note.
func missingNotes(spec *engine.Spec) engine.Problems {
	var ps engine.Problems
	for _, n := range spec.Nodes {
		for _, r := range n.Replies {
			if strings.TrimSpace(r.Note) == "" {
				ps = append(ps, engine.Problem{Pos: r.Pos, Severity: engine.Warning, Code: "missing-note",
					Message: fmt.Sprintf("reply %q of node %q has no coaching note; add note = \"…\" naming the principle it follows or breaks", r.ID, n.ID)})
			}
		}
	}
	return ps
}

func positions(g engine.Graph) map[string]engine.Pos {
	pos := map[string]engine.Pos{}
	for _, n := range g.Nodes {
		pos[n.ID] = n.Pos
	}
	for _, e := range g.Endings {
		pos[e.ID] = e.Pos
	}
	return pos
}

func unscored(sc *engine.Scenario, g engine.Graph) engine.Problems {
	var ps engine.Problems
	for _, c := range sc.Competencies {
		scored := false
		for _, n := range g.Nodes {
			for _, r := range n.Replies {
				scored = scored || r.Points[c.ID] > 0
			}
		}
		if !scored {
			ps = append(ps, engine.Problem{Pos: engine.Pos{Line: 1, Col: 1}, Severity: engine.Warning, Code: "unscored-competency",
				Message: fmt.Sprintf("no reply gives points in %q, so it cannot be scored; give the replies that show it positive points", c.ID)})
		}
	}
	return ps
}

func explored(a *engine.Analysis, loops []string, reachable map[string]bool, pos map[string]engine.Pos) engine.Problems {
	var ps engine.Problems
	for _, d := range a.DeadEnds {
		ps = append(ps, engine.Problem{Pos: pos[d.Node], Severity: engine.Error, Code: "dead-end",
			Message: fmt.Sprintf("node %q can be reached with no reply on offer (after %s); give one reply no when, or change the conditions", d.Node, DescribePath(d.Path))})
	}
	for _, e := range a.Errors {
		ps = append(ps, engine.Problem{Pos: pos[e.Node], Severity: engine.Error, Code: "runtime-error",
			Message: fmt.Sprintf("at node %q (after %s) an expression fails: %s", e.Node, DescribePath(e.Path), e.Message)})
	}
	for _, id := range a.Silent {
		ps = append(ps, engine.Problem{Pos: pos[id], Severity: engine.Warning, Code: "silent-node",
			Message: fmt.Sprintf("in some playthrough the client says nothing at node %q; give one line no when", id)})
	}
	if !a.Complete {
		ps = append(ps, engine.Problem{Pos: engine.Pos{Line: 1, Col: 1}, Severity: engine.Warning, Code: "exploration-incomplete",
			Message: incompleteMessage(a, loops)})
		return ps
	}
	for id, p := range pos {
		if reachable[id] && !slices.Contains(a.Reached, id) {
			ps = append(ps, engine.Problem{Pos: p, Severity: engine.Warning, Code: "never-reached",
				Message: fmt.Sprintf("%q is linked but no playthrough honouring the conditions reaches it; check the when conditions that lead there", id)})
		}
	}
	for _, r := range a.NeverOffered {
		ps = append(ps, engine.Problem{Pos: r.Pos, Severity: engine.Warning, Code: "never-offered",
			Message: fmt.Sprintf("reply %q of node %q is never on offer: its when (%s) never holds in any playthrough that reaches %q; check the condition",
				r.Reply, r.Node, r.When, r.Node)})
	}
	return ps
}

// DescribePath writes a path as node/reply steps, for messages: "the start"
// when it is empty.
func DescribePath(path []engine.Step) string {
	if len(path) == 0 {
		return "the start"
	}
	parts := make([]string, len(path))
	for i, s := range path {
		parts[i] = s.Node + "/" + s.Reply
	}
	return strings.Join(parts, " → ")
}

// incompleteMessage says why exploration stopped and what would let it
// finish: loops want a way out, and a loop-free scenario has too many
// combinations of variable values.
func incompleteMessage(a *engine.Analysis, loops []string) string {
	const measured = "; scores are measured against what was explored"
	switch a.Cut {
	case engine.CutMemory:
		return fmt.Sprintf("exploration stopped after %d states, when they took about %d MiB (--max-memory)%s. %s",
			a.States, a.Limits.MaxBytes>>20, measured, fewerStates(loops))
	case engine.CutTime:
		return fmt.Sprintf("exploration stopped after %d states when its time ran out (--timeout)%s. %s", a.States, measured, fewerStates(loops))
	case engine.CutCancelled:
		return fmt.Sprintf("exploration was interrupted after %d states%s", a.States, measured)
	}
	if len(loops) > 0 {
		named := strings.Join(loops[:min(len(loops), 3)], ", ")
		if len(loops) > 3 {
			named += fmt.Sprintf(" and %d more", len(loops)-3)
		}
		why := ""
		if a.DepthCut {
			why = " (some playthroughs went round without ending)"
		}
		return fmt.Sprintf("exploration stopped after %d states%s: conversations can come back to %s%s. Give looping "+
			"replies once = true, or a when that reads visits (as in visits.%s < 3), so every loop has a way out",
			a.States, why, named, measured, loops[0])
	}
	if a.DepthCut {
		return fmt.Sprintf("exploration stopped after %d states: some playthroughs are longer than %d replies%s. "+
			"Split the scenario, or give it shorter routes to an ending", a.States, a.Limits.MaxDepth, measured)
	}
	return fmt.Sprintf("exploration stopped after %d states: the scenario has no loops, but its variables take so many "+
		"combinations of values%s. Fewer distinct values let lint explore everything: true/false instead of counters, "+
		"or counters capped with min(), as in min(asked + 1, 3)", a.States, measured)
}

// fewerStates says how to give a scenario fewer distinct states.
func fewerStates(loops []string) string {
	if len(loops) > 0 {
		return fmt.Sprintf("Conversations can come back to %s: give looping replies once = true, or a when that reads visits", loops[0])
	}
	return "Fewer distinct values let lint explore everything: true/false instead of counters, or counters capped with min(), as in min(asked + 1, 3)"
}
