package scenarios

import (
	"bytes"
	"strconv"
	"strings"
)

// indexPositions scans TOML text and records where every key and value
// stands. It is meant for text the TOML decoder accepts; on anything else it
// still ends, in time linear in the input, with a best-effort index. It fails
// only when the text nests deeper than maxNesting (a *depthError).
// estimateEntries guesses how many paths src records (keys, headers and
// array items), so the index is sized once instead of growing.
func estimateEntries(src []byte) int {
	return bytes.Count(src, []byte("=")) + bytes.Count(src, []byte("[")) + bytes.Count(src, []byte(","))
}

func indexPositions(src []byte) (*posIndex, error) {
	s := &tomlScanner{
		src:    src,
		index:  &posIndex{lines: newLineIndex(src), entries: make(map[string]entryOff, estimateEntries(src))},
		arrays: make(map[string]int),
	}
	s.document()
	if s.err != nil {
		return nil, s.err
	}
	return s.index, nil
}

// checkNesting fails when arrays and inline tables nest more than twice
// maxNesting deep. The TOML decoder recurses into them and runs out of stack
// on absurd nesting, so this quick scan runs before it. indexPositions, which
// runs alongside the decoder, checks the real limit exactly (keys count too),
// so this one only needs to keep the decoder safe.
func checkNesting(src []byte) error {
	s := &tomlScanner{src: src}
	depth, lineStart := 0, true
	for !s.eof() {
		switch c := s.peek(0); {
		case c == '"' || c == '\'':
			s.str()
			lineStart = false
			continue
		case c == '#':
			s.skipComment()
			continue
		case c == '\n':
			lineStart = true
		case c == ' ' || c == '\t' || c == '\r':
		case c == '[' && depth == 0 && lineStart: // a [table] or [[table]] header
			lineStart = false
		case c == '[' || c == '{':
			if depth++; depth > 2*maxNesting {
				return &depthError{Pos: newLineIndex(src).pos(s.off)}
			}
			lineStart = false
		case c == ']' || c == '}':
			depth = max(0, depth-1)
			lineStart = false
		default:
			lineStart = false
		}
		s.off++
	}
	return nil
}

// tomlScanner walks TOML text once, from the top, recording positions.
type tomlScanner struct {
	src     []byte
	off     int
	index   *posIndex
	current []string       // path of the current [table] or [[table]] element
	arrays  map[string]int // elements so far of each [[table]] array, by path
	err     error
}

// tomlKeyPart is one part of a dotted key and the offset where it is written.
type tomlKeyPart struct {
	name string
	off  int
}

func (s *tomlScanner) eof() bool { return s.off >= len(s.src) || s.err != nil }

func (s *tomlScanner) peek(i int) byte {
	if s.off+i < len(s.src) {
		return s.src[s.off+i]
	}
	return 0
}

func (s *tomlScanner) hasPrefix(p string) bool {
	return bytes.HasPrefix(s.src[min(s.off, len(s.src)):], []byte(p))
}

// document scans top-level lines: headers and key = value pairs.
func (s *tomlScanner) document() {
	for s.skipBlank(); !s.eof(); s.skipBlank() {
		start := s.off
		if s.peek(0) == '[' {
			s.header()
		} else {
			s.keyValue(s.current)
		}
		if s.off == start {
			s.off++ // not TOML; move on
		}
	}
}

// skipBlank skips spaces, tabs, newlines and comments.
func (s *tomlScanner) skipBlank() {
	for !s.eof() {
		switch s.peek(0) {
		case ' ', '\t', '\r', '\n':
			s.off++
		case '#':
			s.skipComment()
		default:
			return
		}
	}
}

func (s *tomlScanner) skipComment() {
	for !s.eof() && s.peek(0) != '\n' {
		s.off++
	}
}

// skipSpaces skips spaces and tabs only.
func (s *tomlScanner) skipSpaces() {
	for !s.eof() && (s.peek(0) == ' ' || s.peek(0) == '\t') {
		s.off++
	}
}

// header scans [a.b] or [[a.b]] and makes it the current table.
func (s *tomlScanner) header() {
	start := s.off
	double := s.hasPrefix("[[")
	s.off += 1 + oneIf(double)
	parts := s.keys()
	s.skipSpaces()
	if s.peek(0) == ']' {
		s.off += 1 + oneIf(double && s.peek(1) == ']')
	}
	if len(parts) > 0 {
		s.current = s.headerPath(parts, start, double)
	}
}

// headerPath resolves the parts of a header into a path, numbering elements of
// arrays of tables, and records every table on the way.
func (s *tomlScanner) headerPath(parts []tomlKeyPart, start int, double bool) []string {
	var path []string
	for i, p := range parts {
		path = s.push(path, p.name, start)
		last := i == len(parts)-1
		n, isArray := s.arrays[pathKey(path)]
		switch {
		case last && double:
			s.recordOnce(path, p.off, p.off)
			s.arrays[pathKey(path)] = n + 1
			path = s.push(path, strconv.Itoa(n), start)
			s.record(path, start, start, -1)
		case isArray:
			path = s.push(path, strconv.Itoa(n-1), start)
		case last:
			s.record(path, p.off, start, -1)
		default:
			s.recordOnce(path, p.off, p.off)
		}
	}
	return path
}

// push appends name to path, failing when that is too deep. It may write
// into path's spare capacity: the scanner keeps no path but the current
// table's, and only ever extends that one, so no kept element is overwritten.
func (s *tomlScanner) push(path []string, name string, off int) []string {
	if len(path) >= maxNesting && s.err == nil {
		s.err = &depthError{Pos: newLineIndex(s.src).pos(off)}
	}
	return append(path, name)
}

// keys scans a dotted key: parts separated by dots, with optional spaces.
func (s *tomlScanner) keys() []tomlKeyPart {
	var parts []tomlKeyPart
	for !s.eof() {
		s.skipSpaces()
		start := s.off
		name := s.keyName()
		if s.off == start {
			break
		}
		parts = append(parts, tomlKeyPart{name: name, off: start})
		s.skipSpaces()
		if s.peek(0) != '.' {
			break
		}
		s.off++
	}
	return parts
}

// keyName scans one bare or quoted key and returns its name.
func (s *tomlScanner) keyName() string {
	start := s.off
	switch s.peek(0) {
	case '"':
		return unquoteBasic(string(s.src[start+1 : s.basicEnd()]))
	case '\'':
		return string(s.src[start+1 : s.literalEnd()])
	}
	for !s.eof() && isBareKeyChar(s.peek(0)) {
		s.off++
	}
	return string(s.src[start:s.off])
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// keyValue scans key = value, with the key relative to base.
func (s *tomlScanner) keyValue(base []string) {
	parts := s.keys()
	if len(parts) == 0 {
		return
	}
	path := base
	for _, p := range parts {
		path = s.push(path, p.name, p.off)
		s.recordOnce(path, p.off, p.off)
	}
	s.skipSpaces()
	if s.peek(0) != '=' {
		return
	}
	s.off++
	s.skipSpaces()
	s.value(path, parts[len(parts)-1].off)
}

// value scans one value and records it at path, with its key at keyOff.
func (s *tomlScanner) value(path []string, keyOff int) {
	start := s.off
	text := -1
	switch s.peek(0) {
	case '"', '\'':
		text = s.str()
	case '[':
		s.array(path)
	case '{':
		s.inlineTable(path)
	default:
		s.scalar()
	}
	s.record(path, keyOff, start, text)
}

// array scans [item, item, ...], items numbered from 0 under path.
func (s *tomlScanner) array(path []string) {
	i := 0
	s.items(']', func(start int) {
		s.value(s.push(path, strconv.Itoa(i), start), start)
		i++
	})
}

// inlineTable scans { key = value, ... } under path.
func (s *tomlScanner) inlineTable(path []string) {
	s.items('}', func(int) { s.keyValue(path) })
}

// items scans a bracketed, comma-separated list from its opening bracket to
// close, calling item at the start of each entry. An entry item cannot read
// is skipped a byte at a time, so the scan always moves on.
func (s *tomlScanner) items(close byte, item func(start int)) {
	s.off++
	for {
		s.skipBlank()
		switch {
		case s.eof():
			return
		case s.peek(0) == close:
			s.off++
			return
		case s.peek(0) == ',':
			s.off++
			continue
		}
		start := s.off
		item(start)
		if s.off == start {
			s.off++
		}
	}
}

// scalar scans a number, bool or date-time: up to the next separator.
func (s *tomlScanner) scalar() {
	for !s.eof() && !strings.ContainsRune(",]}#\r\n", rune(s.peek(0))) {
		s.off++
	}
}

// record stores where path stands; text is the offset of a string's content,
// or -1.
func (s *tomlScanner) record(path []string, keyOff, valueOff, text int) {
	s.index.entries[pathKey(path)] = entryOff{key: int32(keyOff), value: int32(valueOff), text: int32(text)}
}

// recordOnce records a table that a header or dotted key defines implicitly,
// unless it is already recorded.
func (s *tomlScanner) recordOnce(path []string, keyOff, valueOff int) {
	if !s.index.has(path) {
		s.record(path, keyOff, valueOff, -1)
	}
}

func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}
