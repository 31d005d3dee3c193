package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/configs"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/ingest/probe"
)

// cmdValidate checks files that are not in the catalogue against a
// profile's file rules (format, pixels, bytes, duration, codecs, frame).
func cmdValidate(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	prof := fl.String("profile", "", "submission profile id (vietnamvn, happyvietnam-2025, …)")
	kind := fl.String("kind", "", "photo, clip or trailer (default: from the content; videos are clips)")
	asJSON := fl.Bool("json", false, "print the findings as JSON")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba validate FILE... --profile ID [--kind K] [--json]\n\nChecks files against a profile's file rules without ingesting them.\nExits 1 when a file breaks a rule (an error), 0 otherwise.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(reorder(args)); err != nil {
		return flagExit(err)
	}
	if fl.NArg() == 0 || *prof == "" {
		fmt.Fprintln(os.Stderr, "quangba validate: cần --profile và ít nhất một tệp / --profile and at least one file are required")
		fl.Usage()
		return 2
	}
	cfg, err := configs.Load(*config)
	if err != nil {
		return fatal(err)
	}
	profiles, err := loadProfiles(cfg)
	if err != nil {
		return fatal(err)
	}
	p, ok := profiles[*prof]
	if !ok {
		return fatal(fmt.Errorf("không có hồ sơ nộp %q / no profile %q", *prof, *prof))
	}
	ff := probe.NewFFprobe(cfg.Ingest.FFprobe, cfg.Ingest.ProbeTimeout, 2)
	code, all := 0, map[string][]profile.Finding{}
	for _, path := range fl.Args() {
		fs, err := validateFile(ctx, p, path, *kind, probe.Limits{MaxPixels: cfg.Ingest.MaxPixels}, ff)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			code = 1
			continue
		}
		all[path] = fs
		if blocked(fs) {
			code = 1
		}
		if !*asJSON {
			printFindings(os.Stdout, path, fs)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(all)
	}
	return code
}

// validateFile probes one file and checks it as the original of an asset.
func validateFile(ctx context.Context, p *profile.Profile, path, kind string, lim probe.Limits, ff *probe.FFprobe) ([]profile.Finding, error) {
	info, err := probe.File(ctx, path, lim, ff)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if kind == "" {
		kind = catalog.KindPhoto
		if info.Format.Class == probe.ClassVideo {
			kind = catalog.KindClip
		}
	}
	f := profile.File{Name: "original", Format: info.Format.Name, Width: info.Width, Height: info.Height, Bytes: st.Size(),
		Duration: info.Duration, VideoCodec: info.VideoCodec, AudioCodec: info.AudioCodec, FrameRate: info.FrameRate}
	if info.Orientation >= 5 && info.Orientation <= 8 || info.Rotation == 90 || info.Rotation == 270 {
		f.Width, f.Height = f.Height, f.Width
	}
	return p.CheckFile(kind, f), nil
}

func blocked(fs []profile.Finding) bool {
	for _, f := range fs {
		if f.Severity == profile.Error {
			return true
		}
	}
	return false
}

// printFindings writes one line per rule, Vietnamese then English.
func printFindings(w io.Writer, name string, fs []profile.Finding) {
	fmt.Fprintln(w, name)
	marks := map[string]string{profile.Pass: "  ✓", profile.Warning: "  !", profile.Error: "  ✗"}
	for _, f := range fs {
		fmt.Fprintf(w, "%s %s: %s / %s\n", marks[f.Severity], f.Rule, f.Message.VI, f.Message.EN)
	}
}

// cmdExport writes a package's bundle to a file (and to storage, recorded
// like an export from the web).
func cmdExport(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("export", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	format := fl.String("format", "zip", "zip or bagit")
	out := fl.String("out", "", "the bundle file to write (required)")
	ack := fl.Bool("acknowledge-warnings", false, "accept the package's warnings (errors always block)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba export PACKAGE --format zip|bagit --out FILE [--acknowledge-warnings]\n\nValidates the package against its profile and writes its bundle. Exits 1 and\nlists the findings when errors (or unacknowledged warnings) remain.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(reorder(args, "acknowledge-warnings")); err != nil {
		return flagExit(err)
	}
	if fl.NArg() != 1 || *out == "" {
		fmt.Fprintln(os.Stderr, "quangba export: cần mã gói và --out / a package id and --out are required")
		fl.Usage()
		return 2
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	org, err := a.db.EnsureOrg(ctx, a.cfg.HomeOrg)
	if err != nil {
		return fatal(err)
	}
	actor := catalog.Principal{Role: catalog.RoleAdmin, OrgID: org.ID, OrgName: org.Name, UserName: "quangba export"}
	plan, e, err := a.export.Start(ctx, export.Request{PackageID: fl.Arg(0), Format: *format, AckAll: *ack}, actor)
	var be *export.BlockedError
	if errors.As(err, &be) {
		fmt.Fprintf(os.Stderr, "Gói chưa đạt yêu cầu (%d lỗi, %d cảnh báo chưa xác nhận) / the package is blocked (%d errors, %d unacknowledged warnings):\n",
			be.Errors, len(be.Unacknowledged), be.Errors, len(be.Unacknowledged))
		for _, f := range be.Findings {
			fmt.Fprintf(os.Stderr, "  %s %s %s: %s / %s\n", f.Severity, f.AssetID, f.Rule, f.Message.VI, f.Message.EN)
		}
		return 1
	}
	if err != nil {
		return fatal(err)
	}
	return writeBundle(ctx, a, plan, e, *out, actor)
}

// writeBundle builds the export into a temporary file next to out and
// renames it into place only when the bundle is complete.
func writeBundle(ctx context.Context, a *app, plan *export.Plan, e catalog.Export, out string, actor catalog.Principal) int {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".quangba-export-*")
	if err != nil {
		a.db.FailExport(context.WithoutCancel(ctx), e.PackageID, e.N, err.Error())
		return fatal(err)
	}
	defer os.Remove(tmp.Name())
	done, err := a.export.Build(ctx, plan, e, tmp, actor)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fatal(fmt.Errorf("export: %w", err))
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fatal(err)
	}
	fmt.Fprintf(os.Stderr, "Đã xuất lần %d: %d tệp, %d byte / export %d written: %d files, %d bytes → %s\n",
		done.N, done.Files, done.ByteSize, done.N, done.Files, done.ByteSize, out)
	return 0
}
