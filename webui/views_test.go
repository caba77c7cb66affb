package webui

import (
	"reflect"
	"testing"
)

// TestWireTypesAreOwn holds that the frames and answers webui writes are
// made of its own types, not the engine's: a change to the engine's JSON
// tags must not change the protocol.
func TestWireTypesAreOwn(t *testing.T) {
	for _, v := range []any{snapshotFrame{}, turnFrame{}, ackFrame{}, endedFrame{}, errorFrame{}, goingAwayFrame{},
		scenarioSummary{}, scenarioDetail{}, attemptItem{}, debriefResponse{}, User{}, errorBody{}} {
		checkOwn(t, reflect.TypeOf(v), reflect.TypeOf(v).Name(), map[reflect.Type]bool{})
	}
}

func checkOwn(t *testing.T, typ reflect.Type, path string, seen map[reflect.Type]bool) {
	t.Helper()
	if seen[typ] {
		return
	}
	seen[typ] = true
	if typ.PkgPath() == "parley/engine" {
		t.Errorf("%s is %s: give webui its own type for it in views.go and convert at the edge", path, typ)
		return
	}
	switch typ.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		checkOwn(t, typ.Elem(), path+"[]", seen)
	case reflect.Struct:
		for i := range typ.NumField() {
			f := typ.Field(i)
			checkOwn(t, f.Type, path+"."+f.Name, seen)
		}
	}
}
