package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"parley/webui/app"
	"parley/webui/training"
)

const userUsage = `usage: parley user COMMAND [flags] ARGS

  add USERNAME --role ROLE[,ROLE] [--name NAME] [--password-stdin]
                      create an account; without --password-stdin, print a
                      one-time link for its owner to choose a password
  list                list the accounts
  passwd USERNAME [--password-stdin]
                      set a password, or print a one-time link to reset it
  role USERNAME ROLE[,ROLE]
                      replace an account's roles
  disable USERNAME    stop an account signing in, and end its sessions
  enable USERNAME     let a disabled account sign in again
  legacy              list the users from before accounts (display names)
  claim ID USERNAME   give a user's attempts from before accounts to an account

The roles are trainee, trainer, manager and admin. Every command takes
--db (env PARLEY_DB, default parley.db: a SQLite file, or a postgres://
URL) and, for links, --public-url (env PARLEY_PUBLIC_URL, default http://
and PARLEY_ADDR or 127.0.0.1:8080).
`

// userCmd manages accounts from the shell, on the database a server uses
// (it may be running: SQLite and PostgreSQL let both write).
func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, userUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(os.Getenv, "PARLEY_DB", "parley.db"), "SQLite database file, or a postgres:// URL (env PARLEY_DB)")
	public := fs.String("public-url", envOr(os.Getenv, "PARLEY_PUBLIC_URL", "http://"+envOr(os.Getenv, "PARLEY_ADDR", "127.0.0.1:8080")),
		"the address browsers open Parley at, for one-time links (env PARLEY_PUBLIC_URL)")
	roleFlag := fs.String("role", "", "roles of a new account, comma-separated: trainee, trainer, manager, admin")
	name := fs.String("name", "", "display name of a new account (default: the username)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	// Flags may come before or after the arguments.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	want := map[string]int{"add": 1, "list": 0, "passwd": 1, "role": 2, "disable": 1, "enable": 1, "legacy": 0, "claim": 2}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintf(stderr, "parley user: unknown command %q\n\n%s", sub, userUsage)
		return errUsage
	}
	if len(pos) != n {
		fmt.Fprintf(stderr, "parley user %s: takes %d argument(s), got %d\n\n%s", sub, n, len(pos), userUsage)
		return errUsage
	}
	st, err := openServerStore(ctx, *db, sub == "add")
	if err != nil {
		return err
	}
	defer st.Close()
	u := &userTool{acc: training.NewAccounts(st, training.AccountsConfig{}), stdin: stdin, stdout: stdout,
		public: strings.TrimSuffix(*public, "/"), fromStdin: *fromStdin}
	switch sub {
	case "add":
		return u.add(ctx, pos[0], *roleFlag, *name)
	case "list":
		return u.list(ctx)
	case "passwd":
		return u.passwd(ctx, pos[0])
	case "role":
		return u.role(ctx, pos[0], pos[1])
	case "disable", "enable":
		return u.disable(ctx, pos[0], sub == "disable")
	case "legacy":
		return u.legacy(ctx)
	default:
		return u.claim(ctx, pos[0], pos[1])
	}
}

type userTool struct {
	acc       *training.Accounts
	stdin     io.Reader
	stdout    io.Writer
	public    string
	fromStdin bool
}

// password reads the password from stdin's first line.
func (u *userTool) password() (string, error) {
	line, err := bufio.NewReader(io.LimitReader(u.stdin, training.MaxPasswordBytes+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("standard input held no password: pipe it in, as in: printf '%s\\n' \"$PW\" | parley user ... --password-stdin")
	}
	return pw, nil
}

func (u *userTool) add(ctx context.Context, username, roleList, name string) error {
	if roleList == "" {
		return fmt.Errorf("say what %s may do with --role, for example --role trainee or --role manager,trainer", username)
	}
	roles, err := training.ParseRoles(roleList)
	if err != nil {
		return err
	}
	n := training.NewAccount{Username: username, DisplayName: name, Roles: roles}
	if u.fromStdin {
		if n.Password, err = u.password(); err != nil {
			return err
		}
	}
	acc, err := u.acc.Create(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "created %s (%s)\n", acc.Username, acc.Roles)
	if u.fromStdin {
		return nil
	}
	return u.printLink(ctx, training.LinkInvite, acc)
}

func (u *userTool) printLink(ctx context.Context, purpose training.LinkPurpose, acc training.Account) error {
	token, expires, err := u.acc.IssueLink(ctx, purpose, acc.ID, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "send %s this link to choose a password; it works once, until %s:\n\n    %s/#/link/%s\n",
		acc.Username, expires.Local().Format("2 Jan 2006 15:04 MST"), u.public, token)
	return nil
}

func (u *userTool) list(ctx context.Context) error {
	accs, err := u.acc.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(u.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLES\tSTATUS\tCREATED")
	for _, a := range accs {
		status := "active"
		switch {
		case a.Disabled:
			status = "disabled"
		case a.PasswordHash == "":
			status = "no password yet"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Username, a.DisplayName, a.Roles, status, a.CreatedAt.Local().Format("2006-01-02"))
	}
	return tw.Flush()
}

func (u *userTool) passwd(ctx context.Context, username string) error {
	acc, err := u.acc.Find(ctx, username)
	if err != nil {
		return err
	}
	if !u.fromStdin {
		return u.printLink(ctx, training.LinkReset, acc)
	}
	pw, err := u.password()
	if err != nil {
		return err
	}
	if err := u.acc.SetPassword(ctx, acc.ID, pw); err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "password of %s set; its sessions have ended\n", acc.Username)
	return nil
}

func (u *userTool) role(ctx context.Context, username, roleList string) error {
	roles, err := training.ParseRoles(roleList)
	if err != nil {
		return err
	}
	acc, err := u.acc.Find(ctx, username)
	if err != nil {
		return err
	}
	if err := u.acc.SetRoles(ctx, acc.ID, roles); err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "%s is now %s\n", acc.Username, roles)
	return nil
}

func (u *userTool) disable(ctx context.Context, username string, disabled bool) error {
	acc, err := u.acc.Find(ctx, username)
	if err != nil {
		return err
	}
	if err := u.acc.SetDisabled(ctx, acc.ID, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(u.stdout, "%s is disabled and signed out; its open conversations end at their next message once 10 s have passed\n", acc.Username)
	} else {
		fmt.Fprintf(u.stdout, "%s may sign in again\n", acc.Username)
	}
	return nil
}

func (u *userTool) legacy(ctx context.Context) error {
	list, err := u.acc.Legacy(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(u.stdout, "no unclaimed users from before accounts")
		return nil
	}
	tw := tabwriter.NewWriter(u.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tATTEMPTS\tLAST PLAYED")
	for _, l := range list {
		last := "never"
		if !l.LastPlayed.IsZero() {
			last = l.LastPlayed.Local().Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", l.ID, l.DisplayName, l.Attempts, last)
	}
	return tw.Flush()
}

func (u *userTool) claim(ctx context.Context, legacyID, username string) error {
	acc, err := u.acc.Find(ctx, username)
	if err != nil {
		return err
	}
	n, err := u.acc.Claim(ctx, legacyID, acc)
	if err != nil {
		return err
	}
	fmt.Fprintf(u.stdout, "%d attempt(s) moved to %s\n", n, acc.Username)
	return nil
}

// openServerStore opens the database a server uses (--db or PARLEY_DB) for
// a command run beside it. A SQLite file must exist unless create is set: a
// mistyped path should not make an empty database.
func openServerStore(ctx context.Context, db string, create bool) (app.Store, error) {
	if _, err := os.Stat(db); err != nil && !create && !app.IsPostgres(db) {
		return nil, fmt.Errorf("database %s: %w; pass the one the server uses with --db or PARLEY_DB", db, err)
	}
	return app.OpenStore(ctx, db)
}
