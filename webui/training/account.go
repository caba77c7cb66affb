package training

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is one capability an account can hold. An account combines any of
// them (Roles).
type Role uint8

// The roles, as docs/accounts.md describes them.
const (
	RoleTrainee Role = 1 << iota // plays scenarios and sees their own attempts
	RoleTrainer                  // writes and previews scenarios
	RoleManager                  // runs cohorts and reviews their results
	RoleAdmin                    // manages users and settings, sees every cohort
)

var roleNames = []struct {
	role Role
	name string
}{{RoleTrainee, "trainee"}, {RoleTrainer, "trainer"}, {RoleManager, "manager"}, {RoleAdmin, "admin"}}

// Roles is a set of roles.
type Roles uint8

// AllRoles holds every role.
const AllRoles = Roles(RoleTrainee | RoleTrainer | RoleManager | RoleAdmin)

// Has reports whether rs holds r.
func (rs Roles) Has(r Role) bool { return rs&Roles(r) != 0 }

// Names lists the roles held, in the order trainee, trainer, manager, admin.
func (rs Roles) Names() []string {
	names := make([]string, 0, 4)
	for _, rn := range roleNames {
		if rs.Has(rn.role) {
			names = append(names, rn.name)
		}
	}
	return names
}

// String is the roles held, comma-separated (as ParseRoles reads them).
func (rs Roles) String() string { return strings.Join(rs.Names(), ",") }

// ParseRoles reads "trainee,manager" (any order, spaces allowed). An empty
// string is no roles.
func ParseRoles(s string) (Roles, error) {
	var rs Roles
	for part := range strings.SplitSeq(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		found := false
		for _, rn := range roleNames {
			if rn.name == part {
				rs |= Roles(rn.role)
				found = true
			}
		}
		if !found {
			return 0, Errorf(CodeBadRequest, "there is no role %q: the roles are trainee, trainer, manager and admin", part)
		}
	}
	return rs, nil
}

// Account is a user who signs in. A user from before accounts (a display
// name kept in a browser cookie) is an Account with no Username: it cannot
// sign in, and an account may claim its attempts.
type Account struct {
	ID           string
	Username     string // lower case, unique; "" for a user from before accounts
	DisplayName  string
	Roles        Roles
	PasswordHash string // argon2id, PHC format; "" until a password is set
	Disabled     bool
	CreatedAt    time.Time
}

// User is the account as the lifecycle sees whoever acts.
func (a Account) User() User {
	return User{ID: a.ID, Name: a.DisplayName, Username: a.Username, Roles: a.Roles}
}

// LegacyUser is a user from before accounts, with what they played.
type LegacyUser struct {
	ID          string
	DisplayName string
	Attempts    int
	CreatedAt   time.Time
	LastPlayed  time.Time // zero when they never played
}

// MaxUsernameLength and MaxNameLength bound what a user types, in characters.
const (
	MaxUsernameLength = 64
	MaxNameLength     = 60
)

// CleanUsername lower-cases and trims a username and checks it: letters,
// digits and . _ - @ + (so an email address is a username), at most
// MaxUsernameLength characters.
func CleanUsername(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	switch {
	case name == "":
		return "", Errorf(CodeBadRequest, "the username is empty: type a username or an email address")
	case utf8.RuneCountInString(name) > MaxUsernameLength:
		return "", Errorf(CodeBadRequest, "the username is longer than %d characters: shorten it", MaxUsernameLength)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@+", r) {
			return "", Errorf(CodeBadRequest, "the username %q has %q in it: use letters, digits and . _ - @ + only", name, r)
		}
	}
	return name, nil
}

// CleanName trims a display name and checks it is fit to show.
func CleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Errorf(CodeBadRequest, "the name is empty: type the name your trainer knows you by")
	case !utf8.ValidString(name):
		return "", Errorf(CodeBadRequest, "the name is not valid text (UTF-8)")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", Errorf(CodeBadRequest, "the name is longer than %d characters: shorten it", MaxNameLength)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", Errorf(CodeBadRequest, "the name contains control characters: use letters, digits, spaces and punctuation")
	}
	return name, nil
}

// LinkPurpose is what a one-time link lets its holder do.
type LinkPurpose string

// The kinds of one-time link.
const (
	LinkSetup  LinkPurpose = "setup"  // the first admin sets a password
	LinkInvite LinkPurpose = "invite" // an invited user sets a password
	LinkReset  LinkPurpose = "reset"  // a user sets a new password
)

// Link is a one-time link to set a password, as stored: only the hash of
// its token is kept.
type Link struct {
	TokenHash string
	Purpose   LinkPurpose
	UserID    string
	CreatedBy string // the account that made it; "" for the server or the shell
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Session is a signed-in browser, as stored: only the hash of its token is
// kept, so a copy of the database signs no one in.
type Session struct {
	TokenHash string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time // moved forward while the session is used, never past CreatedAt + the absolute lifetime
}

func (l LinkPurpose) check() error {
	switch l {
	case LinkSetup, LinkInvite, LinkReset:
		return nil
	}
	return fmt.Errorf("link purpose %q: use %q, %q or %q", l, LinkSetup, LinkInvite, LinkReset)
}
