package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Cohorts is what managers do with cohorts: create them, invite trainees,
// assign scenarios; and what a trainee sees of their assignments. Every
// method takes who acts and applies the policy: managers act on the
// cohorts they manage, admins on every cohort.
type Cohorts struct {
	st  Store
	cat *Catalog
	acc *Accounts
	now func() time.Time
}

// NewCohorts builds the cohorts service over the store, the catalog of
// scenarios and the accounts (which invitations create).
func NewCohorts(st Store, cat *Catalog, acc *Accounts, now func() time.Time) *Cohorts {
	if now == nil {
		now = time.Now
	}
	return &Cohorts{st: st, cat: cat, acc: acc, now: now}
}

// CohortDetail is a cohort with its managers, members and assignments.
type CohortDetail struct {
	Cohort      Cohort
	Managers    []Account
	Members     []Member
	Assignments []Assignment
}

// errNoCohort is the one answer for a cohort that does not exist and one
// the caller may not see, so ids cannot be probed.
func errNoCohort(id string) *Error {
	return Errorf(CodeNotFound, "there is no cohort %q among yours", id)
}

// mayManage reports whether u may manage cohorts at all.
func mayManage(u User) error {
	if u.Can(RoleManager) || u.Can(RoleAdmin) {
		return nil
	}
	return Errorf(CodeForbidden, "cohorts are for managers: ask an administrator for the manager role")
}

// managed reads a cohort that u manages (any cohort, for an admin).
func (c *Cohorts) managed(ctx context.Context, u User, id string) (Cohort, error) {
	if err := mayManage(u); err != nil {
		return Cohort{}, err
	}
	co, err := c.st.Cohort(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Cohort{}, errNoCohort(id)
	}
	if err != nil || u.Can(RoleAdmin) {
		return co, err
	}
	managers, err := c.st.CohortManagers(ctx, id)
	if err != nil {
		return Cohort{}, err
	}
	if !slices.Contains(managers, u.ID) {
		return Cohort{}, errNoCohort(id)
	}
	return co, nil
}

// Create makes a cohort that u manages.
func (c *Cohorts) Create(ctx context.Context, u User, name string) (Cohort, error) {
	if err := mayManage(u); err != nil {
		return Cohort{}, err
	}
	name, err := CleanCohortName(name)
	if err != nil {
		return Cohort{}, err
	}
	co := Cohort{ID: NewID(), Name: name, CreatedBy: u.ID, CreatedAt: c.now()}
	return co, c.st.CreateCohort(ctx, co)
}

// List is the cohorts u manages: every cohort, for an admin.
func (c *Cohorts) List(ctx context.Context, u User) ([]Cohort, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	if u.Can(RoleAdmin) {
		return c.st.Cohorts(ctx)
	}
	return c.st.CohortsManagedBy(ctx, u.ID)
}

// Get is one of u's cohorts with its managers, members and assignments.
func (c *Cohorts) Get(ctx context.Context, u User, id string) (CohortDetail, error) {
	co, err := c.managed(ctx, u, id)
	if err != nil {
		return CohortDetail{}, err
	}
	d := CohortDetail{Cohort: co}
	ids, err := c.st.CohortManagers(ctx, id)
	if err != nil {
		return d, err
	}
	for _, mid := range ids {
		acc, err := c.st.Account(ctx, mid)
		if err != nil {
			return d, err
		}
		d.Managers = append(d.Managers, acc)
	}
	if d.Members, err = c.st.Members(ctx, id); err != nil {
		return d, err
	}
	d.Assignments, err = c.st.Assignments(ctx, id)
	return d, err
}

// Invitation is who was added to a cohort, and the one-time link that lets
// them choose a password ("" when they already have one).
type Invitation struct {
	Account Account
	Token   string
	Expires time.Time
	New     bool // the account was created by this invitation
	Already bool // the account was in the cohort already: nothing changed but a new link
}

// Invite adds a trainee to one of u's cohorts by username (or email). A new
// username gets an account with the trainee role. An existing account joins
// (an admin's invitation also gives it the trainee role) only when u may
// take responsibility for it: an admin always; a manager only for a
// trainee-only account already in a cohort they manage, since joining lets
// the cohort's managers read all of its work, and the link an account with
// no password gets would let them choose that password. Whoever has no
// password yet gets a fresh one-time link.
func (c *Cohorts) Invite(ctx context.Context, u User, cohortID, username, name string) (Invitation, error) {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return Invitation{}, err
	}
	inv := Invitation{}
	acc, err := c.acc.Find(ctx, username)
	switch {
	case err == nil:
		if inv.Already, err = c.isMember(ctx, cohortID, acc.ID); err != nil {
			return inv, err
		}
		if err := c.mayInvite(ctx, u, acc); err != nil {
			return inv, err
		}
		if !inv.Already && !acc.Roles.Has(RoleTrainee) {
			acc.Roles |= Roles(RoleTrainee)
			if err := c.acc.SetRoles(ctx, acc.ID, acc.Roles); err != nil {
				return inv, err
			}
		}
	case AsError(err).Code == CodeNotFound:
		if acc, err = c.acc.Create(ctx, NewAccount{Username: username, DisplayName: name, Roles: Roles(RoleTrainee)}); err != nil {
			return inv, err
		}
		inv.New = true
	default:
		return inv, err
	}
	inv.Account = acc
	if !inv.Already {
		if err := c.st.AddMember(ctx, cohortID, acc.ID, c.now()); err != nil {
			return inv, err
		}
	}
	if pendingInvite(acc) {
		if inv.Token, inv.Expires, err = c.acc.IssueLink(ctx, LinkInvite, acc.ID, u.ID); err != nil {
			return inv, err
		}
	}
	return inv, nil
}

// pendingInvite reports whether acc still waits for its invitation: no
// password chosen yet, and not disabled. Only such an account is given an
// invitation link through a cohort.
func pendingInvite(acc Account) bool { return acc.PasswordHash == "" && !acc.Disabled }

// vouches reports whether u may take responsibility for acc, an account
// in one of u's cohorts: an admin for anyone; a manager only for a
// trainee-only account, since the link an account with no password gets
// would let them choose the password of whatever else it may do.
func vouches(u User, acc Account) bool {
	return u.Can(RoleAdmin) || acc.Roles == Roles(RoleTrainee)
}

// mayInvite says whether u may add the existing account acc to a cohort
// (see vouches; a manager, only when acc is already in a cohort of theirs).
func (c *Cohorts) mayInvite(ctx context.Context, u User, acc Account) error {
	if u.Can(RoleAdmin) {
		return nil
	}
	refusal := Errorf(CodeForbidden, "%s already has an account, and a manager may add only a trainee who is already in one of their cohorts: ask an administrator to add them", acc.Username)
	if !vouches(u, acc) {
		return refusal
	}
	ok, err := c.st.Manages(ctx, u.ID, acc.ID)
	switch {
	case err != nil:
		return err
	case !ok:
		return refusal
	}
	return nil
}

// MayRelink reports whether u, who manages the cohort m is in, may get a
// new invitation link for m (NewInviteLink): the cohort page offers it
// then.
func MayRelink(u User, m Account) bool { return pendingInvite(m) && vouches(u, m) }

// NewInviteLink makes a new invitation link for userID, a member of one of
// u's cohorts who has not chosen a password yet, as inviting them again
// would, without the risk of a typo inviting someone else: the link they
// had stops working. A manager may do it only for a trainee-only account;
// no one may for an account that has a password or is disabled (all
// CodeForbidden: an administrator makes links from the Accounts page).
// Anyone not in the cohort is CodeNotFound.
func (c *Cohorts) NewInviteLink(ctx context.Context, u User, cohortID, userID string) (Invitation, error) {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return Invitation{}, err
	}
	notHere := Errorf(CodeNotFound, "%q is not in this cohort", userID)
	acc, err := c.st.Account(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return Invitation{}, notHere
	}
	if err != nil {
		return Invitation{}, err
	}
	if member, err := c.isMember(ctx, cohortID, acc.ID); err != nil || !member {
		if err == nil {
			err = notHere
		}
		return Invitation{}, err
	}
	switch {
	case !vouches(u, acc):
		return Invitation{}, Errorf(CodeForbidden, "%s can do more than train, so only an administrator can make their link, from the Accounts page", acc.Username)
	case acc.Disabled:
		return Invitation{}, Errorf(CodeForbidden, "%s's account is disabled: ask an administrator", acc.Username)
	case acc.PasswordHash != "":
		return Invitation{}, Errorf(CodeForbidden, "%s has chosen a password already: if they have forgotten it, an administrator can make them a reset link", acc.Username)
	}
	inv := Invitation{Account: acc, Already: true}
	if inv.Token, inv.Expires, err = c.acc.IssueLink(ctx, LinkInvite, acc.ID, u.ID); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// isMember reports whether userID is in the cohort.
func (c *Cohorts) isMember(ctx context.Context, cohortID, userID string) (bool, error) {
	cohorts, err := c.st.CohortsOf(ctx, userID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cohorts, func(co Cohort) bool { return co.ID == cohortID }), nil
}

// RemoveMember takes a trainee out of one of u's cohorts; their account
// and attempts stay.
func (c *Cohorts) RemoveMember(ctx context.Context, u User, cohortID, userID string) error {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return err
	}
	err := c.st.RemoveMember(ctx, cohortID, userID)
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, "%q is not in this cohort", userID)
	}
	return err
}

// AddManager makes another manager (or admin) a manager of one of u's
// cohorts. A username that is no one's and the account of someone who is
// neither get the same answer: a manager learns no more about accounts
// than adding one tells.
func (c *Cohorts) AddManager(ctx context.Context, u User, cohortID, username string) (Account, error) {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return Account{}, err
	}
	acc, err := c.acc.Find(ctx, username)
	switch {
	case err == nil && (acc.Roles.Has(RoleManager) || acc.Roles.Has(RoleAdmin)):
		return acc, c.st.AddCohortManager(ctx, cohortID, acc.ID)
	case err != nil && AsError(err).Code != CodeNotFound:
		return Account{}, err
	}
	clean, _ := CleanUsername(username) // Find checked it
	return Account{}, Errorf(CodeBadRequest,
		"there is no manager %q: check the username they sign in with, or ask an administrator to give them the manager role", clean)
}

// Assign assigns a scenario on offer to one of u's cohorts, or changes the
// assignment: due is optional (zero), and marks override the scenario's
// pass marks for the competencies they name (0 to 100 each).
func (c *Cohorts) Assign(ctx context.Context, u User, cohortID, scenarioID string, due time.Time, marks map[string]int) (Assignment, error) {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return Assignment{}, err
	}
	sc, ok := c.cat.Current(scenarioID)
	if !ok {
		return Assignment{}, Errorf(CodeUnknownScenario, "there is no scenario %q on offer", scenarioID)
	}
	var comps []string
	for _, k := range sc.Competencies {
		comps = append(comps, k.ID)
	}
	for comp, mark := range marks {
		if !slices.Contains(comps, comp) {
			return Assignment{}, Errorf(CodeBadRequest, "%q has no competency %q: its competencies are %v", scenarioID, comp, comps)
		}
		if mark < 0 || mark > 100 {
			return Assignment{}, Errorf(CodeBadRequest, "the pass mark for %s is %d: use 0 to 100", comp, mark)
		}
	}
	if len(marks) == 0 {
		marks = nil
	}
	a := Assignment{CohortID: cohortID, ScenarioID: scenarioID, Due: due, PassMarks: marks, AssignedBy: u.ID, AssignedAt: c.now()}
	if err := c.st.SetAssignment(ctx, a); err != nil {
		return Assignment{}, fmt.Errorf("assign %s: %w", scenarioID, err)
	}
	return a, nil
}

// Unassign takes an assignment back from one of u's cohorts; the attempts
// stay.
func (c *Cohorts) Unassign(ctx context.Context, u User, cohortID, scenarioID string) error {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return err
	}
	err := c.st.RemoveAssignment(ctx, cohortID, scenarioID)
	if errors.Is(err, ErrNotFound) {
		return Errorf(CodeNotFound, "this cohort has no assignment %q", scenarioID)
	}
	return err
}
