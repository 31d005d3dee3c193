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

	"golang.org/x/term"

	"github.com/quangba/quangba/catalog"
)

const userUsage = `Usage:
  quangba user add --org NAME --role ROLE --name LOGIN [--display NAME] [--password PASS]
  quangba user passwd --name LOGIN       reset a password (asks for it)
  quangba user list [--org NAME]

Without --password the password is asked twice on the terminal, or read as
one line from standard input when it is not a terminal.`

// cmdUser runs "quangba user add|passwd|list".
func cmdUser(ctx context.Context, args []string) int {
	return runUser(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// userCLI is one run of "quangba user" with its streams.
type userCLI struct {
	in          io.Reader
	out, errOut io.Writer
	lines       *bufio.Reader // stdin when it is not a terminal
}

func runUser(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	c := &userCLI{in: in, out: out, errOut: errOut}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(errOut, userUsage)
		if len(args) > 0 {
			return 0
		}
		return 2
	}
	switch args[0] {
	case "add":
		return c.add(ctx, args[1:])
	case "passwd":
		return c.passwd(ctx, args[1:])
	case "list":
		return c.list(ctx, args[1:])
	}
	fmt.Fprintf(errOut, "quangba user: không có lệnh %q / unknown command %q\n\n%s\n", args[0], args[0], userUsage)
	return 2
}

func (c *userCLI) flags(name, usage string) (*flag.FlagSet, *string) {
	fl := flag.NewFlagSet("user "+name, flag.ContinueOnError)
	fl.SetOutput(c.errOut)
	config := fl.String("config", "", "configuration file")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), usage)
		fl.PrintDefaults()
	}
	return fl, config
}

func (c *userCLI) add(ctx context.Context, args []string) int {
	fl, config := c.flags("add", "Usage: quangba user add --org NAME --role ROLE --name LOGIN [--display NAME] [--password PASS]\n\nCreates a user who logs in with LOGIN (unique across organisations, any case).")
	org := fl.String("org", "", "organisation (created if missing)")
	role := fl.String("role", "", "contributor, curator or admin")
	login := fl.String("name", "", "login: 3–64 letters, digits, . _ - @")
	display := fl.String("display", "", "name shown to people (default: the login)")
	password := fl.String("password", "", "password (default: ask, or read one line from standard input)")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	switch {
	case *org == "" || *login == "" || *role == "":
		return c.usage(fl, "cần --org, --role và --name / --org, --role and --name are required")
	case !catalog.ValidRole(*role):
		return c.usage(fl, fmt.Sprintf("vai trò %q không hợp lệ / unknown role %q (contributor, curator, admin)", *role, *role))
	case fl.NArg() > 0:
		return c.usage(fl, fmt.Sprintf("thừa tham số / unexpected arguments: %s", strings.Join(fl.Args(), " ")))
	}
	if _, _, err := catalog.NormalizeLogin(*login); err != nil {
		return c.usage(fl, userMessage(err))
	}
	pw := *password
	if pw == "" {
		var err error
		if pw, err = c.readPassword(*login); err != nil {
			return c.fail("add", err)
		}
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	u, err := a.db.CreateUser(ctx, catalog.NewUser{Org: *org, Login: *login, Name: *display, Role: *role, Password: pw})
	if err != nil {
		return c.fail("add", err)
	}
	fmt.Fprintf(c.out, "Đã tạo người dùng / created user %s (%s, %s, %s)\n", u.Login, u.Name, u.Role, u.OrgName)
	return 0
}

func (c *userCLI) passwd(ctx context.Context, args []string) int {
	fl, config := c.flags("passwd", "Usage: quangba user passwd --name LOGIN\n\nSets a new password for LOGIN and ends their sessions.")
	login := fl.String("name", "", "login of the user")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if *login == "" || fl.NArg() > 0 {
		return c.usage(fl, "cần --name / --name is required")
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	u, err := a.db.UserByLogin(ctx, *login)
	if err != nil {
		return c.fail("passwd", err)
	}
	pw, err := c.readPassword(u.Login)
	if err != nil {
		return c.fail("passwd", err)
	}
	operator := catalog.Principal{Role: catalog.RoleAdmin, UserName: "cli"}
	if err := a.db.SetPassword(ctx, u.ID, pw, operator); err != nil {
		return c.fail("passwd", err)
	}
	fmt.Fprintf(c.out, "Đã đổi mật khẩu của / password changed for %s\n", u.Login)
	return 0
}

func (c *userCLI) list(ctx context.Context, args []string) int {
	fl, config := c.flags("list", "Usage: quangba user list [--org NAME]\n\nLists users, of one organisation or all.")
	org := fl.String("org", "", "only this organisation")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if fl.NArg() > 0 {
		return c.usage(fl, fmt.Sprintf("thừa tham số / unexpected arguments: %s", strings.Join(fl.Args(), " ")))
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	var orgID int64
	if *org != "" {
		o, err := a.db.OrgByName(ctx, *org)
		if err != nil {
			return c.fail("list", err)
		}
		orgID = o.ID
	}
	us, err := a.db.Users(ctx, orgID)
	if err != nil {
		return c.fail("list", err)
	}
	w := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tĐĂNG NHẬP/LOGIN\tTÊN/NAME\tVAI TRÒ/ROLE\tĐƠN VỊ/ORG\tTRẠNG THÁI/STATUS")
	for _, u := range us {
		login := u.Login
		if login == "" {
			login = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, login, u.Name, u.Role, u.OrgName, userStatus(u))
	}
	if err := w.Flush(); err != nil {
		return c.fail("list", err)
	}
	return 0
}

func userStatus(u catalog.User) string {
	switch {
	case u.Disabled:
		return "khoá/disabled"
	case !u.HasPassword:
		return "chỉ mã truy cập/token only"
	}
	return "hoạt động/active"
}

// readPassword asks twice without echo on a terminal; otherwise it reads
// one line from standard input. It checks the policy before returning.
func (c *userCLI) readPassword(login string) (string, error) {
	var pw string
	if f, ok := c.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := c.prompt(f, "Mật khẩu / password: ")
		if err != nil {
			return "", err
		}
		if err := catalog.CheckPassword(first, login); err != nil {
			return "", err
		}
		second, err := c.prompt(f, "Nhập lại / again: ")
		if err != nil {
			return "", err
		}
		if first != second {
			return "", errors.New("hai mật khẩu khác nhau / the passwords differ")
		}
		pw = first
	} else {
		if c.lines == nil {
			c.lines = bufio.NewReader(c.in)
		}
		line, err := c.lines.ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", fmt.Errorf("không đọc được mật khẩu từ đầu vào / cannot read the password from standard input: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return pw, catalog.CheckPassword(pw, login)
}

func (c *userCLI) prompt(f *os.File, label string) (string, error) {
	fmt.Fprint(c.errOut, label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.errOut)
	if err != nil {
		return "", fmt.Errorf("đọc mật khẩu / reading the password: %w", err)
	}
	return string(b), nil
}

func (c *userCLI) usage(fl *flag.FlagSet, msg string) int {
	fmt.Fprintf(c.errOut, "quangba %s: %s\n", fl.Name(), msg)
	fl.Usage()
	return 2
}

func (c *userCLI) fail(cmd string, err error) int {
	fmt.Fprintf(c.errOut, "quangba user %s: %s\n", cmd, userMessage(err))
	return 1
}

// userMessage is an error in Vietnamese and English when the catalogue gave
// both.
func userMessage(err error) string {
	var ae *catalog.AccountError
	if errors.As(err, &ae) {
		return ae.Vi + " / " + ae.En
	}
	if errors.Is(err, catalog.ErrNotFound) {
		return "không tìm thấy / not found: " + err.Error()
	}
	return err.Error()
}
