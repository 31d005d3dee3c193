package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quangba/quangba/configs"
	"github.com/quangba/quangba/transcode/subtitle"
)

// cmdSubtitles checks and converts subtitle files on their own, without a
// server or catalogue.
func cmdSubtitles(ctx context.Context, args []string) int {
	if len(args) == 0 || (args[0] != "check" && args[0] != "convert") {
		fmt.Fprintln(os.Stderr, "Usage: quangba subtitles check FILE [--lang vi] [--fps 25] [--duration 90s] [--json]\n       quangba subtitles convert FILE --to srt|vtt [--out FILE]")
		return 2
	}
	if args[0] == "check" {
		return subtitlesCheck(args[1:])
	}
	return subtitlesConvert(args[1:])
}

// readSubtitles decodes and parses a file, printing parse warnings.
func readSubtitles(path string) (subtitle.Track, string, []subtitle.Warning, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return subtitle.Track{}, "", nil, err
	}
	text, enc, err := subtitle.Decode(data)
	if err != nil {
		return subtitle.Track{}, "", nil, bilingual(err)
	}
	tr, warnings, err := subtitle.Parse([]byte(text), filepath.Base(path))
	return tr, enc, warnings, bilingual(err)
}

func bilingual(err error) error {
	var ee *subtitle.EncodingError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s / %s", ee.Vi, ee.En)
	}
	if errors.Is(err, subtitle.ErrFormat) {
		return fmt.Errorf("không đọc được tệp phụ đề / cannot read the subtitle file: %w", err)
	}
	return err
}

type checkOutput struct {
	File     string             `json:"file"`
	Lang     string             `json:"lang,omitempty"`
	Encoding string             `json:"encoding"`
	Cues     int                `json:"cues"`
	Errors   int                `json:"errors"`
	Warnings int                `json:"warnings"`
	Parse    []subtitle.Warning `json:"parse_warnings"`
	Findings []subtitle.Finding `json:"findings"`
}

func subtitlesCheck(args []string) int {
	fl := flag.NewFlagSet("subtitles check", flag.ContinueOnError)
	lang := fl.String("lang", "", "the track's language (vi, en), for the report")
	fps := fl.Float64("fps", 25, "frame rate of the video (for the two-frame gap rule)")
	dur := fl.Duration("duration", 0, "length of the video (cues past it are errors)")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	config := fl.String("config", "", "configuration file with the subtitle rules")
	if err := fl.Parse(reorder(args)); err != nil || fl.NArg() != 1 {
		return 2
	}
	cfg, err := configs.Load(*config)
	if err != nil {
		return fatal(err)
	}
	tr, enc, warnings, err := readSubtitles(fl.Arg(0))
	if err != nil {
		return fatal(err)
	}
	rep := subtitle.Check(tr, subtitleRules(cfg), *fps, *dur)
	out := checkOutput{File: fl.Arg(0), Lang: *lang, Encoding: enc, Cues: len(tr.Cues), Errors: rep.Errors, Warnings: rep.Warnings,
		Parse: nonNilW(warnings), Findings: nonNilF(rep.Findings)}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(out)
	} else {
		printReport(out)
	}
	if rep.Errors > 0 {
		return 1
	}
	return 0
}

func printReport(o checkOutput) {
	for _, w := range o.Parse {
		fmt.Printf("cue %d  %s  đọc tệp / parse: %s\n", w.Cue, clock(w.At), w.Message)
	}
	for _, f := range o.Findings {
		sev := map[string]string{"error": "lỗi / error", "warning": "lưu ý / warning"}[f.Severity]
		fmt.Printf("cue %d  %s  [%s] %s: %s / %s\n", f.Cue, clock(f.At), f.Rule, sev, f.Vi, f.En)
	}
	fmt.Fprintf(os.Stderr, "%s: %d cue, mã hóa / encoding %s, %d lỗi / errors, %d lưu ý / warnings\n", o.File, o.Cues, o.Encoding, o.Errors, o.Warnings+len(o.Parse))
}

func clock(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func subtitlesConvert(args []string) int {
	fl := flag.NewFlagSet("subtitles convert", flag.ContinueOnError)
	to := fl.String("to", "", "srt or vtt")
	out := fl.String("out", "", "output file (default: standard output)")
	if err := fl.Parse(reorder(args)); err != nil || fl.NArg() != 1 || (*to != "srt" && *to != "vtt") {
		fmt.Fprintln(os.Stderr, "Usage: quangba subtitles convert FILE --to srt|vtt [--out FILE]")
		return 2
	}
	tr, _, _, err := readSubtitles(fl.Arg(0))
	if err != nil {
		return fatal(err)
	}
	body := tr.SRT()
	if *to == "vtt" {
		body = tr.VTT()
	}
	if *out == "" {
		os.Stdout.Write(body)
		return 0
	}
	if err := writeAtomic(*out, body); err != nil {
		return fatal(err)
	}
	return 0
}

// writeAtomic writes through a temporary file so a failure leaves no half file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".quangba-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// reorder lets flags follow the file name ("check FILE --json"); --json
// and the booleans named take no value.
func reorder(args []string, booleans ...string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		boolean := name == "json" || slices.Contains(booleans, name)
		if !boolean && !strings.Contains(a, "=") && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, rest...)
}

func subtitleRules(cfg configs.Config) subtitle.Rules {
	s := cfg.Subtitles
	return subtitle.Rules{MaxLines: s.MaxLines, MaxLineChars: s.MaxLineChars, MaxCPS: s.MaxCPS,
		MinDuration: s.MinDuration, MaxDuration: s.MaxDuration, MinGapFrames: s.MinGapFrames}
}

func nonNilW(w []subtitle.Warning) []subtitle.Warning {
	if w == nil {
		return []subtitle.Warning{}
	}
	return w
}

func nonNilF(f []subtitle.Finding) []subtitle.Finding {
	if f == nil {
		return []subtitle.Finding{}
	}
	return f
}
