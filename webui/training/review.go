package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Comment is a reviewer's note on one turn of an attempt (Turn 0: the
// whole call), which the trainee reads beside their debrief.
type Comment struct {
	ID         string
	AttemptID  string
	Turn       int
	AuthorID   string
	AuthorName string // filled in by Comments
	Body       string
	CreatedAt  time.Time
}

// MaxCommentLength bounds a comment, in characters.
const MaxCommentLength = 2000

// readable reads an attempt u may read, or says why not: the owner; an
// admin; a manager of a cohort the owner is in; someone the owner shared
// it with. Anyone else is told it is someone else's, as before.
func (s *Service) readable(ctx context.Context, u User, id string) (Attempt, bool, error) {
	a, err := s.st.Attempt(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Attempt{}, false, Errorf(CodeNotFound, "there is no attempt %q", id)
	}
	if err != nil {
		return Attempt{}, false, err
	}
	if a.UserID == u.ID {
		return a, true, nil
	}
	ok, err := s.mayReview(ctx, u, a)
	if err != nil {
		return Attempt{}, false, err
	}
	if !ok {
		return Attempt{}, false, Errorf(CodeNotYours, "attempt %q belongs to someone else", id)
	}
	return a, false, nil
}

// mayReview reports whether u may review a, another user's attempt.
func (s *Service) mayReview(ctx context.Context, u User, a Attempt) (bool, error) {
	if u.Can(RoleAdmin) {
		return true, nil
	}
	if u.Can(RoleManager) {
		ok, err := s.st.Manages(ctx, u.ID, a.UserID)
		if err != nil || ok {
			return ok, err
		}
	}
	shared, err := s.st.SharedWith(ctx, a.ID)
	return slices.Contains(shared, u.ID), err
}

// Comment adds a reviewer's comment to a turn of an ended attempt that u
// may review (not their own: a trainee reads comments, never writes them).
func (s *Service) Comment(ctx context.Context, u User, id string, turn int, body string) (Comment, error) {
	a, own, err := s.readable(ctx, u, id)
	if err != nil {
		return Comment{}, err
	}
	if own {
		return Comment{}, Errorf(CodeForbidden, "comments are for reviewers: your manager or trainer comments on your attempts")
	}
	if a.Status == StatusActive {
		return Comment{}, Errorf(CodeStillActive, "attempt %q is still being played: comment once it has ended", id)
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "" || !utf8.ValidString(body):
		return Comment{}, Errorf(CodeBadRequest, "the comment is empty: write what the trainee should know")
	case strings.ContainsFunc(body, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }):
		return Comment{}, Errorf(CodeBadRequest, "the comment contains control characters: use letters, digits, spaces, punctuation and new lines")
	case utf8.RuneCountInString(body) > MaxCommentLength:
		return Comment{}, Errorf(CodeBadRequest, "the comment is longer than %d characters: shorten it", MaxCommentLength)
	case turn < 0 || turn > a.Turns:
		return Comment{}, Errorf(CodeBadRequest, "attempt %q has turns 1 to %d (0: the whole call); there is no turn %d", id, a.Turns, turn)
	}
	c := Comment{ID: NewID(), AttemptID: id, Turn: turn, AuthorID: u.ID, AuthorName: u.Name, Body: body, CreatedAt: s.cfg.Now()}
	return c, s.st.AddComment(ctx, c)
}

// Comments lists the comments on an attempt u may read.
func (s *Service) Comments(ctx context.Context, u User, id string) ([]Comment, error) {
	if _, _, err := s.readable(ctx, u, id); err != nil {
		return nil, err
	}
	return s.st.Comments(ctx, id)
}

// Share lets a manager or trainer, named by username, read one of u's
// ended attempts (and comment on it), and returns their account. A
// username that is no one's, a disabled account's, or the account of
// someone who does not review all get the same answer, so that a trainee
// cannot learn who has an account or which roles it has.
func (s *Service) Share(ctx context.Context, u User, id, username string) (Account, error) {
	a, err := s.ownAttempt(ctx, u, id)
	if err != nil {
		return Account{}, err
	}
	if a.Status == StatusActive {
		return Account{}, Errorf(CodeStillActive, "attempt %q is still being played: share it once it has ended", id)
	}
	with, err := s.reviewer(ctx, username)
	if err != nil {
		return Account{}, err
	}
	return with, s.st.ShareAttempt(ctx, id, with.ID, s.cfg.Now())
}

// reviewer is the enabled manager or trainer who signs in as username, or
// one refusal whatever the reason there is none.
func (s *Service) reviewer(ctx context.Context, username string) (Account, error) {
	clean, err := CleanUsername(username)
	if err != nil {
		return Account{}, err
	}
	acc, err := s.st.AccountByUsername(ctx, clean)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return Account{}, err
	case !acc.Disabled && (acc.Roles.Has(RoleManager) || acc.Roles.Has(RoleTrainer)):
		return acc, nil
	}
	return Account{}, Errorf(CodeBadRequest,
		"there is no manager or trainer %q to share with: check the username they sign in with, or ask your manager who reviews your calls", clean)
}

// AttemptsOf lists a page of a trainee's attempts for a reviewer (a
// manager of a cohort they are in, or an admin), as Attempts does. Practice
// runs are included; the caller shows them apart.
func (s *Service) AttemptsOf(ctx context.Context, u User, traineeID string, after AttemptCursor, limit int) ([]ListedAttempt, AttemptCursor, error) {
	ok := u.Can(RoleAdmin)
	if !ok && u.Can(RoleManager) {
		var err error
		if ok, err = s.st.Manages(ctx, u.ID, traineeID); err != nil {
			return nil, AttemptCursor{}, err
		}
	}
	if !ok {
		return nil, AttemptCursor{}, Errorf(CodeNotFound, "there is no trainee %q in your cohorts", traineeID)
	}
	return s.listPage(ctx, traineeID, after, limit)
}

// Watch is the snapshot of a trainee's attempt for a manager watching it
// live, with the trainee's account (whose call it is): an admin, or a
// manager of a cohort the trainee is in. The watcher reads; only the
// trainee plays.
func (s *Service) Watch(ctx context.Context, u User, id string) (Snapshot, error) {
	a, err := s.watchable(ctx, u, id)
	if err != nil {
		return Snapshot{}, err
	}
	snap, err := s.snapshotOf(ctx, a) // from the database: the trainee may play on another instance
	if err != nil {
		return Snapshot{}, err
	}
	if snap.Trainee, err = s.st.Account(ctx, a.UserID); err != nil {
		return Snapshot{}, fmt.Errorf("the trainee of attempt %s: %w", a.ID, err)
	}
	return snap, nil
}

// MayWatch says whether u may watch attempt id live now: as Watch, without
// the snapshot. A watching connection asks again from time to time, since
// roles and cohorts change.
func (s *Service) MayWatch(ctx context.Context, u User, id string) error {
	_, err := s.watchable(ctx, u, id)
	return err
}

func (s *Service) watchable(ctx context.Context, u User, id string) (Attempt, error) {
	a, err := s.st.Attempt(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Attempt{}, Errorf(CodeNotFound, "there is no attempt %q", id)
	}
	if err != nil {
		return Attempt{}, err
	}
	ok := u.Can(RoleAdmin)
	if !ok && u.Can(RoleManager) && a.UserID != u.ID {
		if ok, err = s.st.Manages(ctx, u.ID, a.UserID); err != nil {
			return Attempt{}, err
		}
	}
	if !ok || a.UserID == u.ID {
		return Attempt{}, Errorf(CodeNotYours, "you may watch only the calls of trainees in your cohorts")
	}
	return a, nil
}
