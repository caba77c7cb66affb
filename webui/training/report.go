package training

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"parley/engine"
)

// ReportFilter narrows the attempts report. Zero fields do not filter.
type ReportFilter struct {
	CohortID   string
	ScenarioID string
	From, To   time.Time // attempts started in [From, To)
}

// ReportRow is one scored attempt of one member of a cohort.
type ReportRow struct {
	Cohort  Cohort // zero for an attempt of someone in no cohort (admins' report only)
	Trainee Account
	Attempt Attempt
	Title   string
	Scores  []CompetencyScore
}

// CompetencyScore is one competency of an ended attempt, against the pass
// mark in effect: the cohort's assignment's, else the scenario's.
type CompetencyScore struct {
	Competency string
	Score      int
	Pass       int
	Passed     bool
}

// Report lists the scored attempts (never practice runs) of the trainees
// in u's cohorts (an admin: every cohort, and without a cohort filter
// everyone in none too), oldest first, filtered.
func (c *Cohorts) Report(ctx context.Context, u User, f ReportFilter) ([]ReportRow, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var cohorts []Cohort
	if f.CohortID != "" {
		co, err := c.managed(ctx, u, f.CohortID)
		if err != nil {
			return nil, err
		}
		cohorts = []Cohort{co}
	} else {
		var err error
		if cohorts, err = c.List(ctx, u); err != nil {
			return nil, err
		}
	}
	var rows []ReportRow
	seen := map[string]bool{} // users in some cohort
	for _, co := range cohorts {
		members, err := c.st.Members(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		assigned, err := c.st.Assignments(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			seen[m.Account.ID] = true
			more, err := c.reportRows(ctx, co, m.Account, assigned, f)
			if err != nil {
				return nil, err
			}
			rows = append(rows, more...)
		}
	}
	if f.CohortID == "" && u.Can(RoleAdmin) {
		accounts, err := c.st.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, acc := range accounts {
			if seen[acc.ID] {
				continue
			}
			more, err := c.reportRows(ctx, Cohort{}, acc, nil, f)
			if err != nil {
				return nil, err
			}
			rows = append(rows, more...)
		}
	}
	slices.SortStableFunc(rows, func(a, b ReportRow) int { return a.Attempt.StartedAt.Compare(b.Attempt.StartedAt) })
	return rows, nil
}

// reportRows is one trainee's rows in one cohort.
func (c *Cohorts) reportRows(ctx context.Context, co Cohort, acc Account, assigned []Assignment, f ReportFilter) ([]ReportRow, error) {
	attempts, err := c.st.AttemptsByUser(ctx, acc.ID, 0)
	if err != nil {
		return nil, err
	}
	var rows []ReportRow
	for _, at := range attempts {
		if at.IsPractice() || (f.ScenarioID != "" && at.ScenarioID != f.ScenarioID) ||
			(!f.From.IsZero() && at.StartedAt.Before(f.From)) || (!f.To.IsZero() && !at.StartedAt.Before(f.To)) {
			continue
		}
		row := ReportRow{Cohort: co, Trainee: acc, Attempt: at, Title: c.cat.Title(ctx, at)}
		if at.Status != StatusActive {
			scores, err := DecodeScores(at.Summary)
			if err == nil {
				marks := map[string]int{}
				if i := slices.IndexFunc(assigned, func(a Assignment) bool { return a.ScenarioID == at.ScenarioID }); i >= 0 {
					marks = assigned[i].PassMarks
				}
				for _, s := range scores {
					pass := s.Pass
					if m, ok := marks[s.Competency]; ok {
						pass = m
					}
					row.Scores = append(row.Scores, CompetencyScore{Competency: s.Competency, Score: s.Score, Pass: pass,
						Passed: s.Score >= pass && len(s.BlockedBy) == 0})
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// WriteReportCSV writes the rows as CSV (RFC 4180, UTF-8, CRLF line ends,
// a header row): cohort, trainee, scenario, version, started, finished,
// duration, outcome, then a score and a pass/fail column per competency
// (every competency of any row, the built-in three first). A cell that a
// spreadsheet would read as a formula is neutralised.
func WriteReportCSV(w io.Writer, rows []ReportRow) error {
	comps := reportCompetencies(rows)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{"cohort", "trainee", "username", "scenario", "title", "version", "status", "started", "finished", "duration_seconds", "ending", "outcome"}
	for _, c := range comps {
		head = append(head, c+"_score", c+"_passed")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		a := r.Attempt
		finished, duration := "", ""
		if !a.EndedAt.IsZero() {
			finished = a.EndedAt.UTC().Format(time.RFC3339)
			duration = strconv.Itoa(int(a.EndedAt.Sub(a.StartedAt).Seconds()))
		}
		rec := []string{r.Cohort.Name, r.Trainee.DisplayName, r.Trainee.Username, a.ScenarioID, r.Title, a.Version, string(a.Status),
			a.StartedAt.UTC().Format(time.RFC3339), finished, duration, a.Ending, a.Outcome}
		for _, c := range comps {
			i := slices.IndexFunc(r.Scores, func(s CompetencyScore) bool { return s.Competency == c })
			if i < 0 {
				rec = append(rec, "", "")
				continue
			}
			rec = append(rec, strconv.Itoa(r.Scores[i].Score), map[bool]string{true: "pass", false: "fail"}[r.Scores[i].Passed])
		}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

// reportCompetencies lists every competency of the rows: the built-in ones
// first, in their order, then the others alphabetically.
func reportCompetencies(rows []ReportRow) []string {
	builtin := slices.Clone(engine.BuiltinCompetencies)
	var others []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, s := range r.Scores {
			if !seen[s.Competency] {
				seen[s.Competency] = true
				if !slices.Contains(builtin, s.Competency) {
					others = append(others, s.Competency)
				}
			}
		}
	}
	slices.Sort(others)
	return append(builtin, others...)
}

// neutralise keeps a cell from being run as a formula by a spreadsheet
// (OWASP's CSV injection advice): a cell gets a leading apostrophe when its
// first visible character is = + - or @ (or their full-width forms), or
// when it starts with a tab, a carriage return, a line feed or a NUL.
// Spreadsheets pass over leading spaces and invisible characters (a
// zero-width space, a byte-order mark, a word joiner) before they decide a
// cell is a formula, so the check passes over them too. Numbers stay
// numbers: they never start with those, as scores and durations are never
// negative.
func neutralise(cell string) string {
	if cell == "" {
		return cell
	}
	if strings.ContainsRune("\t\r\n\x00", rune(cell[0])) {
		return "'" + cell
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(cell, invisible))
	if strings.ContainsRune("=+-@\uff1d\uff0b\uff0d\uff20", first) {
		return "'" + cell
	}
	return cell
}

// invisible reports whether r shows as nothing, or as blank space: a space
// or a control character, a format character (Unicode category Cf: the
// zero-width space and joiners, the byte-order mark, bidirectional marks),
// a variation selector, or another code point meant to be ignored.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
