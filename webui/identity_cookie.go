package webui

import (
	"errors"
	"fmt"
	"net/http"
	"parley/webui/training"
	"regexp"
	"time"
)

// Cookie names and lifetime of the cookie identity.
const (
	userCookie   = "parley_user"
	oldCookie    = "parley_name"        // set by earlier versions; cleared when seen
	cookieMaxAge = 400 * 24 * time.Hour // the longest browsers keep a cookie
)

var userIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// CookieIdentity keeps a random user id in an HTTP-only, SameSite=Lax cookie
// (parley_user) and the user, with the display name, in the store. It is a
// bearer token, not an account: whoever has the cookie is that trainee. A
// cookie naming a user the store does not know (the database was reset, or
// the browser last talked to another server) is no identity: the trainee is
// asked for a name again, and keeps the id.
type CookieIdentity struct {
	users training.UserStore
}

// NewCookieIdentity returns the cookie identity over users.
func NewCookieIdentity(users training.UserStore) *CookieIdentity {
	return &CookieIdentity{users: users}
}

// User reads the identity cookie and looks the user up.
func (ci *CookieIdentity) User(r *http.Request) (User, error) {
	id, ok := cookieID(r)
	if !ok {
		return User{}, ErrNoIdentity
	}
	name, err := ci.users.UserName(r.Context(), id)
	if errors.Is(err, training.ErrNotFound) {
		return User{}, fmt.Errorf("user %s is not in this database: %w", id, ErrNoIdentity)
	}
	if err != nil {
		return User{}, fmt.Errorf("look up user %s: %w", id, err)
	}
	return User{ID: id, Name: name}, nil
}

// cookieID is the user id the request's cookie carries, if any.
func cookieID(r *http.Request) (string, bool) {
	c, err := r.Cookie(userCookie)
	if err != nil || !userIDPattern.MatchString(c.Value) {
		return "", false
	}
	return c.Value, true
}

// SetName records the name, keeping the caller's id if they have one, and
// sets both cookies.
func (ci *CookieIdentity) SetName(w http.ResponseWriter, r *http.Request, name string) (User, error) {
	name, err := CleanName(name)
	if err != nil {
		return User{}, fail(codeBadRequest, "%v", err)
	}
	id, ok := cookieID(r)
	if !ok {
		id = training.NewID()
	}
	u := User{ID: id, Name: name}
	if err := ci.users.EnsureUser(r.Context(), u.ID, u.Name); err != nil {
		return User{}, fmt.Errorf("record user %s: %w", u.ID, err)
	}
	secure := r.TLS != nil
	http.SetCookie(w, identityCookie(userCookie, u.ID, secure))
	if _, err := r.Cookie(oldCookie); err == nil {
		gone := identityCookie(oldCookie, "", secure)
		gone.MaxAge = -1
		http.SetCookie(w, gone)
	}
	return u, nil
}

func identityCookie(name, value string, secure bool) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(cookieMaxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
}
