package webui

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// Cookie names and lifetime of the cookie identity.
const (
	userCookie   = "parley_user"
	nameCookie   = "parley_name"
	cookieMaxAge = 400 * 24 * time.Hour // the longest browsers keep a cookie
)

var userIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// CookieIdentity keeps a random user id in an HTTP-only, SameSite=Lax cookie
// (parley_user) and the display name beside it (parley_name, base64url), and
// records both in the store with EnsureUser. It is a bearer token, not an
// account: whoever has the cookie is that trainee.
type CookieIdentity struct {
	users UserStore
}

// NewCookieIdentity returns the cookie identity over users.
func NewCookieIdentity(users UserStore) *CookieIdentity {
	return &CookieIdentity{users: users}
}

// User reads the identity cookies.
func (ci *CookieIdentity) User(r *http.Request) (User, error) {
	c, err := r.Cookie(userCookie)
	if err != nil || !userIDPattern.MatchString(c.Value) {
		return User{}, ErrNoIdentity
	}
	u := User{ID: c.Value}
	if c, err := r.Cookie(nameCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
			u.Name, _ = CleanName(string(b))
		}
	}
	return u, nil
}

// SetName records the name, keeping the caller's id if they have one, and
// sets both cookies.
func (ci *CookieIdentity) SetName(w http.ResponseWriter, r *http.Request, name string) (User, error) {
	name, err := CleanName(name)
	if err != nil {
		return User{}, fail(codeBadRequest, "%v", err)
	}
	u, err := ci.User(r)
	if err != nil {
		u = User{ID: newID()}
	}
	u.Name = name
	if err := ci.users.EnsureUser(r.Context(), u.ID, u.Name); err != nil {
		return User{}, fmt.Errorf("record user %s: %w", u.ID, err)
	}
	secure := r.TLS != nil
	http.SetCookie(w, identityCookie(userCookie, u.ID, secure))
	http.SetCookie(w, identityCookie(nameCookie, base64.RawURLEncoding.EncodeToString([]byte(u.Name)), secure))
	return u, nil
}

func identityCookie(name, value string, secure bool) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(cookieMaxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
}
