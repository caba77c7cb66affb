package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"parley/engine"
	"parley/scenarios"
)

func testCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	random := fs.Int("random", 200, "seeded random playthroughs per scenario")
	seed := fs.Uint64("seed", 1, "seed of the random playthroughs")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"scenarios"}
	}
	files, err := scenarios.Expand(paths)
	if err != nil {
		return err
	}
	passed, failed := 0, 0
	for _, f := range files {
		p, fl := testFile(f, *random, *seed, stdout)
		passed, failed = passed+p, failed+fl
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errProblems
	}
	return nil
}

// testFile runs a scenario's plans and random playthroughs, printing a line
// per check.
func testFile(f scenarios.File, random int, seed uint64, out io.Writer) (passed, failed int) {
	report := func(name string, diags []scenarios.Diagnostic, err error) {
		if len(diags) == 0 && err == nil {
			passed++
			fmt.Fprintf(out, "ok   %s\n", name)
			return
		}
		failed++
		fmt.Fprintf(out, "FAIL %s\n", name)
		for _, d := range diags {
			fmt.Fprintf(out, "     %s\n", d)
		}
		if err != nil {
			fmt.Fprintf(out, "     %s\n", strings.ReplaceAll(err.Error(), "\n", "\n     "))
		}
	}
	sc, problems := scenarios.Load(f)
	if sc == nil {
		report(f.Name, toDiagnostics(f.Name, problems), nil)
		return
	}
	report(fmt.Sprintf("%s: %d random playthroughs", f.Name, random), nil, scenarios.RandomPlaythroughs(sc, random, seed))
	plans, err := filepath.Glob(strings.TrimSuffix(f.Name, ".toml") + ".*.testplan")
	if err != nil {
		report(f.Name, nil, err)
		return
	}
	for _, name := range plans {
		report(name, runPlan(name, sc), nil)
	}
	return
}

func runPlan(name string, sc *engine.Scenario) []scenarios.Diagnostic {
	src, err := os.ReadFile(name)
	if err != nil {
		return []scenarios.Diagnostic{{File: name, Problem: engine.Problem{Severity: engine.Error, Code: "read-error", Message: err.Error()}}}
	}
	plan, diags := scenarios.ParsePlan(name, src)
	if len(diags) > 0 {
		return diags
	}
	return plan.Run(sc)
}

func toDiagnostics(file string, ps engine.Problems) []scenarios.Diagnostic {
	out := make([]scenarios.Diagnostic, 0, len(ps))
	for _, p := range ps {
		if p.Severity == engine.Error {
			out = append(out, scenarios.Diagnostic{File: file, Problem: p})
		}
	}
	return out
}
