package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/engine"
)

// baseScenario is a valid scenario the cases below add to or break.
const baseScenario = `id = "t"
title = "T"
summary = "S"
difficulty = "easy"
minutes = 5

[persona]
name = "Sam"
role = "Buyer"
briefing = "B"

[[endings]]
id = "done"
title = "Done"
outcome = "parted"
text = "Fine."

[[nodes]]
id = "open"
`

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "valid",
			src:  baseScenario + "[[nodes.replies]]\nid = \"r\"\ntext = \"R\"\nnext = \"done\"\n",
		},
		{
			name: "valid with lines and next as arrays of tables",
			src: baseScenario + "[[nodes.lines]]\ntext = \"Hi.\"\n[[nodes.replies]]\nid = \"r\"\ntext = \"R\"\n" +
				"[[nodes.replies.next]]\nwhen = \"turn > 1\"\ngoto = \"done\"\n[[nodes.replies.next]]\ngoto = \"open\"\n",
		},
		{
			name: "reply without next",
			src:  baseScenario + "lines = [\"Hi.\"]\n[[nodes.replies]]\nid = \"own-it\"\ntext = \"Sorry.\"\n",
			want: []string{`21:1: error: missing-key: reply "own-it" in node "open" has no "next"; add next = "node-id" or an array of { when, goto }`},
		},
		{
			name: "unknown key with the wrong case",
			src:  "Title = \"T\"\n" + strings.Replace(baseScenario, "title = \"T\"\n", "", 1),
			want: []string{`1:1: error: unknown-key: unknown key "Title" in the top-level table; did you mean "title"?`},
		},
		{
			name: "near miss and no match",
			src:  baseScenario + "lnies = []\nzzz = 1\n",
			want: []string{
				`20:1: error: unknown-key: unknown key "lnies" in node "open"; did you mean "lines"?`,
				`21:1: error: unknown-key: unknown key "zzz" in node "open"; remove it; the keys here are id, lines, replies, order`,
			},
		},
		{
			name: "wrong types point at the value",
			src:  strings.Replace(baseScenario, "minutes = 5", "minutes = 5.5", 1) + "lines = [\"a\", [\"b\"]]\n",
			want: []string{
				`5:11: error: toml-type: "minutes" in the top-level table must be an integer, not a float; write minutes = 10`,
				`20:15: error: toml-type: line 2 of node "open" must be a string or a table, not an array; write "…" or { text = "…" }`,
			},
		},
		{
			name: "every missing key at once, in file order",
			src:  "[persona]\n[[nodes]]\n[[endings]]\n",
			want: []string{
				`1:1: error: missing-key: the top-level table has no "id"; add id = "some-id" (lower-case letters, digits and -)`,
				`1:1: error: missing-key: the top-level table has no "title"; add title = "…"`,
				`1:1: error: missing-key: the top-level table has no "summary"; add summary = "…"`,
				`1:1: error: missing-key: the top-level table has no "difficulty"; add difficulty = "easy", "medium" or "hard"`,
				`1:1: error: missing-key: the top-level table has no "minutes"; add minutes = 10`,
				`1:1: error: missing-key: [persona] has no "name"; add name = "…"`,
				`1:1: error: missing-key: [persona] has no "role"; add role = "…"`,
				`1:1: error: missing-key: [persona] has no "briefing"; add briefing = "…"`,
				`2:1: error: missing-key: node 1 has no "id"; add id = "some-id" (lower-case letters, digits and -)`,
				`3:1: error: missing-key: ending 1 has no "id"; add id = "some-id" (lower-case letters, digits and -)`,
				`3:1: error: missing-key: ending 1 has no "title"; add title = "…"`,
				`3:1: error: missing-key: ending 1 has no "outcome"; add outcome = "resolved", "escalated", "lost" or "parted"`,
				`3:1: error: missing-key: ending 1 has no "text"; add text = "…"`,
			},
		},
		{
			name: "bad outcome and difficulty",
			src: strings.Replace(strings.Replace(baseScenario, `"parted"`, `"won"`, 1),
				`difficulty = "easy"`, `difficulty = "HARD"`, 1),
			want: []string{
				`4:14: error: bad-value: "difficulty" in the top-level table must be "easy", "medium" or "hard", not "HARD"; write difficulty = "hard"`,
				`15:11: error: bad-value: "outcome" in ending "done" must be "resolved", "escalated", "lost" or "parted", not "won"; write the one that fits`,
			},
		},
		{
			name: "bad names and ids",
			src:  baseScenario + "[[nodes.replies]]\nid = \"-x\"\ntext = \"R\"\nnext = \"done\"\n[state]\nvisits = 0\n2x = 1\n",
			want: []string{
				`21:6: error: bad-value: id "-x" in reply "-x" in node "open" must be lower-case letters, digits and -, starting with a letter or digit; write id = "x"`,
				`25:1: error: bad-value: state variable name "visits" is reserved (turn, visits, node, reply, next, next_ending, true, false, nil are); rename it`,
				`26:1: error: bad-value: state variable name "2x" must be lower-case letters, digits and _, not starting with a digit; rename it to "_2x"`,
			},
		},
		{
			name: "drift without baseline, malformed band, pass out of range",
			src: baseScenario + "[mood.trust]\nstart = 1\nmin = 0\nmax = 9\ndrift = 1\nbands = [[0, \"low\", 3]]\ngood = \"High\"\n" +
				"[competencies.ownership]\npass = -1\n",
			want: []string{
				`24:9: error: bad-value: [mood.trust] has drift but no baseline to drift toward; add baseline = <the value it settles at>`,
				`25:10: error: bad-value: band 1 in [mood.trust] must be [threshold, "label"], like [50, "annoyed"]`,
				`26:8: error: bad-value: "good" in [mood.trust] must be "low" or "high", not "High"; write good = "high"`,
				`28:8: error: bad-value: "pass" in [competencies.ownership] must be between 0 and 100, not -1; write the pass mark as a percentage, like pass = 60`,
			},
		},
		{
			name: "syntax error",
			src:  "id = \"t\"\ntitle = = 1\n",
			want: []string{`2:9: error: toml-syntax: invalid TOML: expected value but found '=' instead; fix the syntax here (see docs/scenario-format.md)`},
		},
		{
			name: "duplicate key is a syntax error",
			src:  "id = \"a\"\nid = \"b\"\n",
			want: []string{`2:1: error: toml-syntax: invalid TOML: key "id" is defined twice; keep one of them`},
		},
		{
			name: "empty",
			src:  "  \n\n",
			want: []string{`1:1: error: toml-syntax: the file is empty; a scenario needs id, title, summary, difficulty, minutes, [persona], [[nodes]] and [[endings]]: start from the example in docs/scenario-format.md`},
		},
		{
			name: "utf-16",
			src:  "\xff\xfei\x00d\x00",
			want: []string{`1:4: error: toml-syntax: this is not a text TOML file (it contains a NUL byte); a scenario must be UTF-8 text: save it as plain text, or check that this is the right file`},
		},
		{
			name: "deep inline tables",
			src:  "a = " + strings.Repeat("{b = ", 40) + "1" + strings.Repeat("}", 40) + "\n",
			want: []string{`1:161: error: too-large: the file nests tables and arrays more than 32 levels deep; a scenario needs far fewer: flatten it`},
		},
		{
			// A million open brackets would crash the TOML decoder (it
			// recurses); the quick check before it stops at the 65th.
			name: "absurdly deep arrays",
			src:  "x = \"[[[\" # {{{\na = " + strings.Repeat("[", 1<<20),
			want: []string{`2:69: error: too-large: the file nests tables and arrays more than 32 levels deep; a scenario needs far fewer: flatten it`},
		},
		{
			name: "deep header",
			src:  "[" + strings.Repeat("a.", 40) + "b]\n",
			want: []string{`1:1: error: too-large: the file nests tables and arrays more than 32 levels deep; a scenario needs far fewer: flatten it`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Parse("test.toml", []byte(tt.src))
			checkParseProblems(t, problems, tt.want)
		})
	}
}

func checkParseProblems(t *testing.T, problems engine.Problems, want []string) {
	t.Helper()
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseTooLarge(t *testing.T) {
	src := []byte("# " + strings.Repeat("x", MaxFileSize) + "\n")
	spec, problems := Parse("big.toml", src)
	if spec != nil || len(problems) != 1 || problems[0].Code != "too-large" || problems[0].Pos != (engine.Pos{Line: 1, Col: 1}) {
		t.Fatalf("got %v, %v; want one too-large problem at 1:1", spec, problems)
	}
}

func TestParseFile(t *testing.T) {
	spec, problems := ParseFile(filepath.Join("testdata", "load", "example.toml"))
	if len(problems) > 0 || spec.ID != "late-shipment" {
		t.Fatalf("got %v, %v", spec, problems)
	}
	src, _ := os.ReadFile(filepath.Join("testdata", "load", "example.toml"))
	if sum := sha256.Sum256(src); spec.Version != hex.EncodeToString(sum[:]) {
		t.Errorf("Version = %q, want the SHA-256 of the file", spec.Version)
	}
	huge := filepath.Join(t.TempDir(), "huge.toml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil || os.Truncate(huge, 1<<30) != nil {
		t.Fatal("cannot make a huge file")
	}
	if _, problems = ParseFile(huge); len(problems) != 1 || problems[0].Code != "too-large" {
		t.Errorf("huge file: got %v, want one too-large problem", problems)
	}
	_, problems = ParseFile(filepath.Join(t.TempDir(), "missing.toml"))
	if len(problems) != 1 || problems[0].Code != "read-error" || !strings.Contains(problems[0].Message, "no such file") {
		t.Errorf("got %v, want one read-error", problems)
	}
}

// TestParseKeepsFileOrder checks that tables decoded through maps come out in
// the order the file has them.
func TestParseKeepsFileOrder(t *testing.T) {
	src := baseScenario + "[[nodes.replies]]\nid = \"r\"\ntext = \"R\"\nnext = \"done\"\n" +
		"effects = { zeta = \"1\", alpha = \"2\", mid = \"3\" }\npoints = { z = 1, a = 2 }\n" +
		"[mood.zz]\nstart = 0\nmin = 0\nmax = 1\n[mood.aa]\nstart = 0\nmin = 0\nmax = 1\n" +
		"[state]\nz = 1\na = \"x\"\nm = true\n" +
		"[competencies.z]\n[competencies.a]\n"
	spec, problems := Parse("order.toml", []byte(src))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	var got []string
	for _, m := range spec.Mood {
		got = append(got, m.Name)
	}
	for _, v := range spec.State {
		got = append(got, v.Name)
	}
	for _, c := range spec.Competencies {
		got = append(got, c.ID)
	}
	for _, e := range spec.Nodes[0].Replies[0].Effects {
		got = append(got, e.Var)
	}
	for _, p := range spec.Nodes[0].Replies[0].Points {
		got = append(got, p.Competency)
	}
	want := "zz aa z a m z a zeta alpha mid z a"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %q, want %q", strings.Join(got, " "), want)
	}
	if d := spec.State[0].Default; d != float64(1) {
		t.Errorf("integer state default = %#v, want float64(1)", d)
	}
}

// TestParseExpressionPositions checks that an expression's Pos is its first
// character, in every kind of string.
func TestParseExpressionPositions(t *testing.T) {
	src := baseScenario + "[[nodes.replies]]\nid = \"r\"\ntext = \"R\"\n" +
		"when = \"\"\"\nturn > 1\"\"\"\n" +
		"next = [{ when = 'turn > 2', goto = \"done\" }, { goto = \"done\" }]\n" +
		"effects.x = \"\"\"\\\n   \n  x + 1\"\"\"\n"
	spec, problems := Parse("expr.toml", []byte(src))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	r := spec.Nodes[0].Replies[0]
	checks := []struct {
		what string
		got  engine.Pos
		want engine.Pos
	}{
		{"when", r.When.Pos, engine.Pos{Line: 24, Col: 1}},
		{"branch when", r.Next[0].When.Pos, engine.Pos{Line: 25, Col: 19}},
		{"branch", r.Next[1].Pos, engine.Pos{Line: 25, Col: 47}},
		{"effect key", r.Effects[0].Pos, engine.Pos{Line: 26, Col: 9}},
		{"effect expression", r.Effects[0].Expr.Pos, engine.Pos{Line: 28, Col: 3}},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.what, c.got, c.want)
		}
	}
}

// TestParseLargeFileReportsEveryHalf: a file of 64 nodes or more is read by
// two loaders, half each; problems from both halves are reported, in order.
func TestParseLargeFileReportsEveryHalf(t *testing.T) {
	src := string(generated(100))
	for _, id := range []string{"n10", "n90"} {
		src = strings.Replace(src, "id = \""+id+"\"\n", "id = \""+id+"\"\nTitle = \"x\"\n", 1)
	}
	_, problems := Parse("big.toml", []byte(src))
	var lines []int
	for _, p := range problems {
		if p.Code == "unknown-key" {
			lines = append(lines, p.Pos.Line)
		}
	}
	want := []int{
		strings.Count(src[:strings.Index(src, "id = \"n10\"")], "\n") + 2,
		strings.Count(src[:strings.Index(src, "id = \"n90\"")], "\n") + 2,
	}
	if len(lines) != 2 || lines[0] != want[0] || lines[1] != want[1] {
		t.Errorf("unknown-key problems at lines %v, want %v (one in each half, in order)", lines, want)
	}
}
