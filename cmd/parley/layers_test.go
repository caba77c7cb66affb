package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports is the layering of Parley's packages, as policy (after the
// standard library's go/build/deps_test.go): for each package, the other
// Parley packages and the third-party modules it may import. The standard
// library is always allowed, except where the package's own test says
// otherwise (engine's purity test). A new arrow is a design decision: add it
// here, in the same commit, and say why.
var allowedImports = map[string][]string{
	"parley/engine":                   {"github.com/expr-lang/expr"},
	"parley/scenarios":                {"parley/engine", "github.com/BurntSushi/toml"},
	"parley/webui/training":           {"parley/engine", "golang.org/x/crypto/argon2", "github.com/google/uuid"}, // argon2id for passwords; RFC 4122 name-based ids for xAPI statements
	"parley/webui/training/storetest": {"parley/webui/training"},                                                 // the port's conformance suite, run by every adapter's tests
	"parley/webui/sqlite":             {"parley/webui/training", "modernc.org/sqlite"},
	"parley/webui/postgres":           {"parley/webui/training", "github.com/jackc/pgx/v5"},                                                                                               // the port on PostgreSQL, through pgx (the Go driver PostgreSQL users run), for several instances on one database
	"parley/webui/postgres/pgtest":    {"github.com/jackc/pgx/v5"},                                                                                                                        // tests only: a throwaway PostgreSQL cluster, for the adapter's tests and the app's
	"parley/webui":                    {"parley/engine", "parley/webui/training", "github.com/gorilla/websocket"},                                                                         // never a database adapter
	"parley/webui/lrs":                {"parley/webui/training"},                                                                                                                          // the xAPI outbox's relay to a learning record store
	"parley/webui/client":             {"github.com/gorilla/websocket"},                                                                                                                   // speaks docs/protocol.md as any client would: no server package
	"parley/webui/loadtest":           {"parley/webui/client", "github.com/gorilla/websocket", "modernc.org/sqlite"},                                                                      // the floor's echo and commit; the server is given to it, never imported
	"parley/webui/app":                {"parley/engine", "parley/scenarios", "parley/webui", "parley/webui/training", "parley/webui/sqlite", "parley/webui/postgres", "parley/webui/lrs"}, // the one place a server is wired, on either database; nothing but commands and tests imports it
	"parley/webui/browsertest":        {},                                                                                                                                                 // tests only; its imports are checked with the tests below

	// Moving an installation from one database to the other: the adapters' migrations, and the drivers for rows.
	"parley/webui/dbcopy": {"parley/webui/sqlite", "parley/webui/postgres", "modernc.org/sqlite", "github.com/jackc/pgx/v5"},
	"parley/cmd/parley":   {"parley/engine", "parley/scenarios", "parley/webui", "parley/webui/app", "parley/webui/sqlite", "parley/webui/training", "parley/webui/loadtest", "parley/webui/dbcopy"}, // training: parley user drives the core's Accounts; dbcopy: parley db copy
}

// TestLayers fails when a package imports a Parley package or a module the
// table does not allow, or when a package is missing from the table.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "parley/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var pkg struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&pkg); err != nil {
			t.Fatal(err)
		}
		allowed, ok := allowedImports[pkg.ImportPath]
		if !ok {
			t.Errorf("%s is not in allowedImports: add it, with what it may import", pkg.ImportPath)
			continue
		}
		for _, imp := range pkg.Imports {
			if !isStandard(imp) && !slices.ContainsFunc(allowed, func(a string) bool { return imp == a || strings.HasPrefix(imp, a+"/") }) {
				t.Errorf("%s imports %s, which allowedImports does not allow", pkg.ImportPath, imp)
			}
		}
	}
}

// isStandard reports whether an import path is the standard library's: its
// first element has no dot, and it is not Parley's.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "parley"
}
