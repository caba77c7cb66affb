package dbcopy

import (
	"fmt"
	"io"
	"time"
)

// progressEvery is how often a line says how far a long table has got.
const progressEvery = 2 * time.Second

// progress writes the lines that show a long copy is moving.
type progress struct {
	w   io.Writer
	now func() time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w, now: time.Now} }

func (p *progress) linef(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, "parley db copy: "+format+"\n", args...)
	}
}

// ticker returns a cursor's tick: a line at most every progressEvery,
// saying how many of total rows are done.
func (p *progress) ticker(what string, total int64) func(int64) {
	if p.w == nil {
		return nil
	}
	next := p.now().Add(progressEvery)
	return func(n int64) {
		if n%1024 != 0 {
			return
		}
		if now := p.now(); now.After(next) {
			next = now.Add(progressEvery)
			p.linef("%s: %d of %d rows (%d%%)", what, n, total, n*100/max(total, 1))
		}
	}
}
