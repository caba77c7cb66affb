package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"parley/engine"
)

// setFlags collects repeated --set name=value flags, as written: their
// values are read once the scenario says what kind each variable is.
type setFlags []preset

type preset struct{ name, value string }

func (s *setFlags) String() string { return fmt.Sprint(*s) }

func (s *setFlags) Set(v string) error {
	name, val, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("write --set name=value")
	}
	*s = append(*s, preset{name, val})
	return nil
}

// values reads each --set value as its variable's kind: a number,
// true/false or text. An unknown name is left for the engine to refuse
// with the names it knows.
func (s setFlags) values(sc *engine.Scenario) (map[string]any, error) {
	out := map[string]any{}
	for _, p := range s {
		v, err := p.read(sc)
		if err != nil {
			return nil, err
		}
		out[p.name] = v
	}
	return out, nil
}

func (p preset) read(sc *engine.Scenario) (any, error) {
	wrong := func(kind, example string) error {
		return fmt.Errorf("--set %s=%s: %s is %s; write --set %s=%s", p.name, p.value, p.name, kind, p.name, example)
	}
	for _, m := range sc.Mood {
		if m.Name == p.name {
			f, err := strconv.ParseFloat(p.value, 64)
			if err != nil {
				return nil, wrong(fmt.Sprintf("a number from %g to %g", m.Min, m.Max), fmt.Sprintf("%g", (m.Min+m.Max)/2))
			}
			return f, nil
		}
	}
	for _, v := range sc.Vars {
		if v.Name != p.name {
			continue
		}
		switch v.Default.(type) {
		case bool:
			if p.value != "true" && p.value != "false" {
				return nil, wrong("true/false", "true")
			}
			return p.value == "true", nil
		case string:
			return strings.Trim(p.value, `"`), nil
		}
		f, err := strconv.ParseFloat(p.value, 64)
		if err != nil {
			return nil, wrong("a number", "2")
		}
		return f, nil
	}
	return p.value, nil
}

func playCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("play", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "seed that picks line variants")
	from := fs.String("from", "", "start at this node instead of the start")
	var set setFlags
	fs.Var(&set, "set", "preset a mood or state variable, name=value (repeatable)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return errUsage
	}
	sc, err := loadOne(args, stderr)
	if err != nil {
		return err
	}
	values, err := set.values(sc)
	if err != nil {
		return err
	}
	s, err := sc.StartAt(*seed, *from, values)
	if ve := (*engine.VarError)(nil); errors.As(err, &ve) {
		return fmt.Errorf("--set %s: %s", ve.Name, ve.Reason)
	}
	if err != nil {
		return err
	}
	p := &player{s: s, in: bufio.NewScanner(stdin), out: stdout, piped: !isTerminal(stdin)}
	return p.play()
}

// isTerminal reports whether r is a terminal rather than a pipe or a file.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

type player struct {
	s   *engine.Session
	in  *bufio.Scanner
	out io.Writer
	// piped input is not echoed, so the player ends each prompt with a
	// newline itself: a transcript then never runs "> " into what follows.
	piped  bool
	hinted bool // the how-to-answer line has been shown
}

// howToAnswer is shown once, before the first prompt.
const howToAnswer = "Type the number of a reply (or its id); ? shows the scores so far; q stops."

func (p *player) play() error {
	sc := p.s.Scenario()
	fmt.Fprintf(p.out, "%s\n%s, %s\n\n%s\n", sc.Title, sc.Persona.Name, sc.Persona.Role, strings.TrimSpace(sc.Persona.Briefing))
	p.say(p.s.Lines())
	for !p.s.Ended() {
		p.mood()
		choices, err := p.s.Replies()
		if err != nil {
			return err
		}
		for i, c := range choices {
			fmt.Fprintf(p.out, "  %d) %s\n", i+1, c.Text)
		}
		id, ok := p.ask(choices)
		if !ok {
			fmt.Fprintln(p.out, "\n(stopped)")
			p.scores()
			return nil
		}
		o, err := p.s.Choose(id)
		if err != nil {
			fmt.Fprintf(p.out, "! %v\n", err)
			continue
		}
		p.show(o)
	}
	e := p.s.Ending()
	fmt.Fprintf(p.out, "\n== %s (%s) ==\n%s\n", e.Title, e.Outcome, strings.TrimSpace(e.Text))
	p.scores()
	return nil
}

// ask reads a reply number or id; q or end of input stops.
func (p *player) ask(choices []engine.Choice) (string, bool) {
	if !p.hinted {
		fmt.Fprintln(p.out, howToAnswer)
		p.hinted = true
	}
	for {
		fmt.Fprint(p.out, "> ")
		more := p.in.Scan()
		if p.piped {
			fmt.Fprintln(p.out)
		}
		if !more {
			return "", false
		}
		text := strings.TrimSpace(p.in.Text())
		if text == "q" {
			return "", false
		}
		if text == "?" {
			p.scores()
			p.state()
			continue
		}
		if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(choices) {
			return choices[n-1].ID, true
		}
		for _, c := range choices {
			if c.ID == text {
				return c.ID, true
			}
		}
		fmt.Fprintf(p.out, "type 1-%d (or a reply id), ? for scores, q to stop\n", len(choices))
	}
}

func (p *player) say(lines []string) {
	name := p.s.Scenario().Persona.Name
	for _, l := range lines {
		fmt.Fprintf(p.out, "\n%s: %s\n", name, l)
	}
}

func (p *player) show(o engine.Outcome) {
	fmt.Fprintf(p.out, "  [%s] %s\n", pointsText(o.Reply.Points), o.Reply.Note)
	if len(o.Rules) > 0 {
		fmt.Fprintf(p.out, "  (rules fired: %s)\n", strings.Join(o.Rules, ", "))
	}
	for _, l := range o.Interjections {
		fmt.Fprintf(p.out, "\n%s (interrupting): %s\n", p.s.Scenario().Persona.Name, l)
	}
	p.say(o.Lines)
}

func pointsText(points map[string]int) string {
	if len(points) == 0 {
		return "no points"
	}
	keys := make([]string, 0, len(points))
	for k := range points {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %+d", k, points[k])
	}
	return strings.Join(parts, ", ")
}

func (p *player) mood() {
	for _, m := range p.s.Mood() {
		filled := max(0, min(10, int(10*(m.Value-m.Min)/(m.Max-m.Min))))
		fmt.Fprintf(p.out, "  %-12s %s%s %3.0f %s\n", m.Label, strings.Repeat("█", filled), strings.Repeat("░", 10-filled), m.Value, m.Band)
	}
}

// state prints the state variables, for authors checking their logic.
func (p *player) state() {
	for _, v := range p.s.Scenario().Vars {
		val, _ := p.s.Var(v.Name)
		fmt.Fprintf(p.out, "  %-16s %v\n", v.Name, val)
	}
}

func (p *player) scores() {
	for _, s := range p.s.Scores() {
		verdict := "fail"
		if s.Passed {
			verdict = "pass"
		}
		blocked := ""
		if len(s.BlockedBy) > 0 {
			blocked = " (blocked by " + strings.Join(s.BlockedBy, ", ") + ")"
		}
		fmt.Fprintf(p.out, "  %-16s %3d/100  %s at %d%s\n", s.Label, s.Score, verdict, s.Pass, blocked)
	}
}
