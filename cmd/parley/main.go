// Command parley serves Parley's roleplay training in the browser and gives
// trainers the tools to check a scenario before anyone plays it.
//
//	parley [serve] [flags]        serve the web app (the default)
//	parley lint [--format json] [--strict] PATH...
//	parley play [--seed N] [--from NODE] [--set name=value] FILE
//	parley graph [--format mermaid|dot] FILE
//	parley test [PATH...]
//	parley paths FILE
//	parley user add|list|passwd|role|disable|enable|legacy|claim ...
//	parley report --format csv [--cohort C] [--scenario S] [--from D] [--to D]
//	parley db copy --from parley.db --to postgres://…
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errProblems means the command ran and found problems: exit status 1.
var errProblems = errors.New("problems found")

// errUsage means the command line was wrong: exit status 2.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web app (the default)", func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
			return serve(ctx, args, stdout, stderr)
		}},
		{"lint", "check scenario files and folders: file:line:col: severity: code: message", lintCmd},
		{"play", "play a scenario in the terminal", playCmd},
		{"graph", "draw a scenario as Mermaid or Graphviz DOT", graphCmd},
		{"test", "run test plans and random playthroughs", testCmd},
		{"paths", "summarise endings, score ranges and paths", pathsCmd},
		{"loadtest", "drive simulated trainees against a server", loadtestCmd},
		{"user", "add, list and change accounts: parley user help", userCmd},
		{"report", "the attempts of every cohort as CSV, for a spreadsheet or an LMS", reportCmd},
		{"db", "move an installation between SQLite and PostgreSQL: parley db help", dbCmd},
	}
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-' || args[0] == "-h" || args[0] == "--help") {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(ctx, args, stdin, stdout, stderr), stderr)
		}
	}
	fmt.Fprintf(stderr, "parley: unknown command %q\n", name)
	usage(stderr)
	return 2
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errProblems):
		return 1
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "parley: %v\n", err)
	return 1
}

// parseFlags parses flags wherever they stand among the arguments, so
// "parley play FILE --seed 2" works as well as "parley play --seed 2 FILE".
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: parley [command] [flags]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "Run parley COMMAND -h for a command's flags.")
}
