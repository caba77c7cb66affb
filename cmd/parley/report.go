package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"parley/engine"
	"parley/scenarios"
	"parley/webui/training"
)

// reportCmd writes the attempts report from the shell, with an admin's
// view of every cohort: parley report --format csv [filters].
func reportCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(os.Getenv, "PARLEY_DB", "parley.db"), "SQLite database file, or a postgres:// URL (env PARLEY_DB)")
	format := fs.String("format", "csv", "output format: csv (RFC 4180, UTF-8)")
	cohort := fs.String("cohort", "", "only this cohort (its id, or its name)")
	scenario := fs.String("scenario", "", "only this scenario's attempts (its id)")
	from := fs.String("from", "", "only attempts started on or after this date (2026-11-01)")
	to := fs.String("to", "", "only attempts started before this date")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || *format != "csv" {
		fmt.Fprintln(stderr, "report: takes flags only, and --format csv (the one format so far)")
		return errUsage
	}
	f := training.ReportFilter{ScenarioID: *scenario}
	var err error
	for _, d := range []struct {
		flag string
		val  string
		into *time.Time
	}{{"--from", *from, &f.From}, {"--to", *to, &f.To}} {
		if d.val == "" {
			continue
		}
		if *d.into, err = time.Parse(time.DateOnly, d.val); err != nil {
			return fmt.Errorf("%s %q is not a date such as 2026-11-01", d.flag, d.val)
		}
	}
	st, err := openServerStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := training.NewCatalog(nil, st, compileStored, nil)
	if err != nil {
		return err
	}
	co := training.NewCohorts(st, cat, training.NewAccounts(st, training.AccountsConfig{}), nil)
	shell := training.User{Name: "the shell", Roles: training.Roles(training.RoleAdmin)}
	if f.CohortID, err = findCohort(ctx, co, shell, *cohort); err != nil {
		return err
	}
	rows, err := co.Report(ctx, shell, f)
	if err != nil {
		return err
	}
	return training.WriteReportCSV(stdout, rows)
}

// findCohort is the id of the cohort named by id or name ("" for none).
func findCohort(ctx context.Context, co *training.Cohorts, u training.User, want string) (string, error) {
	if want == "" {
		return "", nil
	}
	list, err := co.List(ctx, u)
	if err != nil {
		return "", err
	}
	var names []string
	for _, c := range list {
		if c.ID == want || strings.EqualFold(c.Name, want) {
			return c.ID, nil
		}
		names = append(names, fmt.Sprintf("%q", c.Name))
	}
	return "", fmt.Errorf("there is no cohort %q; the cohorts are %s", want, strings.Join(names, ", "))
}

// compileStored compiles a scenario version kept in the database, for its
// title in the report.
func compileStored(name string, src []byte) (*engine.Scenario, engine.Problems) {
	return scenarios.Load(scenarios.File{Name: name, Src: src})
}
