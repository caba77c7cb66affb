package engine

import (
	"fmt"
	"strings"
)

// Severity says whether a problem stops a scenario from being used.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one thing wrong with a scenario, at a position in its file. Code
// is stable (see docs/scenario-format.md, "Lint codes").
type Problem struct {
	Pos      Pos      `json:"pos"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%d:%d: %s: %s: %s", p.Pos.Line, p.Pos.Col, p.Severity, p.Code, p.Message)
}

// Problems is the error Compile returns: every problem found, in file order.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// HasErrors reports whether any problem is an Error (not only warnings).
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}
