package scenarios

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"parley/engine"
)

// generated writes a valid scenario with n nodes in a chain, each with
// three replies (one conditional, one once), a mood, state and rules.
func generated(n int) []byte {
	var b strings.Builder
	b.WriteString("id = \"generated\"\ntitle = \"Generated\"\nsummary = \"Big.\"\ndifficulty = \"hard\"\nminutes = 60\n")
	b.WriteString("[persona]\nname = \"G\"\nrole = \"R\"\nbriefing = \"B\"\n")
	b.WriteString("[mood.frustration]\nstart = 50\nmin = 0\nmax = 100\nbands = [[50, \"annoyed\"], [0, \"calm\"]]\ndrift = 1\nbaseline = 50\n")
	b.WriteString("[state]\nasked = 0\n")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "[[rules]]\nid = \"r%d\"\nwhen = \"frustration > %d && asked < 1000\"\neffects = { frustration = \"frustration - 1\" }\n", i, 90+i)
	}
	for i := 0; i < n; i++ {
		next := fmt.Sprintf("n%d", i+1)
		if i == n-1 {
			next = "end"
		}
		fmt.Fprintf(&b, "[[nodes]]\nid = \"n%d\"\nlines = [{ when = \"frustration > 60\", text = \"Hurry up.\" }, \"Line %d.\"]\n", i, i)
		fmt.Fprintf(&b, "[[nodes.replies]]\nid = \"good\"\ntext = \"Good.\"\npoints = { listening = 1, empathy = 1, boundaries = 1 }\neffects = { asked = \"asked + 1\" }\nnote = \"n\"\nnext = %q\n", next)
		fmt.Fprintf(&b, "[[nodes.replies]]\nid = \"bad\"\ntext = \"Bad.\"\nwhen = \"frustration < 95\"\npoints = { empathy = -1 }\neffects = { frustration = \"frustration + 5\" }\nnote = \"n\"\nnext = %q\n", next)
		fmt.Fprintf(&b, "[[nodes.replies]]\nid = \"wait\"\ntext = \"Wait.\"\nonce = true\nnote = \"n\"\nnext = [{ when = \"asked > 2\", goto = %q }, { goto = %q }]\n", next, next)
	}
	b.WriteString("[[endings]]\nid = \"end\"\ntitle = \"End\"\noutcome = \"resolved\"\ntext = \"Done.\"\n")
	return []byte(b.String())
}

// BenchmarkLoad1000 decodes and compiles a 1,000-node scenario.
func BenchmarkLoad1000(b *testing.B) {
	f := File{Name: "generated.toml", Src: generated(1000)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if sc, problems := Load(f); sc == nil {
			b.Fatal(problems)
		}
	}
}

// BenchmarkLint1000 is Load plus every lint check, with exploration
// bounded: the generated chain counts replies in a number, so it has more
// distinct states than any limit. "explore-1" stops exploring at the first
// state, which leaves the static checks; the others show what each state
// explored adds.
func BenchmarkLint1000(b *testing.B) {
	f := File{Name: "generated.toml", Src: generated(1000)}
	for _, states := range []int{1, 5_000, 20_000} {
		b.Run(fmt.Sprintf("explore-%d", states), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, sc := Lint(context.Background(), f, engine.Limits{MaxStates: states}); sc == nil {
					b.Fatal("did not compile")
				}
			}
		})
	}
}

// BenchmarkExploreBundled fully explores each bundled scenario.
func BenchmarkExploreBundled(b *testing.B) {
	for _, f := range Bundled() {
		sc, problems := Load(f)
		if sc == nil {
			b.Fatal(problems)
		}
		b.Run(strings.TrimSuffix(f.Name, ".toml"), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if a := sc.Explore(engine.Limits{}); !a.Complete {
					b.Fatal("incomplete")
				}
			}
		})
	}
}

func TestGeneratedScenarioLoads(t *testing.T) {
	diags, sc := Lint(context.Background(), File{Name: "generated.toml", Src: generated(50)}, engine.Limits{MaxStates: 20_000})
	if sc == nil {
		t.Fatal(diags)
	}
}

// BenchmarkTOMLDecodeOnly1000 is the floor under BenchmarkLoad1000: the
// TOML library decoding the same file, before any of Parley's work.
func BenchmarkTOMLDecodeOnly1000(b *testing.B) {
	src := string(generated(1000))
	for i := 0; i < b.N; i++ {
		var raw map[string]any
		if _, err := toml.Decode(src, &raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexOnly1000 is the position index alone.
func BenchmarkIndexOnly1000(b *testing.B) {
	src := generated(1000)
	for i := 0; i < b.N; i++ {
		indexPositions(src)
	}
}
