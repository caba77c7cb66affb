package scenarios

import (
	"fmt"
	"io"
	"strings"

	"parley/engine"
)

// WriteMermaid draws a scenario's graph as a Mermaid flowchart: a box per
// node with its first line, a rounded box per ending, an arrow per reply
// (labelled with its condition when it branches), a dashed arrow per rule
// that jumps. The replies of the analysis's ideal path are drawn thick and
// green, and what is never reached is marked red and dashed. The analysis
// may be nil: then nothing is highlighted, and only what no arrow leads to
// is marked unreached.
func WriteMermaid(w io.Writer, g engine.Graph, a *engine.Analysis) error {
	_, err := io.WriteString(w, newDrawing(g, a).mermaid())
	return err
}

// WriteDOT draws the same picture as WriteMermaid in Graphviz's DOT
// language, for dot -Tsvg and the like.
func WriteDOT(w io.Writer, g engine.Graph, a *engine.Analysis) error {
	_, err := io.WriteString(w, newDrawing(g, a).dot())
	return err
}

// drawing is what both formats need: the static graph, the ideal
// replies, and what is never reached.
type drawing struct {
	g     engine.Graph
	ideal map[string]bool // "node/reply/to": the edges the ideal path takes
	dead  map[string]bool // ids never reached
}

func newDrawing(g engine.Graph, a *engine.Analysis) drawing {
	d := drawing{g: g, ideal: map[string]bool{}, dead: map[string]bool{}}
	explored := a != nil && a.Complete
	reached := map[string]bool{}
	if a != nil {
		for i, s := range a.Ideal {
			d.ideal[s.Node+"/"+s.Reply+"/"+a.IdealTo[i]] = true
		}
		for _, id := range a.Reached {
			reached[id] = true
		}
	}
	static := g.Reachable()
	for _, n := range g.Nodes {
		d.dead[n.ID] = !static[n.ID] || (explored && !reached[n.ID])
	}
	for _, e := range g.Endings {
		d.dead[e.ID] = !static[e.ID] || (explored && !reached[e.ID])
	}
	return d
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
	label := r.ID + ": " + shorten(r.Text, 40)
	if br.When != "" {
		label += " [if " + shorten(br.When, 40) + "]"
	}
	return label
}

// shorten cuts s to at most n runes, the last an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (d drawing) mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, n := range d.g.Nodes {
		fmt.Fprintf(&b, "  %s[\"%s<br/><i>%s</i>\"]\n", mermaidID("n_", n.ID), mermaidText(n.ID), mermaidText(shorten(n.Line, 48)))
	}
	for _, e := range d.g.Endings {
		fmt.Fprintf(&b, "  %s([\"%s: %s\"])\n", mermaidID("n_", e.ID), mermaidText(e.Outcome), mermaidText(e.Title))
	}
	var idealLinks []int
	link := 0
	for _, n := range d.g.Nodes {
		for _, r := range n.Replies {
			for _, br := range r.Next {
				fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", mermaidID("n_", n.ID), mermaidText(edgeLabel(r, br)), mermaidID("n_", br.To))
				if d.ideal[n.ID+"/"+r.ID+"/"+br.To] {
					idealLinks = append(idealLinks, link)
				}
				link++
			}
		}
	}
	for _, r := range d.g.Rules {
		if r.Goto != "" {
			fmt.Fprintf(&b, "  %s{{\"rule %s\"}} -.-> %s\n", mermaidID("r_", r.ID), mermaidText(r.ID), mermaidID("n_", r.Goto))
			link++
		}
	}
	b.WriteString("  classDef ending fill:#eef,stroke:#447\n  classDef unreachable fill:#fdd,stroke:#c00,stroke-dasharray:4 3\n")
	for _, e := range d.g.Endings {
		fmt.Fprintf(&b, "  class %s ending\n", mermaidID("n_", e.ID))
	}
	for _, id := range d.ids() {
		if d.dead[id] {
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

func (d drawing) dot() string {
	var b strings.Builder
	b.WriteString("digraph scenario {\n  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n")
	for _, n := range d.g.Nodes {
		fmt.Fprintf(&b, "  \"%s\" [label=\"%s\\n%s\"%s];\n", dotText(n.ID), dotText(n.ID), dotText(shorten(n.Line, 48)), d.dotDead(n.ID))
	}
	for _, e := range d.g.Endings {
		fmt.Fprintf(&b, "  \"%s\" [shape=doubleoctagon, label=\"%s: %s\"%s];\n", dotText(e.ID), dotText(e.Outcome), dotText(e.Title), d.dotDead(e.ID))
	}
	for _, n := range d.g.Nodes {
		for _, r := range n.Replies {
			for _, br := range r.Next {
				style := ""
				if d.ideal[n.ID+"/"+r.ID+"/"+br.To] {
					style = ", color=\"#1a7f37\", penwidth=3"
				}
				fmt.Fprintf(&b, "  \"%s\" -> \"%s\" [label=\"%s\"%s];\n", dotText(n.ID), dotText(br.To), dotText(edgeLabel(r, br)), style)
			}
		}
	}
	for _, r := range d.g.Rules {
		if r.Goto != "" {
			fmt.Fprintf(&b, "  \"rule %s\" [shape=hexagon];\n  \"rule %s\" -> \"%s\" [style=dashed];\n", dotText(r.ID), dotText(r.ID), dotText(r.Goto))
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// ids lists node and ending ids in file order.
func (d drawing) ids() []string {
	var ids []string
	for _, n := range d.g.Nodes {
		ids = append(ids, n.ID)
	}
	for _, e := range d.g.Endings {
		ids = append(ids, e.ID)
	}
	return ids
}

func (d drawing) dotDead(id string) string {
	if d.dead[id] {
		return ", color=red, style=\"rounded,dashed\""
	}
	return ""
}
