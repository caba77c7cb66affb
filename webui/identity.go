package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNoIdentity means the request carries no identity: the trainee has not
// set a name yet.
var ErrNoIdentity = errors.New("no identity: set a name first (POST /api/me)")

// MaxNameLength is the longest display name accepted, in characters.
const MaxNameLength = 60

// User is who is playing.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Identity is the seam between the server and whoever says who a trainee is.
// The cookie implementation (CookieIdentity) can be replaced by real
// accounts without touching the handlers.
type Identity interface {
	// User returns who made the request, or an error wrapping ErrNoIdentity.
	User(r *http.Request) (User, error)
	// SetName gives the caller a display name, creating an identity when they
	// have none, and returns who they are now.
	SetName(w http.ResponseWriter, r *http.Request, name string) (User, error)
}

// CleanName trims a display name and checks it is fit to show.
func CleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errors.New("the name is empty: type the name your trainer knows you by")
	case !utf8.ValidString(name):
		return "", errors.New("the name is not valid text (UTF-8)")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", fmt.Errorf("the name is longer than %d characters: shorten it", MaxNameLength)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", errors.New("the name contains control characters: use letters, digits, spaces and punctuation")
	}
	return name, nil
}
