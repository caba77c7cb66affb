package dbcopy

// cursor streams one table's rows from one database, normalised (one row
// in memory at a time). It is a pgx.CopyFromSource, so PostgreSQL's COPY
// reads from it directly.
type cursor struct {
	t     table
	fetch func(dst []any) (bool, error) // the next raw row into dst; false at the end
	done  func() error                  // closes the query
	raw   []any
	row   []any
	err   error
	n     int64       // rows read so far
	tick  func(int64) // called with n after each row; nil: nothing
}

func newCursor(t table, fetch func([]any) (bool, error), done func() error) *cursor {
	return &cursor{t: t, fetch: fetch, done: done, raw: make([]any, len(t.cols)), row: make([]any, len(t.cols))}
}

// Next reads the next row; false at the end or on an error (Err).
func (c *cursor) Next() bool {
	if c.err != nil {
		return false
	}
	ok, err := c.fetch(c.raw)
	if err != nil || !ok {
		c.err = err
		return false
	}
	for i, col := range c.t.cols {
		if c.row[i], c.err = normalise(c.raw[i], col); c.err != nil {
			return false
		}
	}
	c.n++
	if c.tick != nil {
		c.tick(c.n)
	}
	return true
}

// Values is the current row, valid until the next call to Next.
func (c *cursor) Values() ([]any, error) { return c.row, nil }

// Err is what stopped Next, or nil at the end of the rows.
func (c *cursor) Err() error { return c.err }

// Close ends the query; it returns Err, or the query's own error.
func (c *cursor) Close() error {
	err := c.done()
	if c.err != nil {
		return c.err
	}
	return err
}
