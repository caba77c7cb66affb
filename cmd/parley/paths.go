package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"parley/engine"
	"parley/scenarios"
)

func pathsCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("paths", flag.ContinueOnError)
	fs.SetOutput(stderr)
	budget := explorationFlags(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	sc, err := loadOne(args, stderr)
	if err != nil {
		return err
	}
	ectx, cancel := budget.context(ctx)
	defer cancel()
	a := sc.ExploreContext(ectx, budget.limits())
	printPaths(stdout, sc, a)
	if a.Cut == engine.CutCancelled {
		return fmt.Errorf("paths: interrupted: %w", ctx.Err())
	}
	return nil
}

func printPaths(w io.Writer, sc *engine.Scenario, a *engine.Analysis) {
	complete := "complete"
	switch {
	case !a.Complete:
		complete = "INCOMPLETE: " + cutReason(a) + "; bounds below cover only what was explored"
	case len(a.NoExit) > 0:
		complete = fmt.Sprintf("complete, but from %d node(s) no ending can be reached (listed below)", len(a.NoExit))
	}
	fmt.Fprintf(w, "%s (%s)\n", sc.Title, sc.ID)
	fmt.Fprintf(w, "exploration: %s, %d distinct states, %.0f distinct paths\n", complete, a.States, a.Paths)
	fmt.Fprintln(w, "endings reached:")
	reached := map[string]bool{}
	for _, id := range a.Endings {
		reached[id] = true
	}
	for _, e := range sc.Endings() {
		mark := "  "
		if !reached[e.ID] {
			mark = "✗ "
		}
		fmt.Fprintf(w, "  %s%-24s %-10s %s\n", mark, e.ID, e.Outcome, e.Title)
	}
	fmt.Fprintf(w, "%-16s %6s %6s %6s\n", "competency", "best", "worst", "ideal")
	for i, c := range sc.Competencies {
		fmt.Fprintf(w, "%-16s %6d %6d %6d\n", c.ID, a.Best[i], a.Worst[i], a.IdealScore[i])
	}
	steps := make([]string, len(a.Ideal))
	for i, s := range a.Ideal {
		steps[i] = s.Node + "/" + s.Reply
	}
	fmt.Fprintf(w, "ideal path (%d replies): %s\n", len(a.Ideal), strings.Join(steps, " → "))
	for _, d := range a.DeadEnds {
		fmt.Fprintf(w, "dead end at %s\n", d.Node)
	}
	for _, tr := range a.NoExit {
		fmt.Fprintf(w, "no way to an ending from %s (reached by %s)\n", tr.Node, scenarios.DescribePath(tr.Path))
	}
	if a.Loops {
		fmt.Fprintln(w, "the conversation can come back to a state it was in: best, worst and paths count only the ways that never repeat a state")
	}
	if a.Approximate {
		fmt.Fprintln(w, "approximate: a loop has more such ways than the analysis searches; its best and worst are estimates")
	}
}

// cutReason says in words which limit stopped an exploration, and the flag
// that moves it.
func cutReason(a *engine.Analysis) string {
	switch a.Cut {
	case engine.CutStates:
		return fmt.Sprintf("stopped at %d states (--max-states)", a.Limits.MaxStates)
	case engine.CutMemory:
		return fmt.Sprintf("stopped when the states took about %d MiB (--max-memory)", a.Limits.MaxBytes>>20)
	case engine.CutTime:
		return "stopped when its time ran out (--timeout)"
	case engine.CutCancelled:
		return "interrupted"
	}
	return fmt.Sprintf("some paths were longer than %d replies (--max-depth)", a.Limits.MaxDepth)
}
