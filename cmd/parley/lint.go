package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"parley/engine"
	"parley/scenarios"
)

func lintCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	strict := fs.Bool("strict", false, "fail (exit status 1) on warnings too, not only on errors")
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
	ids := scenarios.BundledIDs()
	for _, f := range files {
		if ctx.Err() != nil {
			return fmt.Errorf("lint: interrupted before %s: %w", f.Name, ctx.Err())
		}
		fctx, cancel := budget.context(ctx)
		diags, sc := scenarios.Lint(fctx, f, budget.limits())
		cancel()
		all = append(all, diags...)
		if sc != nil {
			all = append(all, ids.Check(f, sc)...)
		}
	}
	if err := printDiagnostics(stdout, *format, all); err != nil {
		return err
	}
	errs, warnings := count(all)
	if *format == "text" {
		// On stderr: stdout stays empty for a clean run, and holds
		// only diagnostics for tools that read them.
		fmt.Fprintln(stderr, lintSummary(len(files), errs, warnings, *strict))
	}
	if ctx.Err() != nil {
		return fmt.Errorf("lint: interrupted; what was found so far is above: %w", ctx.Err())
	}
	if errs > 0 || *strict && warnings > 0 {
		return errProblems
	}
	return nil
}

// count counts the errors and the warnings.
func count(diags []scenarios.Diagnostic) (errs, warnings int) {
	for _, d := range diags {
		if d.Severity == engine.Error {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

// lintSummary is the line after the diagnostics: "3 files: 1 error, 2
// warnings", or "3 files: no problems".
func lintSummary(files, errs, warnings int, strict bool) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warnings > 0 {
		w := plural(warnings, "warning")
		switch {
		case strict:
			w += " (--strict: warnings fail)"
		case errs == 0:
			w += " (warnings do not fail; --strict makes them)"
		}
		parts = append(parts, w)
	}
	if len(parts) == 0 {
		parts = []string{"no problems"}
	}
	return plural(files, "file") + ": " + strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
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
