package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"parley/webui/dbcopy"
)

const dbUsage = `usage: parley db copy --from DB --to DB [--sample N | --all]

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

See docs/storage.md, "Moving an installation".
`

// dbCmd manages a whole database: parley db copy.
func dbCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, dbUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	if args[0] != "copy" {
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
