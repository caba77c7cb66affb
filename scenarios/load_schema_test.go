package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// schemaPath is the JSON Schema editors use to check scenario files.
var schemaPath = filepath.Join("..", "docs", "scenario.schema.json")

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	src, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(src, &schema); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	return schema
}

// TestSchemaMatchesLoader checks that the schema accepts and requires the
// same keys as the loader, table by table, so that the two cannot drift apart.
func TestSchemaMatchesLoader(t *testing.T) {
	schema := loadSchema(t)
	defs, _ := schema["definitions"].(map[string]any)
	for kind, keys := range acceptedKeys {
		def := schema
		if kind != "" {
			def, _ = defs[kind].(map[string]any)
		}
		if def == nil {
			t.Errorf("the schema has no definition %q", kind)
			continue
		}
		props, _ := def["properties"].(map[string]any)
		checkSchemaKeys(t, kind+" properties", schemaKeys(props), keys)
		checkSchemaKeys(t, kind+" required", schemaStrings(def["required"]), requiredKeys[kind])
	}
}

// TestSchemaEnums checks the schema's enums against the loader's.
func TestSchemaEnums(t *testing.T) {
	schema := loadSchema(t)
	defs := schema["definitions"].(map[string]any)
	enum := func(def map[string]any, key string) []string {
		props := def["properties"].(map[string]any)
		return schemaStrings(props[key].(map[string]any)["enum"])
	}
	checkSchemaKeys(t, "difficulty", enum(schema, "difficulty"), validDifficulties)
	checkSchemaKeys(t, "outcome", enum(defs["ending"].(map[string]any), "outcome"), validOutcomes)
	checkSchemaKeys(t, "good", enum(defs["mood"].(map[string]any), "good"), validGoods)
}

// TestSchemaIsClosedAndDescribed checks that every table in the schema
// rejects unknown keys and that every key has a description for editors.
func TestSchemaIsClosedAndDescribed(t *testing.T) {
	walkSchemaNodes("#", loadSchema(t), func(at string, node map[string]any) {
		_, hasProps := node["properties"]
		_, hasPatterns := node["patternProperties"]
		if (hasProps || hasPatterns) && node["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is not false", at)
		}
		props, _ := node["properties"].(map[string]any)
		for key, p := range props {
			if d, _ := p.(map[string]any)["description"].(string); d == "" {
				t.Errorf("%s/properties/%s: no description", at, key)
			}
		}
	})
}

// walkSchemaNodes calls visit for every object in the schema.
func walkSchemaNodes(at string, v any, visit func(string, map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		visit(at, v)
		for k, c := range v {
			walkSchemaNodes(at+"/"+k, c, visit)
		}
	case []any:
		for _, c := range v {
			walkSchemaNodes(at+"/[]", c, visit)
		}
	}
}

func checkSchemaKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s: schema has %q, loader has %q", what, got, want)
	}
}

func schemaKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// schemaStrings returns a JSON array of strings as a slice.
func schemaStrings(v any) []string {
	var out []string
	for _, s := range schemaArray(v) {
		if s, ok := s.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func schemaArray(v any) []any {
	a, _ := v.([]any)
	return a
}
