package webui

import (
	"net/http"
	"parley/webui/training"
)

// The admin's routes: accounts and the users from before accounts.

// userList lists every account.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	accs, err := s.accounts.List(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]accountView, 0, len(accs))
	for _, a := range accs {
		out = append(out, newAccountView(a))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

type userCreateRequest struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
}

type userCreated struct {
	Account accountView `json:"account"`
	Link    linkView    `json:"link"`
}

// userCreate makes an account and a one-time link for its owner to set a
// password.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	by, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req userCreateRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	roles, err := parseRoleList(req.Roles)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.accounts.Create(r.Context(), training.NewAccount{Username: req.Username, DisplayName: req.Name, Roles: roles})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	token, expires, err := s.accounts.IssueLink(r.Context(), training.LinkInvite, acc.ID, by.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, userCreated{Account: newAccountView(acc),
		Link: s.newLinkView(r, string(training.LinkInvite), acc.Username, acc.DisplayName, token, expires)})
}

func parseRoleList(names []string) (training.Roles, error) {
	var rs training.Roles
	for _, n := range names {
		r, err := training.ParseRoles(n)
		if err != nil {
			return 0, err
		}
		rs |= r
	}
	return rs, nil
}

type userUpdateRequest struct {
	Roles    *[]string `json:"roles"`
	Disabled *bool     `json:"disabled"`
}

// userUpdate changes an account's roles or disables it (which ends its
// sessions and closes its websockets). An admin cannot take the admin role
// from, or disable, their own account: someone must stay able to undo it.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	by, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req userUpdateRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.accounts.Find(r.Context(), r.PathValue("username"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if req.Roles != nil {
		roles, err := parseRoleList(*req.Roles)
		if err == nil && acc.ID == by.ID && !roles.Has(training.RoleAdmin) {
			err = fail(training.CodeForbidden, "you cannot take the admin role from yourself: ask another admin")
		}
		if err == nil {
			err = s.accounts.SetRoles(ctx, acc.ID, roles)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if req.Disabled != nil {
		err := error(nil)
		if acc.ID == by.ID && *req.Disabled {
			err = fail(training.CodeForbidden, "you cannot disable your own account: ask another admin")
		}
		if err == nil {
			err = s.accounts.SetDisabled(ctx, acc.ID, *req.Disabled)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if *req.Disabled {
			s.hub.endUser(acc.ID, "")
		}
	}
	if acc, err = s.accounts.Find(ctx, acc.Username); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newAccountView(acc))
}

// userLink makes a new one-time link for an account: an invitation again
// while it has no password, a password reset once it has one.
func (s *Server) userLink(w http.ResponseWriter, r *http.Request) {
	by, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.accounts.Find(r.Context(), r.PathValue("username"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	purpose := training.LinkReset
	if acc.PasswordHash == "" {
		purpose = training.LinkInvite
	}
	token, expires, err := s.accounts.IssueLink(r.Context(), purpose, acc.ID, by.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, s.newLinkView(r, string(purpose), acc.Username, acc.DisplayName, token, expires))
}

// legacyList lists the users from before accounts no one has claimed.
func (s *Server) legacyList(w http.ResponseWriter, r *http.Request) {
	list, err := s.accounts.Legacy(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]legacyView, 0, len(list))
	for _, l := range list {
		out = append(out, newLegacyView(l))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

type legacyAssignRequest struct {
	Username string `json:"username"`
}

// legacyAssign gives a user's attempts from before accounts to an account.
func (s *Server) legacyAssign(w http.ResponseWriter, r *http.Request) {
	var req legacyAssignRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	acc, err := s.accounts.Find(r.Context(), req.Username)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := s.accounts.Claim(r.Context(), r.PathValue("id"), acc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]int{"attempts": n})
}
