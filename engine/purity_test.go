package engine

import (
	"go/build"
	"strings"
	"testing"
)

// TestEngineIsPure fails when the engine imports anything that could reach
// files, the network, a database, the clock or global randomness.
func TestEngineIsPure(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		// context: exploration stops when the caller's context is done. The
		// engine never makes a context with a deadline of its own, so it
		// still reads no clock; the caller decides how long.
		"context":         true,
		"encoding/binary": true, "encoding/json": true, "errors": true, "fmt": true, "math": true,
		"reflect": true, "slices": true, "sort": true, "strings": true, "sync": true, "strconv": true,
	}
	for _, imp := range pkg.Imports {
		if allowed[imp] || strings.HasPrefix(imp, "github.com/expr-lang/expr") {
			continue
		}
		t.Errorf("engine imports %q; the engine may import only pure standard packages and expr", imp)
	}
}
