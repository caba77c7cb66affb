package training_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"parley/webui/training"
)

// FuzzParseHash: any stored hash string is read or refused, never a panic,
// and whatever is read has parameters within the bounds a login can afford.
func FuzzParseHash(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$$", "", "$$$$$", "$argon2i$v=19$m=1,t=1,p=1$a$b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := training.ParseHash(s)
		if err != nil {
			return
		}
		if p.MemoryKiB == 0 || p.MemoryKiB > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Errorf("ParseHash(%q) accepted %+v, salt %d bytes, key %d bytes", s, p, len(salt), len(key))
		}
	})
}

// FuzzNames: usernames, display names and role lists from users are
// cleaned or refused, never a panic; what is accepted is what the rules
// say.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"Sam", " sam@example.com ", "trainee,manager", "a<b", "\x00", strings.Repeat("x", 70), "zoë_1-2", "admin, ,trainer"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u, err := training.CleanUsername(s); err == nil {
			if u == "" || utf8.RuneCountInString(u) > training.MaxUsernameLength || u != strings.ToLower(u) || strings.ContainsAny(u, " <>\"'&\t\n") {
				t.Errorf("CleanUsername(%q) accepted %q", s, u)
			}
		}
		if n, err := training.CleanName(s); err == nil {
			if n == "" || !utf8.ValidString(n) || utf8.RuneCountInString(n) > training.MaxNameLength || n != strings.TrimSpace(n) {
				t.Errorf("CleanName(%q) accepted %q", s, n)
			}
		}
		if rs, err := training.ParseRoles(s); err == nil {
			if again, err := training.ParseRoles(rs.String()); err != nil || again != rs {
				t.Errorf("ParseRoles(%q) = %s, which does not read back (%v)", s, rs, err)
			}
		}
		_ = training.CheckPassword(s)
	})
}
