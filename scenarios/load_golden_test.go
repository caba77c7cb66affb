package scenarios

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/engine"
)

// The -update flag rewrites golden files. Other golden tests in the package
// may define it too; it is defined here, in init (after every package-level
// variable), only when nobody has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata")
	}
}

// updatingGolden reports whether the test run was given -update.
func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestParseGolden parses every testdata/load/*.toml and compares the problems
// (or, when there are none, the Spec) with the .golden file beside it.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "load", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".toml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec, problems := Parse(file, src)
			got := renderParse(t, spec, problems)
			checkLoadGolden(t, strings.TrimSuffix(file, ".toml")+".golden", got)
		})
	}
}

// renderParse shows problems one a line, then the Spec as JSON when there are no
// problems.
func renderParse(t *testing.T, spec *engine.Spec, problems engine.Problems) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range problems {
		b.WriteString(p.String() + "\n")
	}
	if len(problems) > 0 {
		return b.Bytes()
	}
	if spec == nil {
		t.Fatal("Parse returned neither a spec nor problems")
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b.Write(append(out, '\n'))
	return b.Bytes()
}

func checkLoadGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updatingGolden() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scenarios -run TestParseGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (rerun with -update if the change is intended)\n--- got\n%s--- want\n%s", path, got, want)
	}
}
