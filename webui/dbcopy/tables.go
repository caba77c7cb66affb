package dbcopy

// copied is every table of an installation that the copy moves, in an order
// that inserts a row only after the rows its foreign keys name.
//
// sessions are copied: the hashes of signed-in browsers' tokens move with
// the accounts, so people served at the same address stay signed in, and
// one-time links (links) that were sent out keep working.
var copied = []string{
	"users",
	"scenario_versions",
	"attempts",
	"turns",
	"sessions",
	"links",
	"cohorts",
	"cohort_managers",
	"cohort_members",
	"cohort_assignments",
	"turn_comments",
	"attempt_shares",
	"xapi_outbox",
}

// notCopied is every other table the migrations create, with the reason.
var notCopied = map[string]string{
	"schema_migrations": "each database records its own migrations, applied before the copy",
	"health":            "the health check's scratch row: each database has its own",
}
