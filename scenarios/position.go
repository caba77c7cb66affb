package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"parley/engine"
)

// maxNesting bounds how deeply a scenario file may nest: keys of tables, dotted
// keys, array items and inline tables together. The format needs about 7.
const maxNesting = 32

// depthError says where the input first nests deeper than maxNesting.
type depthError struct {
	Pos engine.Pos
}

func (e *depthError) Error() string {
	return fmt.Sprintf("%d:%d: nested deeper than %d levels", e.Pos.Line, e.Pos.Col, maxNesting)
}

// entryOff records where one entry of a TOML document stands, as byte
// offsets: lines and columns are worked out only for the entries a Spec or a
// problem asks about. Entries are found by path: the keys from the top, with
// array items and [[table]] elements numbered from 0, as in
// "nodes.3.replies.1.effects.frustration".
type entryOff struct {
	key   int32 // the key; for array items and table headers, as value
	value int32 // the value's first character, or the '[' of its header
	text  int32 // for a string, the first character of its content; else -1
}

// entryPos is an entry with the line index that turns its offsets into
// positions.
type entryPos struct {
	off   entryOff
	lines *lineIndex
}

// Key is where the entry's key stands.
func (w entryPos) Key() engine.Pos { return w.lines.pos(int(w.off.key)) }

// Value is where the entry's value starts.
func (w entryPos) Value() engine.Pos { return w.lines.pos(int(w.off.value)) }

// Text is where a string's content starts; the zero Pos for other values.
func (w entryPos) Text() engine.Pos {
	if w.off.text < 0 {
		return engine.Pos{}
	}
	return w.lines.pos(int(w.off.text))
}

// posIndex maps paths of a TOML document to where they stand.
type posIndex struct {
	lines   *lineIndex
	entries map[string]entryOff
	buf     []byte // reused for lookups: m[string(buf)] does not allocate
}

// tomlName writes a path as TOML would: keys joined with dots, quoted where
// needed. For messages.
func tomlName(path []string) string { return toml.Key(path).String() }

// pathKey is the map key of a path.
func pathKey(path []string) string {
	return strings.Join(path, "\x00") // NUL cannot appear in a scenario: the loader refuses it
}

// appendPathKey appends pathKey(path) to b.
func appendPathKey(b []byte, path []string) []byte {
	for i, k := range path {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, k...)
	}
	return b
}

// find looks path up without allocating.
func (x *posIndex) find(path []string) (entryOff, bool) {
	x.buf = appendPathKey(x.buf[:0], path)
	w, ok := x.entries[string(x.buf)]
	return w, ok
}

// lookup returns where path stands, or where its nearest recorded ancestor
// does, or 1:1.
func (x *posIndex) lookup(path []string) entryPos {
	for n := len(path); n > 0; n-- {
		if w, ok := x.find(path[:n]); ok {
			return entryPos{w, x.lines}
		}
	}
	return entryPos{entryOff{}, x.lines} // offset 0 is 1:1
}

// has reports whether path was recorded.
func (x *posIndex) has(path []string) bool {
	_, ok := x.find(path)
	return ok
}

// lastDefinition returns where the key named name (as the TOML decoder names
// it: without array indexes) is last defined up to limit.
func (x *posIndex) lastDefinition(name string, limit engine.Pos) (engine.Pos, bool) {
	var last engine.Pos
	for k, w := range x.entries {
		key := entryPos{w, x.lines}.Key()
		if withoutIndexes(k) == name && posBefore(last, key) && !posBefore(limit, key) {
			last = key
		}
	}
	return last, last.Line > 0
}

// withoutIndexes drops the array indexes from a path key: "nodes.0.id" is
// "nodes.id".
func withoutIndexes(key string) string {
	parts := strings.Split(key, ".")
	kept := parts[:0]
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

// inOrder sorts the keys of the table at path by where they stand in the file.
func (x *posIndex) inOrder(path []string, keys []string) []string {
	if len(keys) < 2 {
		return keys
	}
	type keyAt struct {
		key string
		off int32
	}
	at := make([]keyAt, len(keys))
	for i, k := range keys {
		at[i] = keyAt{k, x.lookup(append(path[:len(path):len(path)], k)).off.key}
	}
	slices.SortStableFunc(at, func(a, b keyAt) int { return cmp.Compare(a.off, b.off) })
	sorted := make([]string, len(keys))
	for i, a := range at {
		sorted[i] = a.key
	}
	return sorted
}

// comparePos orders positions as they stand in the file.
func comparePos(a, b engine.Pos) int {
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	return cmp.Compare(a.Col, b.Col)
}

// posBefore reports whether a comes before b in the file.
func posBefore(a, b engine.Pos) bool { return comparePos(a, b) < 0 }

// lineIndex turns byte offsets into 1-based lines and columns (in characters)
// in constant time, however long the lines.
type lineIndex struct {
	src    []byte
	starts []int // byte offset of the start of each line
	runes  []int // runes[k] is the number of characters in src[:k*runeBlock]
}

// runeBlock is how many bytes lineIndex counts characters over at most.
const runeBlock = 64

func newLineIndex(src []byte) *lineIndex {
	li := &lineIndex{src: src, starts: []int{0}, runes: make([]int, len(src)/runeBlock+1)}
	n := 0
	for i, c := range src {
		if i%runeBlock == 0 {
			li.runes[i/runeBlock] = n
		}
		if c == '\n' {
			li.starts = append(li.starts, i+1)
		}
		if utf8.RuneStart(c) {
			n++
		}
	}
	if len(src)%runeBlock == 0 {
		li.runes[len(src)/runeBlock] = n
	}
	return li
}

// pos returns the line and column of byte offset off.
func (li *lineIndex) pos(off int) engine.Pos {
	off = max(0, min(off, len(li.src)))
	line := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	col := li.runesBefore(off) - li.runesBefore(li.starts[line]) + 1
	return engine.Pos{Line: line + 1, Col: col}
}

// runesBefore counts the characters in src[:off] (the bytes that start one).
func (li *lineIndex) runesBefore(off int) int {
	k := off / runeBlock
	n := li.runes[k]
	for _, c := range li.src[k*runeBlock : off] {
		if utf8.RuneStart(c) {
			n++
		}
	}
	return n
}

// offset returns the byte offset of a 1-based line and byte column, clamped to
// the source.
func (li *lineIndex) offset(line, byteCol int) int {
	line = max(1, min(line, len(li.starts)))
	return max(0, min(li.starts[line-1]+byteCol-1, len(li.src)))
}
