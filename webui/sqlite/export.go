package sqlite

// SchemaVersion is the number of the newest migration this build embeds:
// a database whose schema_migrations holds a higher number was written by
// a newer Parley. parley db copy reads it to refuse such a source, and to
// ask that an older one be opened (migrated) by this build first.
func SchemaVersion() int {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		panic(err) // the embedded files are checked by the tests: a broken build
	}
	return ms[len(ms)-1].version
}
