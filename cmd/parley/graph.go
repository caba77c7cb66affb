package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"parley/scenarios"
)

func graphCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "mermaid or dot")
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	if *format != "mermaid" && *format != "dot" {
		fmt.Fprintln(stderr, "graph: --format is mermaid or dot")
		return errUsage
	}
	sc, err := loadOne(args, stderr)
	if err != nil {
		return err
	}
	write := scenarios.WriteMermaid
	if *format == "dot" {
		write = scenarios.WriteDOT
	}
	err = write(stdout, sc.Graph(), sc.Analysis())
	// On stderr, so the drawing on stdout can be piped or saved as it is.
	fmt.Fprintln(stderr, howToView(*format, args[0]))
	return err
}

// howToView says where to see a drawing.
func howToView(format, file string) string {
	if format == "dot" {
		return fmt.Sprintf("Render with Graphviz: parley graph --format dot %s | dot -Tsvg > graph.svg", file)
	}
	return "Paste this into https://mermaid.live, or into a Markdown file inside a ```mermaid block (GitHub renders it)."
}
