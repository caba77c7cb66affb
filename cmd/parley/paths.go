package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"parley/engine"
)

func pathsCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("paths", flag.ContinueOnError)
	fs.SetOutput(stderr)
	maxStates := fs.Int("max-states", 0, "stop exploring after this many distinct states (default 300000)")
	maxDepth := fs.Int("max-depth", 0, "stop a path after this many replies (default 150)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	sc, err := loadOne(args, stderr)
	if err != nil {
		return err
	}
	a := sc.Explore(engine.Limits{MaxStates: *maxStates, MaxDepth: *maxDepth})
	printPaths(stdout, sc, a)
	return nil
}

func printPaths(w io.Writer, sc *engine.Scenario, a *engine.Analysis) {
	complete := "complete"
	if !a.Complete {
		complete = "INCOMPLETE: a limit stopped it; bounds below cover only what was explored"
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
}
