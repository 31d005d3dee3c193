package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func cmdToken(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(os.Stderr, "Usage: quangba token create --org NAME --role contributor|curator|admin [--user NAME]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	fl := flag.NewFlagSet("token create", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	org := fl.String("org", "", "organisation (created if missing)")
	role := fl.String("role", "contributor", "contributor, curator or admin")
	user := fl.String("user", "", "user the token acts as (created if missing; default: the role name)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba token create --org NAME --role ROLE [--user NAME]\n\nPrints a new API token once; only its hash is stored.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args[1:]); err != nil {
		return flagExit(err)
	}
	if *org == "" {
		fmt.Fprintln(os.Stderr, "quangba token create: --org is required / cần --org")
		return 2
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	nt, err := a.db.CreateToken(ctx, *org, *user, *role)
	if err != nil {
		return fatal(err)
	}
	fmt.Fprintf(os.Stderr, "Mã truy cập cho %s (%s) của %s — chỉ hiện một lần / token for %s (%s) of %s — shown once:\n",
		nt.Principal.UserName, nt.Principal.Role, nt.Principal.OrgName, nt.Principal.UserName, nt.Principal.Role, nt.Principal.OrgName)
	fmt.Println(nt.Secret)
	return 0
}
