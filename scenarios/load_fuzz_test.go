package scenarios

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// FuzzParse checks that Parse never panics, always returns a spec or
// problems, ends quickly, and that its position index covers every value the
// TOML decoder finds.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/load/*.toml", "bundled/*.toml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if src, err := os.ReadFile(file); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte(tricky))
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		spec, problems := Parse("fuzz.toml", src)
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("Parse took %v", elapsed)
		}
		if spec == nil && len(problems) == 0 {
			t.Fatal("Parse returned neither a spec nor problems")
		}
		for _, p := range problems {
			if p.Pos.Line < 1 || p.Pos.Col < 1 || p.Code == "" || p.Message == "" {
				t.Errorf("malformed problem %+v", p)
			}
		}
		if spec != nil {
			checkFuzzIndex(t, src)
		}
	})
}

// checkFuzzIndex checks the position index against the TOML decoder, for
// input Parse accepted as TOML.
func checkFuzzIndex(t *testing.T, src []byte) {
	var decoded map[string]any
	if _, err := toml.Decode(string(src), &decoded); err != nil {
		return // a byte-order mark Parse strips
	}
	index, err := indexPositions(src)
	if err != nil {
		t.Fatalf("index: %v", err)
	}
	checkIndexCovers(t, src, index, decoded)
}
