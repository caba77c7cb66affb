package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// errMoreValues is a body or frame that holds a second JSON value.
var errMoreValues = errors.New("more than one JSON value")

// jsonProblem says what is wrong with a JSON body that did not decode into
// v, in the words of someone who sends JSON: which field, and what it
// takes. encoding/json's own messages name Go types and structs ("cannot
// unmarshal string into Go struct field practiceRequest.turn of type
// int"), which mean nothing to the sender and tell them about the server.
func jsonProblem(err error, v any) string {
	root := reflect.TypeOf(v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty: send a JSON object with " + fieldList(root)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends before its JSON does: send one whole JSON object"
	case errors.Is(err, errMoreValues):
		return "the body goes on after its JSON object: send one JSON object and nothing after it"
	case errors.As(err, &syntax):
		return fmt.Sprintf("the body is not valid JSON: %s (at byte %d)", syntax, syntax.Offset)
	case errors.As(err, &typ):
		return typeProblem(typ, root)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("the body has a field %s that this request does not take: it takes %s", name, fieldList(root))
	}
	// A value's own decoder refused it (a time that is not RFC 3339, say),
	// in words that may name Go: say what every field takes instead.
	return "the body is not the JSON this request takes: it takes " + fieldList(root)
}

// typeProblem says which field has a value of the wrong kind.
func typeProblem(e *json.UnmarshalTypeError, root reflect.Type) string {
	got := gotValue(e.Value)
	if e.Field == "" {
		return fmt.Sprintf("the body must be a JSON object, not %s: send one with %s", got, fieldList(root))
	}
	want := describe(e.Type)
	if ft := fieldType(root, e.Field); ft != nil && ft != deref(e.Type) &&
		(ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array || ft.Kind() == reflect.Map) {
		return fmt.Sprintf("each value in %q must be %s, not %s", e.Field, want, got)
	}
	return fmt.Sprintf("%q must be %s, not %s", e.Field, want, got)
}

// frameProblem says why a websocket frame is not a JSON object, as
// jsonProblem does for a body.
func frameProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return "it is null"
	case errors.As(err, &syntax):
		return fmt.Sprintf("it is not valid JSON: %s (at byte %d)", syntax, syntax.Offset)
	case errors.As(err, &typ):
		return "it is " + gotValue(typ.Value)
	}
	return "it is not valid JSON"
}

// gotValue is how the sender would call the JSON value json.UnmarshalTypeError
// describes ("string", "number", "number 1.5", "array", ...).
func gotValue(v string) string {
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	switch v {
	case "string":
		return "text"
	case "number":
		return "a number"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return v
}

// fieldList lists the fields of the struct t (or *t) by their JSON names,
// each with what it takes: `"turn" (a whole number)`.
func fieldList(t reflect.Type) string {
	t = deref(t)
	if t == nil || t.Kind() != reflect.Struct {
		return describe(t)
	}
	var out []string
	for f := range t.Fields() {
		if name := jsonName(f); name != "" {
			out = append(out, fmt.Sprintf("%q (%s)", name, describe(f.Type)))
		}
	}
	if len(out) == 0 {
		return "no fields"
	}
	return strings.Join(out, ", ")
}

var timeType = reflect.TypeFor[time.Time]()

// describe says what a value of type t looks like in JSON.
func describe(t reflect.Type) string {
	t = deref(t)
	if t == nil {
		return "any JSON value"
	}
	if t == timeType {
		return "a date and time such as 2026-12-01T17:00:00Z"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number from 0 up"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list, each item " + describe(t.Elem())
	case reflect.Map:
		return "an object, each value " + describe(t.Elem())
	case reflect.Struct:
		return "an object"
	}
	return "any JSON value"
}

// fieldType is the type of the field at path ("a.b", as
// json.UnmarshalTypeError.Field gives it) under t, or nil.
func fieldType(t reflect.Type, path string) reflect.Type {
	for name := range strings.SplitSeq(path, ".") {
		t = deref(t)
		switch {
		case t == nil:
			return nil
		case t.Kind() == reflect.Map:
			t = t.Elem()
		case t.Kind() == reflect.Struct:
			next := reflect.Type(nil)
			for f := range t.Fields() {
				if jsonName(f) == name {
					next = f.Type
				}
			}
			t = next
		default:
			return nil
		}
	}
	return deref(t)
}

// jsonName is the name encoding/json gives the field, or "" if it skips it.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
