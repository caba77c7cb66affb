package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"parley/webui/dbcopy"
	"parley/webui/training"
)

const dbUsage = `usage: parley db copy --from DB --to DB [--sample N | --all]
       parley db state [--db DB] ATTEMPT_ID

  copy    move an installation (every account, attempt, cohort, comment and
          the xAPI outbox) from a SQLite file into an empty PostgreSQL
          database, or back: --from parley.db --to postgres://user:pw@host/db.
          The target's migrations are applied first; a target that holds any
          row is refused. The copy is one transaction on the target that
          commits only when every table's row count and a sample of its rows,
          compared column by column, match the source. The source is only
          read. Stop the servers on both before you copy.

  --sample N   rows of each table to compare (default 1000)
  --all        compare every row (reads everything twice)

  state   print an attempt's stored session state (binary since version 2)
          as JSON people can read: node, moods, variables, history. --db
          (env PARLEY_DB, default parley.db) is the server's database; the
          server may be running.

See docs/storage.md, "Moving an installation" and "The binary state".
`

// dbCmd manages a whole database: parley db copy, and shows what it holds:
// parley db state.
func dbCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, dbUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "copy":
	case "state":
		return dbState(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "parley db: unknown command %q\n\n%s", args[0], dbUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("db copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the installation to copy: a SQLite file, or a postgres:// URL")
	to := fs.String("to", "", "the empty database to copy it into: a postgres:// URL, or a SQLite file")
	sample := fs.Int64("sample", dbcopy.DefaultSample, "rows of each table to compare with the source after the copy")
	all := fs.Bool("all", false, "compare every row with the source after the copy")
	if pos, err := parseFlags(fs, args[1:]); err != nil || len(pos) > 0 {
		fmt.Fprint(stderr, dbUsage)
		return errUsage
	}
	if *from == "" || *to == "" || *sample < 1 {
		fmt.Fprintf(stderr, "parley db copy: give --from and --to (and --sample of 1 or more)\n\n%s", dbUsage)
		return errUsage
	}
	if *all {
		*sample = -1
	}
	rep, err := dbcopy.Copy(ctx, *from, *to, dbcopy.Options{Sample: *sample, Progress: stderr})
	if len(rep.Tables) > 0 {
		printCopyReport(stdout, rep)
	}
	if err != nil {
		return err
	}
	var rows, compared int64
	for _, t := range rep.Tables {
		rows, compared = rows+t.Target, compared+t.Compared
	}
	fmt.Fprintf(stdout, "copied %d rows in %d tables from %s to %s; every count matches and the %d rows compared are equal\n",
		rows, len(rep.Tables), rep.From, rep.To, compared)
	return nil
}

func printCopyReport(w io.Writer, rep dbcopy.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\tsource\ttarget\tcompared\t")
	for _, t := range rep.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t", t.Table, t.Source, t.Target, t.Compared)
		if t.Mismatch != "" {
			fmt.Fprintf(tw, " MISMATCH: %s", t.Mismatch)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

// dbState prints attempt id's stored state as JSON, compiled against the
// scenario version the attempt was played on.
func dbState(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("db state", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(os.Getenv, "PARLEY_DB", "parley.db"), "SQLite database file, or a postgres:// URL (env PARLEY_DB)")
	pos, err := parseFlags(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintf(stderr, "parley db state: give one attempt id (the long hex id in the attempt's address)\n\n%s", dbUsage)
		return errUsage
	}
	st, err := openServerStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.Attempt(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("attempt %s: %w", pos[0], err)
	}
	cat, err := training.NewCatalog(nil, st, compileStored, nil)
	if err != nil {
		return err
	}
	sc, err := cat.Version(ctx, a.Version)
	if err != nil {
		return fmt.Errorf("attempt %s: %w", a.ID, err)
	}
	js, err := training.StateJSON(sc, a.State)
	if err != nil {
		return fmt.Errorf("attempt %s: %w", a.ID, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, js, "", "  "); err != nil {
		return fmt.Errorf("attempt %s: indent its state: %w", a.ID, err)
	}
	fmt.Fprintf(stdout, "attempt %s: %s, %d turns, scenario %s version %.12s, state %d bytes\n%s\n",
		a.ID, a.Status, a.Turns, a.ScenarioID, a.Version, len(a.State), out.Bytes())
	return nil
}
