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

func lintCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	budget := explorationFlags(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintln(stderr, "lint: --format is text or json")
		return errUsage
	}
	files, err := filesFrom(args)
	if err != nil {
		return err
	}
	var all []scenarios.Diagnostic
	ids := bundledIDs()
	for _, f := range files {
		if ctx.Err() != nil {
			return fmt.Errorf("lint: interrupted before %s: %w", f.Name, ctx.Err())
		}
		fctx, cancel := budget.context(ctx)
		diags, sc := scenarios.Lint(fctx, f, budget.limits())
		cancel()
		all = append(all, diags...)
		if sc != nil {
			all = append(all, idClash(f, sc, ids)...)
		}
	}
	if err := printDiagnostics(stdout, *format, all); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("lint: interrupted; what was found so far is above: %w", ctx.Err())
	}
	if hasErrors(all) {
		return errProblems
	}
	return nil
}

// bundledIDs maps each bundled scenario's id to its version.
func bundledIDs() map[string]string {
	ids := map[string]string{}
	for _, f := range scenarios.Bundled() {
		if sc, _ := scenarios.Load(f); sc != nil {
			ids[sc.ID] = sc.Version
		}
	}
	return ids
}

// idClash reports a scenario whose id is taken by another scenario: a
// bundled one (other than itself) or an earlier file in this run.
func idClash(f scenarios.File, sc *engine.Scenario, ids map[string]string) []scenarios.Diagnostic {
	version, taken := ids[sc.ID]
	ids[sc.ID] = sc.Version
	if !taken || version == sc.Version {
		return nil
	}
	return []scenarios.Diagnostic{{File: f.Name, Problem: engine.Problem{Pos: engine.Pos{Line: 1, Col: 1}, Severity: engine.Error,
		Code: "duplicate-id", Message: fmt.Sprintf("scenario id %q is already used by another scenario (bundled or linted before this one); the server would skip this file: give it its own id", sc.ID)}}}
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
