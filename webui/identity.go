package webui

import (
	"context"
	"net/http"
	"net/netip"
	"parley/webui/training"
	"strings"
	"time"
)

// User is who made a request, as their session says.
type User = training.User

// Cookie names.
const (
	sessionCookie = "parley_session" // the session's token; the server keeps only its hash
	legacyCookie  = "parley_user"    // the display-name identity of earlier versions: read only to offer a claim
	// deviceCookie marks a browser that signed in to an account before
	// (training.SignedIn.Device): its logins are not locked out by others'
	// failures. Sent only to the login.
	deviceCookie = "parley_device"
)

// deviceCookieAge is how long a browser stays a known device without
// signing in again.
const deviceCookieAge = 180 * 24 * time.Hour

// userKey is the request context key of the signed-in user.
type userKey struct{}

// sessionToken is the session cookie's token, or "".
func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// authenticate says who the request's session signs in, or a
// login_required error.
func (s *Server) authenticate(r *http.Request) (User, error) {
	acc, err := s.accounts.Authenticate(r.Context(), sessionToken(r))
	if err != nil {
		return User{}, err
	}
	return acc.User(), nil
}

// user is who made the request: the user the route's guard put in the
// context, or else whoever the session signs in.
func (s *Server) user(r *http.Request) (User, error) {
	if u, ok := r.Context().Value(userKey{}).(User); ok {
		return u, nil
	}
	return s.authenticate(r)
}

// access is what a route needs of its caller.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // any signed-in user
	canPlay                // a trainee or a trainer (who previews)
	managers               // a manager or an admin (the core then checks which cohorts)
	admins                 // an admin
)

// allows reports whether u may use a route that needs a.
func (a access) allows(u User) bool {
	switch a {
	case public, signedIn:
		return true
	case canPlay:
		return u.Can(training.RoleTrainee) || u.Can(training.RoleTrainer)
	case managers:
		return u.Can(training.RoleManager) || u.Can(training.RoleAdmin)
	case admins:
		return u.Can(training.RoleAdmin)
	}
	return false
}

func (a access) refusal() *training.Error {
	switch a {
	case canPlay:
		return fail(training.CodeForbidden, "practising needs the trainee role: ask an administrator to give it to you")
	case managers:
		return fail(training.CodeForbidden, "cohorts are for managers: ask an administrator for the manager role")
	case admins:
		return fail(training.CodeForbidden, "this needs the admin role")
	}
	return fail(training.CodeForbidden, "your roles do not allow this")
}

// guard runs h only for a caller that a allows, with the user in the
// request's context; others get login_required (401) or forbidden (403).
func (s *Server) guard(a access, h http.HandlerFunc) http.HandlerFunc {
	if a == public {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !a.allows(u) {
			s.writeError(w, r, a.refusal())
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

// setSession sets the session cookie. It lasts as long as a session can;
// the server decides whether the session is still good.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/",
		MaxAge: int(s.accounts.Config().SessionMax / time.Second), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(r)})
}

// deviceToken is the device cookie's token, or "".
func deviceToken(r *http.Request) string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// setDevice sets the cookie that marks the browser as a known device.
func (s *Server) setDevice(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: token, Path: "/api/login",
		MaxAge: int(deviceCookieAge / time.Second), HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.isHTTPS(r)})
}

// clearCookie tells the browser to forget a cookie.
func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(r)})
}

// fromTrustedProxy reports whether the request came through a proxy the
// operator declared trusted (Config.TrustedProxies).
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ip, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// isHTTPS reports whether the browser reached Parley over TLS: directly, or
// through a trusted proxy that says so in X-Forwarded-Proto.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(strings.TrimSpace(lastHop(r.Header.Get("X-Forwarded-Proto"))), "https")
}

// clientAddr is the address of the browser: the connection's, or, behind
// a trusted proxy, the last address it appended to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	if s.fromTrustedProxy(r) {
		if hop := strings.TrimSpace(lastHop(r.Header.Get("X-Forwarded-For"))); hop != "" {
			if ip, err := netip.ParseAddr(hop); err == nil {
				return addrKey(ip)
			}
		}
	}
	return remoteAddr(r)
}

// lastHop is the last comma-separated element of a forwarding header: the
// one the trusted proxy wrote itself.
func lastHop(h string) string {
	if i := strings.LastIndexByte(h, ','); i >= 0 {
		return h[i+1:]
	}
	return h
}
