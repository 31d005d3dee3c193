// Command quangba is the Quảng Bá media pipeline: the HTTP service and the
// command-line tools for operators.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Quảng Bá — kho tư liệu quảng bá / media pipeline

Usage:
  quangba serve  [--config FILE]                 run the HTTP API
  quangba worker [--config FILE]                 run transcoding jobs only
  quangba ingest [--org NAME] [--kind K] [--json] PATH...   add files and folders
  quangba cut ASSET START END                    cut a trailer from a clip (seconds)
  quangba subtitles check FILE [--json]          check a subtitle file against the rules
  quangba subtitles convert FILE --to srt|vtt    convert a subtitle file (UTF-8, NFC)
  quangba search [--json] [filters] WORDS...     search the catalogue the way people type
  quangba report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [--out FILE]   activity report
  quangba token create --org NAME --role ROLE [--user NAME] print a new API token
  quangba user add --org NAME --role ROLE --name LOGIN [--display NAME] [--password PASS]   add a user who logs in
  quangba user passwd --name LOGIN               reset a user's password
  quangba user list [--org NAME]                 list users
  quangba validate FILE... --profile ID [--json] check files against a submission profile
  quangba export PACKAGE --format zip|bagit --out FILE [--acknowledge-warnings]   export a package
  quangba check [--repair] [--json] [--quick]   verify the catalogue against storage (exit 1 on problems)

Run "quangba COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the exit status.
func run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string) int{
		"serve": cmdServe, "worker": cmdWorker, "ingest": cmdIngest, "cut": cmdCut, "subtitles": cmdSubtitles, "report": cmdReport, "search": cmdSearch, "token": cmdToken,
		"user": cmdUser, "validate": cmdValidate, "export": cmdExport, "check": cmdCheck,
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Print(usage)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "quangba: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:])
}
