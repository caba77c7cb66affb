package scenarios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"syscall"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"parley/engine"
)

// MaxFileSize is the largest scenario file Parse accepts: 4 MiB.
const MaxFileSize = 4 << 20

// acceptedKeys lists the keys each kind of table accepts, by the name of its
// definition in docs/scenario.schema.json ("" is the top-level table). A test
// keeps the schema and this list in step.
var acceptedKeys = map[string][]string{
	"": {"id", "title", "summary", "difficulty", "minutes", "tags", "start",
		"competencies", "persona", "mood", "state", "nodes", "rules", "endings"},
	"competency": {"label", "description", "pass"},
	"persona":    {"name", "role", "company", "backstory", "briefing"},
	"mood":       {"label", "start", "min", "max", "bands", "good", "drift", "baseline"},
	"node":       {"id", "lines", "replies", "order"},
	"state-var":  {"default", "label", "decides"},
	"line":       {"when", "text", "variants"},
	"reply": {"id", "text", "when", "once", "effects", "points", "blocks",
		"principle", "note", "next", "reaction"},
	"branch": {"when", "goto"},
	"rule":   {"id", "when", "effects", "say", "goto", "once"},
	"ending": {"id", "title", "outcome", "success", "lines", "text"},
}

// requiredKeys lists the keys each kind of table must have, in the order
// missing ones are reported.
var requiredKeys = map[string][]string{
	"":          {"id", "title", "summary", "difficulty", "minutes", "persona", "nodes", "endings"},
	"persona":   {"name", "role", "briefing"},
	"mood":      {"start", "min", "max"},
	"node":      {"id"},
	"reply":     {"id", "text", "next"},
	"branch":    {"goto"},
	"rule":      {"when"},
	"ending":    {"id", "title", "outcome", "text"},
	"state-var": {"default"},
}

// ParseFile reads and parses the scenario file at path. See Parse. It reads
// at most one byte more than MaxFileSize, so a huge file costs no more.
func ParseFile(path string) (*engine.Spec, engine.Problems) {
	src, err := readLimited(path)
	if err != nil {
		return nil, engine.Problems{wholeFileProblem("read-error", err.Error())}
	}
	return Parse(path, src)
}

// readLimited reads a regular file (or a symlink to one), at most one byte
// more than MaxFileSize. Anything else (a FIFO, a device, a folder) is
// refused without blocking: the file is opened non-blocking and checked
// before a byte is read.
func readLimited(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read the scenario: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read the scenario: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (it is a %s); a scenario must be a plain .toml file", path, fileKind(info.Mode()))
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the scenario: %w", err)
	}
	return src, nil
}

// Parse decodes the scenario file src, named name, into a Spec. It checks only
// what decoding can: TOML syntax, value types, unknown and missing keys, and
// values outside what a key accepts. Everything else is for engine.Compile.
//
// Problems come in file order. When src is TOML at all, Parse returns a Spec
// too, filled as far as the problems allow; otherwise the Spec is nil. Every
// Pos in the Spec is a line and column in src, counted in characters (a
// leading byte-order mark is not counted). name identifies the file to the
// caller; Parse does not read it.
func Parse(name string, src []byte) (*engine.Spec, engine.Problems) {
	original := src
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if p, ok := checkLoadable(src); !ok {
		return nil, engine.Problems{p}
	}
	if err := checkNesting(src); err != nil {
		return nil, engine.Problems{tooDeepProblem(err)}
	}
	// The decoder and the position index each read the whole file; they
	// run on two cores at once (see docs/performance.md).
	var raw map[string]any
	decoded := make(chan error, 1)
	go func() {
		_, err := toml.Decode(string(src), &raw)
		decoded <- err
	}()
	index, indexErr := indexPositions(src)
	version := sourceVersion(original) // while the decoder finishes
	decodeErr := <-decoded
	switch {
	case indexErr != nil:
		return nil, engine.Problems{tooDeepProblem(indexErr)}
	case decodeErr != nil:
		return nil, engine.Problems{tomlSyntaxProblem(src, index, decodeErr)}
	}
	if len(raw) == 0 {
		return nil, engine.Problems{emptyFileProblem()}
	}
	l := &specLoader{index: index}
	spec := l.spec(raw)
	spec.Version = version
	return spec, l.sorted()
}

// sourceVersion is the hex SHA-256 of a scenario's source.
func sourceVersion(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}

// checkLoadable rejects input the TOML decoder should never see: too large, or
// not text.
func checkLoadable(src []byte) (engine.Problem, bool) {
	if len(src) > MaxFileSize {
		return wholeFileProblem("too-large", fmt.Sprintf(
			"the file is %.1f MiB; a scenario may be at most 4 MiB: split it or shorten it",
			float64(len(src))/(1<<20))), false
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return notTextProblem(src, i, "it contains a NUL byte"), false
	}
	if !utf8.Valid(src) {
		i := firstInvalidUTF8(src)
		return notTextProblem(src, i, fmt.Sprintf("byte 0x%02x is not UTF-8", src[i])), false
	}
	return engine.Problem{}, true
}

// firstInvalidUTF8 returns the offset of the first byte of src that is not valid
// UTF-8.
func firstInvalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(src)
}

func notTextProblem(src []byte, off int, why string) engine.Problem {
	return engine.Problem{
		Pos:      newLineIndex(src).pos(off),
		Severity: engine.Error,
		Code:     "toml-syntax",
		Message: "this is not a text TOML file (" + why +
			"); a scenario must be UTF-8 text: save it as plain text, or check that this is the right file",
	}
}

func emptyFileProblem() engine.Problem {
	return wholeFileProblem("toml-syntax",
		"the file is empty; a scenario needs id, title, summary, difficulty, minutes, [persona], "+
			"[[nodes]] and [[endings]]: start from the example in docs/scenario-format.md")
}

func tooDeepProblem(err error) engine.Problem {
	p := wholeFileProblem("too-large", fmt.Sprintf(
		"the file nests tables and arrays more than %d levels deep; a scenario needs far fewer: flatten it",
		maxNesting))
	var deep *depthError
	if errors.As(err, &deep) {
		p.Pos = deep.Pos
	}
	return p
}

// tomlSyntaxProblem turns the TOML decoder's error into a problem.
func tomlSyntaxProblem(src []byte, index *posIndex, err error) engine.Problem {
	p := wholeFileProblem("toml-syntax", fmt.Errorf("invalid TOML: %w", err).Error())
	var pe toml.ParseError
	if errors.As(err, &pe) {
		lines := newLineIndex(src)
		p.Pos = lines.pos(lines.offset(pe.Position.Line, max(pe.Position.Col, 1)))
		p.Message = "invalid TOML: " + pe.Message + "; fix the syntax here (see docs/scenario-format.md)"
	}
	if m := tomlRedefined.FindStringSubmatch(pe.Message); m != nil {
		p.Message = fmt.Sprintf("invalid TOML: key %q is defined twice; keep one of them", m[1])
		if pos, ok := index.lastDefinition(m[1], p.Pos); ok {
			p.Pos = pos
		}
	}
	return p
}

// tomlRedefined matches the decoder's message for a key defined twice.
var tomlRedefined = regexp.MustCompile(`^Key '(.*)' has already been defined\.$`)

// wholeFileProblem is an error about the whole file, at 1:1.
func wholeFileProblem(code, msg string) engine.Problem {
	return engine.Problem{Pos: engine.Pos{Line: 1, Col: 1}, Severity: engine.Error, Code: code, Message: msg}
}

// specLoader turns a decoded TOML document into a Spec, collecting problems.
type specLoader struct {
	index    *posIndex
	problems engine.Problems
}

// sorted returns the problems in file order.
func (l *specLoader) sorted() engine.Problems {
	slices.SortStableFunc(l.problems, func(a, b engine.Problem) int { return comparePos(a.Pos, b.Pos) })
	return l.problems
}

func (l *specLoader) report(pos engine.Pos, code, format string, args ...any) {
	l.problems = append(l.problems, engine.Problem{
		Pos: pos, Severity: engine.Error, Code: code, Message: fmt.Sprintf(format, args...),
	})
}

// fileKind names a file mode's type for a message.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "folder"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}
