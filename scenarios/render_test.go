package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderWithoutAnalysis: with no analysis, nothing is highlighted and
// nothing reachable by some arrow is marked, in either format.
func TestRenderWithoutAnalysis(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("bundled", "late-shipment.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, problems := Load(File{Name: "late-shipment.toml", Src: src})
	if sc == nil {
		t.Fatal(problems)
	}
	var mermaid, dot strings.Builder
	if err := WriteMermaid(&mermaid, sc.Graph(), nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteDOT(&dot, sc.Graph(), nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"linkStyle", " unreachable\n"} {
		if strings.Contains(mermaid.String(), bad) {
			t.Errorf("Mermaid drawn without an analysis holds %q", bad)
		}
	}
	for _, bad := range []string{"#1a7f37", "color=red"} {
		if strings.Contains(dot.String(), bad) {
			t.Errorf("DOT drawn without an analysis holds %q", bad)
		}
	}
}
