package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/api"
)

func cmdReport(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	from := fl.String("from", "", "first day, YYYY-MM-DD (days are counted in UTC+7)")
	to := fl.String("to", "", "last day, YYYY-MM-DD, inclusive")
	format := fl.String("format", "", "csv, xlsx or json (default: xlsx or json when --out ends so, else csv)")
	out := fl.String("out", "", "write to this file instead of stdout (required for xlsx)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [--out FILE]\n\nCounts the assets received, approved, rejected and exported in the period, by\norganisation, theme and kind, with totals and the destinations they were sent to.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	start, end, f, err := reportArgs(*from, *to, *format, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quangba report:", err)
		fl.Usage()
		return 2
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	r, err := a.db.ActivityReport(ctx, start, end)
	if err != nil {
		return fatal(err)
	}
	var labels map[string]string
	if a.themes != nil {
		labels = a.themes.Labels("vi")
	}
	var buf bytes.Buffer
	if err := api.WriteReport(&buf, f, r, labels); err != nil {
		return fatal(err)
	}
	if *out == "" {
		os.Stdout.Write(buf.Bytes())
		return 0
	}
	if err := writeAtomic(*out, buf.Bytes()); err != nil {
		return fatal(fmt.Errorf("report: %w", err))
	}
	return 0
}

// reportArgs checks the period and picks the format.
func reportArgs(from, to, format, out string) (start, end time.Time, f string, err error) {
	if start, err = time.Parse(time.DateOnly, from); err != nil {
		return start, end, "", fmt.Errorf("--from %q: want YYYY-MM-DD", from)
	}
	if end, err = time.Parse(time.DateOnly, to); err != nil {
		return start, end, "", fmt.Errorf("--to %q: want YYYY-MM-DD", to)
	}
	if start.After(end) {
		return start, end, "", errors.New("--from is after --to")
	}
	f = format
	if f == "" {
		f = "csv"
		if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), "."); ext == "xlsx" || ext == "json" {
			f = ext
		}
	}
	switch {
	case f != "csv" && f != "xlsx" && f != "json":
		return start, end, "", fmt.Errorf("format %q: want csv, xlsx or json", f)
	case f == "xlsx" && out == "":
		return start, end, "", errors.New("xlsx needs --out FILE (it is not text)")
	}
	return start, end, f, nil
}
