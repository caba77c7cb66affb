package training

import (
	"slices"

	"parley/engine"
)

// What the external tests (package training_test, which may import the
// SQLite adapter) read of the catalog's insides.

// HasVersion reports whether version is compiled and kept in memory.
func (c *Catalog) HasVersion(version string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.versions[version]
	return ok || slices.ContainsFunc(c.recent, func(r *engine.Scenario) bool { return r.Version == version })
}

// KeptVersions is how many compiled versions the catalog keeps.
func (c *Catalog) KeptVersions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.versions) + len(c.recent)
}

// KeepVersions exposes keepVersions.
const KeepVersions = keepVersions

// EntryNames are the files of every scenario the catalog holds, offered or
// not, in order.
func (c *Catalog) EntryNames() []string {
	var names []string
	for _, e := range c.entriesNow() {
		names = append(names, e.Name)
	}
	return names
}

// ParseHash exposes parseHash to the password tests.
var ParseHash = parseHash
