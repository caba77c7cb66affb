package scenarios

import (
	"strconv"
	"strings"
)

// str scans a string of any of the four kinds and returns the offset of the
// first character of its content.
func (s *tomlScanner) str() int {
	switch {
	case s.hasPrefix(`"""`):
		return s.multiline(`"""`)
	case s.hasPrefix(`'''`):
		return s.multiline(`'''`)
	case s.peek(0) == '"':
		start := s.off + 1
		s.basicEnd()
		return start
	default:
		start := s.off + 1
		s.literalEnd()
		return start
	}
}

// basicEnd scans a "basic string" from its opening quote, and returns the
// offset of its closing quote (or of the end of the line, if it has none).
func (s *tomlScanner) basicEnd() int {
	s.off++
	for !s.eof() && s.peek(0) != '"' && s.peek(0) != '\n' {
		if s.peek(0) == '\\' {
			s.off++
		}
		s.off++
	}
	return s.closeQuote()
}

// literalEnd scans a 'literal string' from its opening quote, and returns the
// offset of its closing quote (or of the end of the line, if it has none).
func (s *tomlScanner) literalEnd() int {
	s.off++
	for !s.eof() && s.peek(0) != '\'' && s.peek(0) != '\n' {
		s.off++
	}
	return s.closeQuote()
}

// closeQuote steps over a closing quote, if there is one, and returns where
// the content ended.
func (s *tomlScanner) closeQuote() int {
	end := min(s.off, len(s.src))
	if c := s.peek(0); c == '"' || c == '\'' {
		s.off++
	}
	return end
}

// multiline scans a multi-line string, basic or literal, from its opening
// delimiter and returns the offset of the first character of its content: a
// newline right after the delimiter is not content, nor, in a basic string, is
// whitespace after a line-ending backslash.
func (s *tomlScanner) multiline(delim string) int {
	basic := delim[0] == '"'
	s.off += len(delim)
	s.skipNewline()
	if basic {
		s.skipLineEndBackslashes()
	}
	content := s.off
	for !s.eof() {
		switch {
		case basic && s.peek(0) == '\\':
			s.off += 2
		case s.hasPrefix(delim):
			s.off += len(delim)
			for i := 0; i < 2 && s.peek(0) == delim[0]; i++ {
				s.off++ // up to two quotes may end the content
			}
			return content
		default:
			s.off++
		}
	}
	return content
}

// skipNewline skips one newline, LF or CRLF.
func (s *tomlScanner) skipNewline() {
	if s.peek(0) == '\r' && s.peek(1) == '\n' {
		s.off++
	}
	if s.peek(0) == '\n' {
		s.off++
	}
}

// skipLineEndBackslashes skips a backslash that ends a line, and the
// whitespace and newlines after it, as many times as they repeat.
func (s *tomlScanner) skipLineEndBackslashes() {
	for s.peek(0) == '\\' {
		j := s.off + 1
		for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t' || s.src[j] == '\r') {
			j++
		}
		if j >= len(s.src) || s.src[j] != '\n' {
			return
		}
		s.off = j
		for s.off < len(s.src) && strings.ContainsRune(" \t\r\n", rune(s.src[s.off])) {
			s.off++
		}
	}
}

// basicEscapes are the one-letter escapes of basic strings.
var basicEscapes = map[byte]string{
	'b': "\b", 't': "\t", 'n': "\n", 'f': "\f", 'r': "\r", 'e': "\x1b", '"': `"`, '\\': `\`,
}

// basicHexEscapes are the escapes followed by hex digits, and how many.
var basicHexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// unquoteBasic decodes the escapes of a basic string's content (a quoted
// key). An escape it does not know is kept as written.
func unquoteBasic(raw string) string {
	if !strings.Contains(raw, `\`) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 == len(raw) {
			b.WriteByte(raw[i])
			continue
		}
		text, n := unescapeBasic(raw[i+1:])
		b.WriteString(text)
		i += n
	}
	return b.String()
}

// unescapeBasic decodes the escape at the start of rest (just after a backslash)
// and returns it with the number of bytes it used.
func unescapeBasic(rest string) (string, int) {
	if text, ok := basicEscapes[rest[0]]; ok {
		return text, 1
	}
	n, ok := basicHexEscapes[rest[0]]
	if ok && len(rest) > n {
		if r, err := strconv.ParseUint(rest[1:1+n], 16, 32); err == nil {
			return string(rune(r)), 1 + n
		}
	}
	return `\` + rest[:1], 1
}
