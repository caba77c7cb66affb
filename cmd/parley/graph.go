package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"parley/engine"
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
	g := newGraphView(sc)
	if *format == "dot" {
		_, err = io.WriteString(stdout, g.dot())
	} else {
		_, err = io.WriteString(stdout, g.mermaid())
	}
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

// graphView is what both drawings need: the static graph, the ideal
// replies, and what is never reached.
type graphView struct {
	g     engine.Graph
	ideal map[string]bool // "node/reply/to": the edges the ideal path takes
	dead  map[string]bool // ids never reached
}

func newGraphView(sc *engine.Scenario) graphView {
	a := sc.Analysis()
	v := graphView{g: sc.Graph(), ideal: map[string]bool{}, dead: map[string]bool{}}
	for i, s := range a.Ideal {
		v.ideal[s.Node+"/"+s.Reply+"/"+a.IdealTo[i]] = true
	}
	reached := map[string]bool{}
	for _, id := range a.Reached {
		reached[id] = true
	}
	static := v.g.Reachable()
	for _, n := range v.g.Nodes {
		v.dead[n.ID] = !static[n.ID] || (a.Complete && !reached[n.ID])
	}
	for _, e := range v.g.Endings {
		v.dead[e.ID] = !static[e.ID] || (a.Complete && !reached[e.ID])
	}
	return v
}

// mermaidID makes a node id safe as a Mermaid identifier.
func mermaidID(prefix, id string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "_%x_", r)
		}
	}
	return b.String()
}

// mermaidText escapes a label for a quoted Mermaid string.
func mermaidText(s string) string {
	return strings.NewReplacer("#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ", "|", "#124;", "`", "#96;").Replace(s)
}

// edgeLabel names a reply and, for a conditional branch, its condition.
func edgeLabel(r engine.GraphReply, br engine.GraphBranch) string {
	label := r.ID + ": " + short(r.Text, 40)
	if br.When != "" {
		label += " [if " + short(br.When, 40) + "]"
	}
	return label
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (v graphView) mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, n := range v.g.Nodes {
		fmt.Fprintf(&b, "  %s[\"%s<br/><i>%s</i>\"]\n", mermaidID("n_", n.ID), mermaidText(n.ID), mermaidText(short(n.Line, 48)))
	}
	for _, e := range v.g.Endings {
		fmt.Fprintf(&b, "  %s([\"%s: %s\"])\n", mermaidID("n_", e.ID), mermaidText(e.Outcome), mermaidText(e.Title))
	}
	var idealLinks []int
	link := 0
	for _, n := range v.g.Nodes {
		for _, r := range n.Replies {
			for _, br := range r.Next {
				fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", mermaidID("n_", n.ID), mermaidText(edgeLabel(r, br)), mermaidID("n_", br.To))
				if v.ideal[n.ID+"/"+r.ID+"/"+br.To] {
					idealLinks = append(idealLinks, link)
				}
				link++
			}
		}
	}
	for _, r := range v.g.Rules {
		if r.Goto != "" {
			fmt.Fprintf(&b, "  %s{{\"rule %s\"}} -.-> %s\n", mermaidID("r_", r.ID), mermaidText(r.ID), mermaidID("n_", r.Goto))
			link++
		}
	}
	b.WriteString("  classDef ending fill:#eef,stroke:#447\n  classDef unreachable fill:#fdd,stroke:#c00,stroke-dasharray:4 3\n")
	for _, e := range v.g.Endings {
		fmt.Fprintf(&b, "  class %s ending\n", mermaidID("n_", e.ID))
	}
	for _, id := range v.ids() {
		if v.dead[id] {
			fmt.Fprintf(&b, "  class %s unreachable\n", mermaidID("n_", id))
		}
	}
	for _, l := range idealLinks {
		fmt.Fprintf(&b, "  linkStyle %d stroke:#1a7f37,stroke-width:3px\n", l)
	}
	return b.String()
}

// dotText escapes a label for a quoted DOT string.
func dotText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (v graphView) dot() string {
	var b strings.Builder
	b.WriteString("digraph scenario {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n")
	for _, n := range v.g.Nodes {
		fmt.Fprintf(&b, "  \"%s\" [label=\"%s\\n%s\"%s];\n", dotText(n.ID), dotText(n.ID), dotText(short(n.Line, 48)), v.dotDead(n.ID))
	}
	for _, e := range v.g.Endings {
		fmt.Fprintf(&b, "  \"%s\" [shape=doubleoctagon, label=\"%s: %s\"%s];\n", dotText(e.ID), dotText(e.Outcome), dotText(e.Title), v.dotDead(e.ID))
	}
	for _, n := range v.g.Nodes {
		for _, r := range n.Replies {
			for _, br := range r.Next {
				style := ""
				if v.ideal[n.ID+"/"+r.ID+"/"+br.To] {
					style = ", color=\"#1a7f37\", penwidth=3"
				}
				fmt.Fprintf(&b, "  \"%s\" -> \"%s\" [label=\"%s\"%s];\n", dotText(n.ID), dotText(br.To), dotText(edgeLabel(r, br)), style)
			}
		}
	}
	for _, r := range v.g.Rules {
		if r.Goto != "" {
			fmt.Fprintf(&b, "  \"rule %s\" [shape=hexagon];\n  \"rule %s\" -> \"%s\" [style=dashed];\n", dotText(r.ID), dotText(r.ID), dotText(r.Goto))
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// ids lists node and ending ids in file order.
func (v graphView) ids() []string {
	var ids []string
	for _, n := range v.g.Nodes {
		ids = append(ids, n.ID)
	}
	for _, e := range v.g.Endings {
		ids = append(ids, e.ID)
	}
	return ids
}

func (v graphView) dotDead(id string) string {
	if v.dead[id] {
		return ", color=red, style=\"rounded,dashed\""
	}
	return ""
}
