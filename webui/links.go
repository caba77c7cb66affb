package webui

import (
	"net/http"
	"time"
)

// linkShow says what a one-time link is for and whose account it sets up,
// without using it.
func (s *Server) linkShow(w http.ResponseWriter, r *http.Request) {
	l, acc, err := s.accounts.LinkInfo(r.Context(), r.PathValue("token"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, linkView{Purpose: string(l.Purpose), Username: acc.Username, Name: acc.DisplayName, Expires: l.ExpiresAt.UTC()})
}

type linkRedeemRequest struct {
	Password string `json:"password"`
}

// linkRedeem sets the password through a one-time link, uses the link up,
// and signs the browser in.
func (s *Server) linkRedeem(w http.ResponseWriter, r *http.Request) {
	var req linkRedeemRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, token, err := s.accounts.RedeemLink(r.Context(), r.PathValue("token"), req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.hub.endUser(acc.ID, token)
	s.setSession(w, r, token)
	s.writeJSON(w, r, http.StatusOK, newMeView(acc.User()))
}

// linkURL is where a one-time link's token is used: the browser UI's
// #/link/ route at the address the request came to.
func (s *Server) linkURL(r *http.Request, token string) string {
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/#/link/" + token
}

// newLinkView is a link just made, for whoever made it.
func (s *Server) newLinkView(r *http.Request, purpose, username, name, token string, expires time.Time) linkView {
	return linkView{Purpose: purpose, Username: username, Name: name, Expires: expires.UTC(), URL: s.linkURL(r, token)}
}
