package training

import (
	"reflect"
	"testing"

	"parley/engine"
)

// TestStoredStateHasEveryStateField: storedState is copied from
// engine.State field by field, so a field added to the engine's state would
// silently not be stored. This fails until the stored format has it too
// (and, if it changes what is stored, a new format version).
func TestStoredStateHasEveryStateField(t *testing.T) {
	stored := reflect.TypeFor[storedState]()
	for f := range reflect.TypeFor[engine.State]().Fields() {
		sf, ok := stored.FieldByName(f.Name)
		if !ok {
			t.Errorf("engine.State has %s, which storedState does not store", f.Name)
			continue
		}
		if sf.Tag.Get("json") != f.Tag.Get("json") {
			t.Errorf("%s is stored as %q, engine.State says %q", f.Name, sf.Tag.Get("json"), f.Tag.Get("json"))
		}
	}
	if n, m := stored.NumField(), reflect.TypeFor[engine.State]().NumField(); n != m {
		t.Errorf("storedState has %d fields, engine.State %d", n, m)
	}
}
