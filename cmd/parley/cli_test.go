package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// runCLI runs parley with args and stdin, returning its output and exit code.
func runCLI(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &out)
	return out.String(), code
}

// runCLISplit is runCLI with stdout and stderr kept apart.
func runCLISplit(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestLintGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/lint/*.toml")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, summary, code := runCLISplit(t, "", "lint", f)
			want := 0 // warnings alone pass
			if strings.Contains(out, ": error: ") {
				want = 1
			}
			if code != want {
				t.Errorf("exit code %d, want %d", code, want)
			}
			if !strings.HasPrefix(summary, "1 file: ") || strings.Count(summary, "\n") != 1 {
				t.Errorf("stderr is not one summary line: %q", summary)
			}
			golden(t, strings.TrimSuffix(f[len("testdata/"):], ".toml")+".golden", out)
		})
	}
}

func TestLintJSONAndCleanFile(t *testing.T) {
	out, code := runCLI(t, "", "lint", "--format", "json", "testdata/mini.toml")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("clean file: exit %d, output %q", code, out)
	}
	out, code = runCLI(t, "", "lint", "--format", "json", "testdata/lint/broken.toml")
	if code != 1 || !strings.Contains(out, `"code": "unknown-key"`) || !strings.Contains(out, `"line": 2`) {
		t.Errorf("broken file as JSON: exit %d, output %s", code, out)
	}
}

func TestLintBundled(t *testing.T) {
	out, summary, code := runCLISplit(t, "", "lint")
	if code != 0 || out != "" || summary != "3 files: no problems\n" {
		t.Errorf("bundled scenarios: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, summary)
	}
}

func TestLintSummaryAndStrict(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string // stdout: a substring; stderr: all of it
	}{
		{"clean", []string{"testdata/mini.toml"}, 0, "", "1 file: no problems\n"},
		{"warnings pass", []string{"testdata/lint/pinned.toml"}, 0, "warning: pinned-best-first",
			"1 file: 1 warning (warnings do not fail; --strict makes them)\n"},
		{"--strict fails on warnings", []string{"--strict", "testdata/lint/pinned.toml"}, 1, "warning: pinned-best-first",
			"1 file: 1 warning (--strict: warnings fail)\n"},
		{"--strict passes a clean file", []string{"testdata/mini.toml", "--strict"}, 0, "", "1 file: no problems\n"},
		{"errors and warnings", []string{"testdata/lint/broken.toml", "testdata/mini.toml"}, 1, "error: unknown-key",
			"2 files: 7 errors, 2 warnings\n"},
		{"no summary with json", []string{"--format", "json", "testdata/lint/pinned.toml"}, 0, `"code": "pinned-best-first"`, ""},
		{"--strict with json", []string{"--format", "json", "--strict", "testdata/lint/pinned.toml"}, 1, `"code": "pinned-best-first"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLISplit(t, "", append([]string{"lint"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || errOut != tt.stderr {
				t.Errorf("exit %d (want %d)\nstdout (want it to hold %q):\n%s\nstderr (want %q):\n%s", code, tt.code, tt.stdout, out, tt.stderr, errOut)
			}
			if tt.stdout == "" && out != "" {
				t.Errorf("stdout should be empty for a clean file:\n%s", out)
			}
		})
	}
}

func TestGraphGolden(t *testing.T) {
	for _, format := range []string{"mermaid", "dot"} {
		t.Run(format, func(t *testing.T) {
			out, hint, code := runCLISplit(t, "", "graph", "--format", format, "testdata/mini.toml")
			if code != 0 {
				t.Fatalf("exit %d: %s%s", code, out, hint)
			}
			golden(t, "graph/mini."+format, out)
			if want := howToView(format, "testdata/mini.toml") + "\n"; hint != want {
				t.Errorf("stderr = %q, want %q", hint, want)
			}
		})
	}
}

func TestPathsGolden(t *testing.T) {
	out, code := runCLI(t, "", "paths", "testdata/mini.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	golden(t, "paths-mini.golden", out)
}

func TestPlayGolden(t *testing.T) {
	tests := []struct{ name, stdin string }{
		{"play-ideal", "own\nexpect\n"},
		{"play-bad-input", "9\nexcuse\n?\n1\n"},
		{"play-stop", "q\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runCLI(t, tt.stdin, "play", "--seed", "3", "testdata/mini.toml")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			golden(t, tt.name+".golden", out)
		})
	}
}

// TestPlayPromptAtATerminal checks the prompt both ways: a terminal echoes
// what the trainee types, so the player adds no newline after "> ".
func TestPlayPromptAtATerminal(t *testing.T) {
	sc, err := loadOne([]string{"testdata/mini.toml"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		piped bool
		want  string
	}{
		{true, "q stops.\n> \n  [empathy"},
		{false, "q stops.\n>   [empathy"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		p := &player{s: sc.Start(3), in: bufio.NewScanner(strings.NewReader("own\nexpect\n")), out: &out, piped: tt.piped}
		if err := p.play(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tt.want) || strings.Count(out.String(), howToAnswer) != 1 {
			t.Errorf("piped=%v: output lacks %q or does not say how to answer once:\n%s", tt.piped, tt.want, out.String())
		}
	}
}

func TestPlayFromNodeWithState(t *testing.T) {
	out, code := runCLI(t, "2\n", "play", "--from", "plan", "--set", "frustration=10", "testdata/mini.toml")
	if code != 0 || !strings.Contains(out, "So what now?") || !strings.Contains(out, "calm") || !strings.Contains(out, "== Sorted (resolved) ==") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	_, code = runCLI(t, "", "play", "--from", "nowhere", "testdata/mini.toml")
	if code != 1 {
		t.Errorf("unknown --from node: exit %d, want 1", code)
	}
}

func TestTestCommand(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/mini.toml")
	os.WriteFile(filepath.Join(dir, "mini.toml"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "mini.good.testplan"), []byte("line: Four days\nchoose: own\nline: So what now?\nchoose: expect\nending: fixed\noutcome: resolved\nscore: * >= 90\npassed: boundaries\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mini.bad.testplan"), []byte("choose: promise\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mini.promise.testplan"), []byte("choose: own\nchoose: promise\nfailed: boundaries\n"), 0o644)
	out, code := runCLI(t, "", "test", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one plan fails)", code)
	}
	for _, want := range []string{"ok   " + filepath.Join(dir, "mini.good.testplan"), "FAIL " + filepath.Join(dir, "mini.bad.testplan"),
		"mini.bad.testplan:1:1: error: testplan: choose promise: reply \"promise\" at node \"open\": no reply with that id at this point (on offer: own, excuse)",
		"mini.good.testplan\n     ending: fixed (resolved, a success)\n     scores: listening 100 ✓ · empathy 100 ✓ · boundaries 100 ✓\n",
		"(on offer: own, excuse)\n     ending: none; the plan stopped at node open after 0 replies\n     scores: listening 0 ✗ · empathy 0 ✗ · boundaries 0 ✗\n",
		"mini.promise.testplan\n     ending: fixed (resolved, a success)\n     scores: listening 100 ✓ · empathy 100 ✓ · boundaries 0 ✗ blocked\n",
		"\n3 passed, 1 failed\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBundledTestPlansPass(t *testing.T) {
	out, code := runCLI(t, "", "test", "../../scenarios/bundled")
	if code != 0 {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	out, code := runCLI(t, "", "frobnicate")
	if code != 2 || !strings.Contains(out, `unknown command "frobnicate"`) {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestTrainerPapercuts(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"mood preset out of range is an error, not a panic", []string{"play", "--set", "frustration=150", "testdata/mini.toml"}, 1,
			"--set frustration: 150 is outside its range 0..100"},
		{"--set a misspelt name suggests the nearest", []string{"play", "--set", "frustraton=10", "testdata/mini.toml"}, 1,
			`parley: --set frustraton: no mood or state variable by that name; did you mean "frustration"? (the variables are: frustration, asked)` + "\n"},
		{"--set a number as text", []string{"play", "--set", "asked=yes", "testdata/mini.toml"}, 1,
			"parley: --set asked=yes: asked is a number; write --set asked=2\n"},
		{"--set a mood as text", []string{"play", "--set", "frustration=high", "testdata/mini.toml"}, 1,
			"--set frustration=high: frustration is a number from 0 to 100; write --set frustration=50"},
		{"--set errors do not mention saved state", []string{"play", "--set", "nope=1", "testdata/mini.toml"}, 1,
			"--set nope: no mood or state variable by that name (the variables are: frustration, asked)\n"},
		{"flags after the file", []string{"play", "testdata/mini.toml", "--seed", "2", "--from", "plan"}, 0, "So what now?"},
		{"flags after the file for lint", []string{"lint", "testdata/mini.toml", "--format", "json"}, 0, "[]"},
		{"--from an ending", []string{"play", "--from", "fixed", "testdata/mini.toml"}, 1, `start at "fixed": that is an ending; start at a node`},
		{"--from a typo", []string{"play", "--from", "plna", "testdata/mini.toml"}, 1, `no such node (did you mean "plan"?)`},
		{"-h lists the commands", []string{"-h"}, 0, "lint      check scenario files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runCLI(t, "q\n", tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, tt.code, tt.want, out)
			}
		})
	}
}

func TestTestReportsOrphanPlans(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/mini.toml")
	os.WriteFile(filepath.Join(dir, "mini.toml"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "mnii.ideal.testplan"), []byte("choose: own\n"), 0o644)
	out, code := runCLI(t, "", "test", dir)
	if code != 1 || !strings.Contains(out, "no scenario file mnii.toml beside it") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestLintReportsIDTakenByBundled(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/mini.toml")
	clash := strings.Replace(string(src), `id = "mini"`, `id = "late-shipment"`, 1)
	os.WriteFile(filepath.Join(dir, "clash.toml"), []byte(clash), 0o644)
	out, code := runCLI(t, "", "lint", dir)
	if code != 1 || !strings.Contains(out, `clash.toml:1:1: error: duplicate-id: scenario id "late-shipment" is already used`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestDocExampleLintsClean keeps the example in docs/scenario-format.md
// true: a trainer copies it first.
func TestDocExampleLintsClean(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```toml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no ```toml example in the format doc")
	}
	path := filepath.Join(t.TempDir(), "example.toml")
	os.WriteFile(path, []byte(example), 0o644)
	if out, _, code := runCLISplit(t, "", "lint", path); code != 0 || out != "" {
		t.Errorf("the doc's example does not lint clean (exit %d):\n%s", code, out)
	}
}

// TestInterruptEndsExploration: SIGINT or SIGTERM (the context main gets
// from signal.NotifyContext) ends lint and paths at once, and says so;
// before, a heavy scenario kept them exploring and the signal was ignored.
func TestInterruptEndsExploration(t *testing.T) {
	for _, cmd := range []string{"lint", "paths"} {
		t.Run(cmd, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			var out bytes.Buffer
			start := time.Now()
			code := run(ctx, []string{cmd, "--max-states", "5000000", "--timeout", "0", "testdata/heavy.toml"}, strings.NewReader(""), &out, &out)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("%s took %v after being interrupted at 300ms", cmd, elapsed)
			}
			if code == 0 || !strings.Contains(out.String(), "interrupted") {
				t.Errorf("%s (exit %d) does not say it was interrupted:\n%s", cmd, code, out.String())
			}
		})
	}
}

// TestExplorationBudgetSaysWhy: a scenario past lint's budget gets a
// warning naming the limit that stopped it and the flag that moves it.
func TestExplorationBudgetSaysWhy(t *testing.T) {
	tests := []struct{ flag, value, want string }{
		{"--max-states", "2000", "stopped after"},
		{"--max-memory", "1", "(--max-memory)"},
		{"--timeout", "50ms", "(--timeout)"},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			out, code := runCLI(t, "", "lint", tt.flag, tt.value, "testdata/heavy.toml")
			if code != 0 || !strings.Contains(out, "exploration-incomplete") || !strings.Contains(out, tt.want) {
				t.Errorf("lint %s %s: exit %d\n%s", tt.flag, tt.value, code, out)
			}
		})
	}
}
