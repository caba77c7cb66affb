package webui

import (
	"parley/webui/training"
	"time"
)

// meView is GET /api/me: who is signed in, and what they may do.
type meView struct {
	ID       string   `json:"id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	// Legacy is the practice from before accounts that this browser still
	// holds (its old cookie), which the user may claim; absent otherwise.
	Legacy *legacyView `json:"legacy,omitempty"`
}

func newMeView(u User) meView {
	return meView{ID: u.ID, Username: u.Username, Name: u.Name, Roles: u.Roles.Names()}
}

// accountView is an account as an admin sees it.
type accountView struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	Name        string    `json:"name"`
	Roles       []string  `json:"roles"`
	Disabled    bool      `json:"disabled"`
	HasPassword bool      `json:"has_password"`
	Created     time.Time `json:"created"`
}

func newAccountView(a training.Account) accountView {
	return accountView{ID: a.ID, Username: a.Username, Name: a.DisplayName, Roles: a.Roles.Names(),
		Disabled: a.Disabled, HasPassword: a.PasswordHash != "", Created: a.CreatedAt.UTC()}
}

// legacyView is a user from before accounts.
type legacyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Attempts   int        `json:"attempts"`
	Created    time.Time  `json:"created"`
	LastPlayed *time.Time `json:"last_played,omitempty"`
}

func newLegacyView(l training.LegacyUser) legacyView {
	v := legacyView{ID: l.ID, Name: l.DisplayName, Attempts: l.Attempts, Created: l.CreatedAt.UTC()}
	if !l.LastPlayed.IsZero() {
		t := l.LastPlayed.UTC()
		v.LastPlayed = &t
	}
	return v
}

// linkView is a one-time link: for its holder (what it is for, whose), and,
// with URL, for whoever made it.
type linkView struct {
	Purpose  string    `json:"purpose"`
	Username string    `json:"username"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"`
	URL      string    `json:"url,omitempty"`
}
