package sqlite

// Stats counts the committer's work since Open.
type Stats struct {
	Commits int64 // transactions committed (one fsync each)
	Writes  int64 // writes committed; Writes/Commits is the mean batch size
	Waits   int64 // batches whose leader waited the commit window for company
	Retries int64 // batches run again, a savepoint around each write, because one failed

	Checkpoints        int64 // background checkpoints run (checkpoint.go)
	CheckpointFailures int64 // background checkpoints that failed; the writer's own then copies the pages
}
