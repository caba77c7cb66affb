package scenarios

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"parley/engine"
)

// tricky is valid TOML full of things a naive scanner trips on: quotes,
// brackets and # inside strings, all four kinds of string, inline tables
// inside arrays, dotted and quoted keys, and arrays of tables.
const tricky = `# "quotes" [brackets] {braces} = # in a comment
a = "x # not a comment ] } \" still"  # comment
'lit.key' = 'C:\dir[0]#{'
"esc\u0041ped" = 1
b = """
first "line" ""two"" [x] # y
\""" end"""
c = '''
  raw '' and "" [z] # '''
d = """\
    trimmed"""
empty = ""
arr = [
  "one, two]",   # comment ]
  { x = "}", y = [1, { z = 'q' }] },
  [ "nested", '''ml
''' ],
]
dotted . key."here" = "v"
when = 1979-05-27 07:32:00Z
inline = { p.q = "r", s = { t = "ü" }, u = """
x""" }
"café" = "é"
[tab."sub.part"]
k = 5
[[arr2]]
[[arr2.inner]]
v = "w"
[[arr2]]
  [arr2.tbl]
  v = "x"
  [[arr2.inner]]
  v = "y"
`

func TestIndexPositionsTricky(t *testing.T) {
	var decoded map[string]any
	if _, err := toml.Decode(tricky, &decoded); err != nil {
		t.Fatalf("the test input is not valid TOML: %v", err)
	}
	index, err := indexPositions([]byte(tricky))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path             string
		key, value, text string
	}{
		{"a", "2:1", "2:5", "2:6"},
		{`"lit.key"`, "3:1", "3:13", "3:14"},
		{"escAped", "4:1", "4:18", ""},
		{"b", "5:1", "5:5", "6:1"},
		{"c", "8:1", "8:5", "9:1"},
		{"d", "10:1", "10:5", "11:5"},
		{"empty", "12:1", "12:9", "12:10"},
		{"arr", "13:1", "13:7", ""},
		{"arr.0", "14:3", "14:3", "14:4"},
		{"arr.1", "15:3", "15:3", ""},
		{"arr.1.x", "15:5", "15:9", "15:10"},
		{"arr.1.y.1", "15:22", "15:22", ""},
		{"arr.1.y.1.z", "15:24", "15:28", "15:29"},
		{"arr.2.1", "16:15", "16:15", "16:18"},
		{"dotted", "19:1", "19:1", ""},
		{"dotted.key.here", "19:14", "19:23", "19:24"},
		{"when", "20:1", "20:8", ""},
		{"inline.p.q", "21:14", "21:18", "21:19"},
		{"inline.s.t", "21:29", "21:33", "21:34"},
		{"inline.u", "21:40", "21:44", "22:1"},
		{`"café"`, "23:1", "23:10", "23:11"},
		{"tab", "24:2", "24:2", ""},
		{`tab."sub.part"`, "24:6", "24:1", ""},
		{"tab.\"sub.part\".k", "25:1", "25:5", ""},
		{"arr2", "26:3", "26:3", ""},
		{"arr2.0", "26:1", "26:1", ""},
		{"arr2.0.inner.0", "27:1", "27:1", ""},
		{"arr2.0.inner.0.v", "28:1", "28:5", "28:6"},
		{"arr2.1", "29:1", "29:1", ""},
		{"arr2.1.tbl", "30:9", "30:3", ""},
		{"arr2.1.tbl.v", "31:3", "31:7", "31:8"},
		{"arr2.1.inner.0", "32:3", "32:3", ""},
		{"arr2.1.inner.0.v", "33:3", "33:7", "33:8"},
	}
	byName := map[string]entryPos{} // the index by the TOML spelling of each path
	for k, w := range index.entries {
		byName[tomlName(strings.Split(k, "\x00"))] = entryPos{w, index.lines}
	}
	for _, tt := range tests {
		w, ok := byName[tt.path]
		if !ok {
			t.Errorf("%s: not recorded", tt.path)
			continue
		}
		got := []string{showPos(w.Key()), showPos(w.Value()), showPos(w.Text())}
		want := []string{tt.key, tt.value, tt.text}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: key, value, text at %q, want %q", tt.path, got, want)
		}
	}
	checkIndexCovers(t, []byte(tricky), index, decoded)
}

func showPos(p engine.Pos) string {
	if p == (engine.Pos{}) {
		return ""
	}
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// checkIndexCovers checks that every value the TOML decoder found is in the
// index, and that each string's Text position holds the first character of
// the string (unless that character was written as an escape).
func checkIndexCovers(t *testing.T, src []byte, index *posIndex, decoded any) {
	t.Helper()
	lines := newLineIndex(src)
	walkDecoded(nil, decoded, func(path []string, v any) {
		entry, ok := index.entries[pathKey(path)]
		w := entryPos{entry, index.lines}
		if !ok {
			t.Errorf("%s: not recorded", pathKey(path))
			return
		}
		s, isString := v.(string)
		if !isString {
			return
		}
		off := offsetOf(lines, w.Text())
		first, _ := utf8.DecodeRuneInString(s)
		at, _ := utf8.DecodeRune(src[off:])
		if s != "" && at != first && at != '\\' {
			t.Errorf("%s: text at %v is %q, want %q", pathKey(path), w.Text(), at, first)
		}
	})
}

// walkDecoded calls visit for every value under v, with its path.
func walkDecoded(path []string, v any, visit func([]string, any)) {
	if len(path) > 0 {
		visit(path, v)
	}
	child := func(k string, c any) { walkDecoded(append(path[:len(path):len(path)], k), c, visit) }
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			child(k, c)
		}
	case []map[string]any:
		for i, c := range v {
			child(strconv.Itoa(i), c)
		}
	case []any:
		for i, c := range v {
			child(strconv.Itoa(i), c)
		}
	}
}

// offsetOf turns a line and column (in characters) into a byte offset.
func offsetOf(lines *lineIndex, p engine.Pos) int {
	off := lines.starts[p.Line-1]
	for col := 1; col < p.Col; col++ {
		_, n := utf8.DecodeRune(lines.src[off:])
		off += n
	}
	return off
}

func TestIndexPositionsTooDeep(t *testing.T) {
	ok := "a = " + strings.Repeat("[", 31) + strings.Repeat("]", 31)
	if _, err := indexPositions([]byte(ok)); err != nil {
		t.Errorf("31 nested arrays: %v", err)
	}
	deep := "a = " + strings.Repeat("[", 40) + strings.Repeat("]", 40)
	_, err := indexPositions([]byte(deep))
	if de, isDepth := err.(*depthError); !isDepth || de.Pos != (engine.Pos{Line: 1, Col: 37}) {
		t.Errorf("40 nested arrays: got %v, want a depth error at 1:37", err)
	}
}

// TestIndexPositionsEndsOnJunk checks the scanner ends on text that is not
// TOML at all.
func TestIndexPositionsEndsOnJunk(t *testing.T) {
	for _, src := range []string{`"`, `'''`, `"""\`, "[[", "a = [", "a = {", "= =", "a.\"b", "\\", "a = \"\\"} {
		if _, err := indexPositions([]byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestIndexPositionsCoversDecoder checks the index against the TOML decoder
// on snippets that use the less common corners of TOML 1.1.
func TestIndexPositionsCoversDecoder(t *testing.T) {
	snippets := []string{
		"a = {\n  b = 1, # comment\n  c = \"}\",\n}\n",
		"\"a\\\"b\" = 1\n\"\\u00e9\\e\" = 2\n'x\"y' = 3\n",
		"n = [+inf, -nan, 0x1F, 0o17, 0b101, 1_000, 6.02e+23]\n",
		"t = [07:32, 1979-05-27T07:32:00.999-07:00, 1979-05-27 07:32:00, 1979-05-27]\n",
		"[[a.b.c]]\nx = 1\n[[a.b.c]]\nx = 2\n[a.b.c.d]\ny = \"z\"\n",
		"[x]\n[x.y]\nz = 1\n[x.w]\nv = [[1, 2], ['a', \"b\"], [{c = 1}]]\n",
		"a.b.c = 1\na.b.d = \"\"\"\n\"\"\"\na.e = ''''''\n",
		"s = \"\"\"a\\\n  b\\\n  \"\"\"\nl = '''a''\"'''\nq = \"\"\"\"\"x\"\"\"\"\"\n",
		"k = 1 # \"not a string\n[t] # [not.a.table]\nv = 2\n",
		"a = [\n  # comment\n  1,\n  # comment ]\n]\n",
	}
	for _, src := range snippets {
		var decoded map[string]any
		if _, err := toml.Decode(src, &decoded); err != nil {
			t.Errorf("%q is not valid TOML: %v", src, err)
			continue
		}
		index, err := indexPositions([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		checkIndexCovers(t, []byte(src), index, decoded)
	}
}
