package scenarios

import (
	"fmt"

	"parley/engine"
)

// IDs knows which scenario ids are taken: by the bundled scenarios and by
// the files checked so far. Lint checks one file; a folder of them, like the
// server's, also needs every id to be its own, or the server skips a file.
type IDs struct {
	versions map[string]string // id → version that holds it
}

// BundledIDs starts with the bundled scenarios' ids taken.
func BundledIDs() *IDs {
	ids := &IDs{versions: map[string]string{}}
	for _, f := range Bundled() {
		if sc, _ := Load(f); sc != nil {
			ids.versions[sc.ID] = sc.Version
		}
	}
	return ids
}

// Check takes sc's id for f, and reports it as duplicate-id when another
// scenario (a bundled one other than itself, or a file checked before)
// already has it. The same version again (a copy of a bundled file, or the
// bundled file itself) is not a clash.
func (ids *IDs) Check(f File, sc *engine.Scenario) []Diagnostic {
	version, taken := ids.versions[sc.ID]
	ids.versions[sc.ID] = sc.Version
	if !taken || version == sc.Version {
		return nil
	}
	return []Diagnostic{{File: f.Name, Problem: engine.Problem{Pos: engine.Pos{Line: 1, Col: 1}, Severity: engine.Error,
		Code: "duplicate-id", Message: fmt.Sprintf("scenario id %q is already used by another scenario (bundled or linted before this one); the server would skip this file: give it its own id", sc.ID)}}}
}
