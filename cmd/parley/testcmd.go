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
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	paths := args
	if len(paths) == 0 {
		paths = []string{filepath.Join("scenarios", "bundled")}
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
	for _, orphan := range orphanPlans(paths, files) {
		failed++
		fmt.Fprintf(stdout, "FAIL %s\n     no scenario file %s.toml beside it: a plan runs against the scenario its name starts with\n", orphan, strings.SplitN(filepath.Base(orphan), ".", 2)[0])
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
	report := func(name string, diags []scenarios.Diagnostic, err error, notes ...string) {
		if len(diags) == 0 && err == nil {
			passed++
			fmt.Fprintf(out, "ok   %s\n", name)
		} else {
			failed++
			fmt.Fprintf(out, "FAIL %s\n", name)
		}
		for _, d := range diags {
			fmt.Fprintf(out, "     %s\n", d)
		}
		if err != nil {
			fmt.Fprintf(out, "     %s\n", strings.ReplaceAll(err.Error(), "\n", "\n     "))
		}
		for _, n := range notes {
			fmt.Fprintf(out, "     %s\n", n)
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
		s, diags := runPlan(name, sc)
		report(name, diags, nil, planResult(s)...)
	}
	return
}

// orphanPlans finds .testplan files in the folders tested whose name
// matches no scenario file, so a misspelt plan is not silently skipped.
func orphanPlans(paths []string, files []scenarios.File) []string {
	have := map[string]bool{}
	for _, f := range files {
		have[strings.TrimSuffix(f.Name, ".toml")] = true
	}
	var orphans []string
	for _, p := range paths {
		plans, _ := filepath.Glob(filepath.Join(p, "*.testplan"))
		for _, plan := range plans {
			prefix := filepath.Join(filepath.Dir(plan), strings.SplitN(filepath.Base(plan), ".", 2)[0])
			if !have[prefix] {
				orphans = append(orphans, plan)
			}
		}
	}
	return orphans
}

// runPlan runs one plan file, returning the session it played (nil when
// the plan could not be read) and its failures.
func runPlan(name string, sc *engine.Scenario) (*engine.Session, []scenarios.Diagnostic) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, []scenarios.Diagnostic{{File: name, Problem: engine.Problem{Severity: engine.Error, Code: "read-error", Message: err.Error()}}}
	}
	plan, diags := scenarios.ParsePlan(name, src)
	if len(diags) > 0 {
		return nil, diags
	}
	return plan.RunSession(sc)
}

// planResult says where a plan's playthrough ended and how it scored, one
// line each:
//
//	ending: resolved-credit (resolved, a success)
//	scores: listening 100 ✓ · empathy 92 ✓ · boundaries 40 ✗
func planResult(s *engine.Session) []string {
	if s == nil {
		return nil
	}
	where := fmt.Sprintf("ending: none; the plan stopped at node %s after %d replies", s.Node(), s.Turn())
	if e := s.Ending(); e != nil {
		success := "not a success"
		if e.Success {
			success = "a success"
		}
		where = fmt.Sprintf("ending: %s (%s, %s)", e.ID, e.Outcome, success)
	}
	var scores []string
	for _, sc := range s.Scores() {
		mark := "✓"
		if !sc.Passed {
			mark = "✗"
		}
		if len(sc.BlockedBy) > 0 {
			mark += " blocked"
		}
		scores = append(scores, fmt.Sprintf("%s %d %s", sc.Competency, sc.Score, mark))
	}
	return []string{where, "scores: " + strings.Join(scores, " · ")}
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
