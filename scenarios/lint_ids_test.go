package scenarios

import (
	"bytes"
	"os"
	"testing"
)

func TestIDsReportAScenarioIDTakenByAnother(t *testing.T) {
	src, err := os.ReadFile("bundled/late-shipment.toml")
	if err != nil {
		t.Fatal(err)
	}
	ids := BundledIDs()
	copyOf := File{Name: "copy.toml", Src: src}
	edited := File{Name: "edited.toml", Src: bytes.Replace(src, []byte(`title = "The shipment that stopped the line"`), []byte(`title = "Edited"`), 1)}
	tests := []struct {
		f    File
		want string // "" or the problem code
	}{
		{copyOf, ""},             // the bundled scenario itself, copied: the same version
		{edited, "duplicate-id"}, // another version under a bundled id
		{edited, ""},             // this version now holds the id: checking it again is fine
	}
	for i, tt := range tests {
		sc, problems := Load(tt.f)
		if sc == nil {
			t.Fatalf("%s: %v", tt.f.Name, problems)
		}
		got := ids.Check(tt.f, sc)
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("case %d, %s: %v, want nothing", i, tt.f.Name, got)
		case tt.want != "" && (len(got) != 1 || got[0].Code != tt.want):
			t.Errorf("case %d, %s: %v, want %s", i, tt.f.Name, got, tt.want)
		}
	}
}
