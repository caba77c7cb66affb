package dbcopy

import (
	"context"
	"fmt"
	"strings"
)

// verify checks the target inside its transaction, before it commits:
// every table's row count equals the source's, and a sample of rows (the
// same rows, by position in primary-key order) are equal column by column.
// It fills rep and returns ErrMismatch if anything differs.
func verify(ctx context.Context, src reader, dst writer, tables []table, sample int64, rep *Report, p *progress) error {
	if sample == 0 {
		sample = DefaultSample
	}
	var bad []string
	for i, t := range tables {
		tr := &rep.Tables[i]
		var err error
		if tr.Target, err = dst.count(ctx, t.name); err != nil {
			return err
		}
		if tr.Target != tr.Source {
			tr.Mismatch = fmt.Sprintf("%d rows in the source, %d in the target", tr.Source, tr.Target)
			bad = append(bad, t.name+": "+tr.Mismatch)
			continue
		}
		every := int64(1)
		if sample > 0 && tr.Source > sample {
			every = (tr.Source + sample - 1) / sample
		}
		if every > 1 {
			p.linef("comparing %s: %s", t.name, sampleSize(every))
		}
		if tr.Compared, tr.Mismatch, err = compare(ctx, src, dst, t, every); err != nil {
			return err
		}
		if tr.Mismatch != "" {
			bad = append(bad, t.name+": "+tr.Mismatch)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("dbcopy: %w (%s); nothing was committed: the target is as it was. Check that no server "+
			"wrote to either database during the copy (stop them first) and copy again; if it happens again, "+
			"report it as a bug with this message", ErrMismatch, strings.Join(bad, "; "))
	}
	return nil
}

// compare reads the same sample of t from both databases, side by side,
// and describes the first difference.
func compare(ctx context.Context, src reader, dst writer, t table, every int64) (int64, string, error) {
	a, err := src.scan(ctx, t, every)
	if err != nil {
		return 0, "", err
	}
	defer a.Close()
	b, err := dst.scan(ctx, t, every)
	if err != nil {
		return 0, "", err
	}
	defer b.Close()
	var n int64
	for {
		okA, okB := a.Next(), b.Next()
		if a.Err() != nil || b.Err() != nil {
			return n, "", fmt.Errorf("dbcopy: compare %s: %w", t.name, firstErr(a.Err(), b.Err()))
		}
		if !okA || !okB {
			if okA != okB {
				return n, fmt.Sprintf("the sample has %d rows in one database and more in the other", n), nil
			}
			return n, "", nil
		}
		n++
		if d := differs(t, a.row, b.row); d != "" {
			return n, d, nil
		}
	}
}

// differs describes how two rows of t differ, naming the row by its
// primary key as read from the source; "" when they are equal.
func differs(t table, src, dst []any) string {
	for i, c := range t.cols {
		if !equal(src[i], dst[i], c.kind) {
			return fmt.Sprintf("row %s: column %s is %s in the source, %s in the target",
				key(t, src), c.name, describeValue(src[i]), describeValue(dst[i]))
		}
	}
	return ""
}

// key is a row's primary key, as name=value pairs.
func key(t table, row []any) string {
	var parts []string
	for _, k := range t.pk {
		for i, c := range t.cols {
			if c.name == k {
				parts = append(parts, k+"="+describeValue(row[i]))
			}
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sampleSize(every int64) string {
	if every == 1 {
		return "every row"
	}
	return fmt.Sprintf("1 row in %d", every)
}
