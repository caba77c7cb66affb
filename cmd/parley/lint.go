package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"parley/engine"
	"parley/scenarios"
)

func lintCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	maxStates := fs.Int("max-states", 0, "stop exploring after this many distinct states (default 300000)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintln(stderr, "lint: --format is text or json")
		return errUsage
	}
	files, err := filesFrom(fs.Args())
	if err != nil {
		return err
	}
	var all []scenarios.Diagnostic
	for _, f := range files {
		diags, _ := scenarios.Lint(f, engine.Limits{MaxStates: *maxStates})
		all = append(all, diags...)
	}
	if err := printDiagnostics(stdout, *format, all); err != nil {
		return err
	}
	if hasErrors(all) {
		return errProblems
	}
	return nil
}

// filesFrom expands paths, or returns the bundled scenarios when there are none.
func filesFrom(paths []string) ([]scenarios.File, error) {
	if len(paths) == 0 {
		return scenarios.Bundled(), nil
	}
	files, err := scenarios.Expand(paths)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .toml scenario files in %v", paths)
	}
	return files, nil
}

func printDiagnostics(w io.Writer, format string, diags []scenarios.Diagnostic) error {
	if format == "json" {
		if diags == nil {
			diags = []scenarios.Diagnostic{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(diags)
	}
	for _, d := range diags {
		fmt.Fprintln(w, d)
	}
	return nil
}

func hasErrors(diags []scenarios.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == engine.Error {
			return true
		}
	}
	return false
}

// loadOne loads a single scenario file for play, graph and paths, printing
// its problems.
func loadOne(args []string, stderr io.Writer) (*engine.Scenario, error) {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "name one scenario file")
		return nil, errUsage
	}
	files, err := scenarios.Expand(args)
	if err != nil {
		return nil, err
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("%s holds %d scenarios; name one file", args[0], len(files))
	}
	sc, problems := scenarios.Load(files[0])
	for _, p := range problems {
		fmt.Fprintln(stderr, scenarios.Diagnostic{File: files[0].Name, Problem: p})
	}
	if sc == nil {
		return nil, errProblems
	}
	return sc, nil
}
