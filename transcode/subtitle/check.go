package subtitle

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Rules are the broadcast limits a track is checked against.
type Rules struct {
	MaxLines     int           // lines per cue (default: 2)
	MaxLineChars int           // user-perceived characters per line (default: 42)
	MaxCPS       float64       // characters of all lines (no line breaks) per second (default: 17)
	MinDuration  time.Duration // default: 5/6 s
	MaxDuration  time.Duration // default: 7 s
	MinGapFrames int           // frames between cues (default: 2)
}

// DefaultRules returns the Netflix/BBC numbers from the domain notes.
func DefaultRules() Rules {
	return Rules{
		MaxLines:     2,
		MaxLineChars: 42,
		MaxCPS:       17,
		MinDuration:  time.Second * 5 / 6,
		MaxDuration:  7 * time.Second,
		MinGapFrames: 2,
	}
}

// Finding is one broken rule.
type Finding struct {
	Cue      int           // 1-based; 0 for the whole track
	At       time.Duration // the cue's start
	Rule     string        // overlap, gap, min_duration, max_duration, max_lines, line_length, reading_speed, past_end, empty, alignment_count, alignment_timing
	Severity string        // "error" or "warning"
	Vi, En   string
}

// Report is the result of Check.
type Report struct {
	Findings         []Finding
	Errors, Warnings int
}

const (
	sevError   = "error"
	sevWarning = "warning"
)

// Check applies r to t. fps (25 when 0) turns the gap rule into time;
// videoDur > 0 enables past_end. Overlap, past_end, empty and a cue that
// does not end after it starts are errors; the rest are warnings.
func Check(t Track, r Rules, fps float64, videoDur time.Duration) Report {
	if fps <= 0 {
		fps = 25
	}
	minGap := time.Duration(float64(r.MinGapFrames) / fps * float64(time.Second))
	var rep Report
	for i, c := range t.Cues {
		fs := checkCue(c, r, videoDur)
		if i > 0 {
			fs = append(fs, checkPair(t.Cues[i-1], c, minGap, r.MinGapFrames)...)
		}
		rep.add(fs...)
	}
	return rep
}

func (rep *Report) add(fs ...Finding) {
	for _, f := range fs {
		if f.Severity == sevError {
			rep.Errors++
		} else {
			rep.Warnings++
		}
		rep.Findings = append(rep.Findings, f)
	}
}

func checkCue(c Cue, r Rules, videoDur time.Duration) []Finding {
	var fs []Finding
	add := func(rule, sev, vi, en string) {
		fs = append(fs, Finding{Cue: c.Index, At: c.Start, Rule: rule, Severity: sev, Vi: vi, En: en})
	}
	chars := 0
	for i, l := range c.Lines {
		n := width(l)
		chars += n
		if r.MaxLineChars > 0 && n > r.MaxLineChars {
			add("line_length", sevWarning, fmt.Sprintf("Dòng %d dài %d ký tự, tối đa %d.", i+1, n, r.MaxLineChars),
				fmt.Sprintf("Line %d is %d characters long, at most %d.", i+1, n, r.MaxLineChars))
		}
	}
	if chars == 0 {
		add("empty", sevError, "Câu phụ đề không có chữ.", "The cue has no text.")
	}
	if r.MaxLines > 0 && len(c.Lines) > r.MaxLines {
		add("max_lines", sevWarning, fmt.Sprintf("Câu có %d dòng, tối đa %d.", len(c.Lines), r.MaxLines),
			fmt.Sprintf("The cue has %d lines, at most %d.", len(c.Lines), r.MaxLines))
	}
	fs = append(fs, checkTiming(c, r, chars, videoDur)...)
	return fs
}

func checkTiming(c Cue, r Rules, chars int, videoDur time.Duration) []Finding {
	var fs []Finding
	add := func(rule, sev, vi, en string) {
		fs = append(fs, Finding{Cue: c.Index, At: c.Start, Rule: rule, Severity: sev, Vi: vi, En: en})
	}
	d := c.End - c.Start
	switch {
	case d < r.MinDuration:
		sev := sevWarning
		if d <= 0 {
			sev = sevError
		}
		add("min_duration", sev, fmt.Sprintf("Câu hiện %s giây, tối thiểu %s giây.", secs(d, ','), secs(r.MinDuration, ',')),
			fmt.Sprintf("The cue lasts %s s, at least %s s.", secs(d, '.'), secs(r.MinDuration, '.')))
	case r.MaxDuration > 0 && d > r.MaxDuration:
		add("max_duration", sevWarning, fmt.Sprintf("Câu hiện %s giây, tối đa %s giây.", secs(d, ','), secs(r.MaxDuration, ',')),
			fmt.Sprintf("The cue lasts %s s, at most %s s.", secs(d, '.'), secs(r.MaxDuration, '.')))
	}
	if cps := float64(chars) / d.Seconds(); d > 0 && r.MaxCPS > 0 && cps > r.MaxCPS {
		add("reading_speed", sevWarning, fmt.Sprintf("Tốc độ đọc %s ký tự/giây, tối đa %s.", num(cps, ','), num(r.MaxCPS, ',')),
			fmt.Sprintf("Reading speed is %s characters per second, at most %s.", num(cps, '.'), num(r.MaxCPS, '.')))
	}
	if videoDur > 0 && c.End > videoDur {
		add("past_end", sevError, fmt.Sprintf("Câu kết thúc lúc %s, sau khi video kết thúc (%s).", clock(c.End, ','), clock(videoDur, ',')),
			fmt.Sprintf("The cue ends at %s, after the video ends (%s).", clock(c.End, '.'), clock(videoDur, '.')))
	}
	return fs
}

func checkPair(prev, c Cue, minGap time.Duration, frames int) []Finding {
	gap := c.Start - prev.End
	f := Finding{Cue: c.Index, At: c.Start}
	switch {
	case gap < 0:
		f.Rule, f.Severity = "overlap", sevError
		f.Vi = fmt.Sprintf("Câu %d bắt đầu lúc %s, trước khi câu %d kết thúc (%s).", c.Index, clock(c.Start, ','), prev.Index, clock(prev.End, ','))
		f.En = fmt.Sprintf("Cue %d starts at %s, before cue %d ends (%s).", c.Index, clock(c.Start, '.'), prev.Index, clock(prev.End, '.'))
	case gap < minGap:
		f.Rule, f.Severity = "gap", sevWarning
		f.Vi = fmt.Sprintf("Khoảng cách với câu %d là %d ms, tối thiểu %d ms (%d khung hình).", prev.Index, gap.Milliseconds(), minGap.Milliseconds(), frames)
		f.En = fmt.Sprintf("The gap after cue %d is %d ms, at least %d ms (%d frames).", prev.Index, gap.Milliseconds(), minGap.Milliseconds(), frames)
	default:
		return nil
	}
	return []Finding{f}
}

var markup = regexp.MustCompile(`<[^>]*>|\{\\[^}]*\}`)

// width counts the user-perceived characters (grapheme clusters) of a line
// of text in NFC, with SRT/WebVTT tags and ASS override codes left out.
func width(line string) int {
	return uniseg.GraphemeClusterCount(norm.NFC.String(markup.ReplaceAllString(line, "")))
}

// secs formats d in seconds with three decimals and the given separator.
func secs(d time.Duration, sep byte) string {
	return strings.Replace(fmt.Sprintf("%.3f", d.Seconds()), ".", string(sep), 1)
}

// num formats f with at most one decimal and the given separator.
func num(f float64, sep byte) string {
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0")
	return strings.Replace(s, ".", string(sep), 1)
}
