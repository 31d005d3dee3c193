package subtitle

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

const (
	ms  = time.Millisecond
	sec = time.Second
)

func cue(i int, start, end time.Duration, lines ...string) Cue {
	return Cue{Index: i, Start: start, End: end, Lines: lines}
}

func TestCheckClean(t *testing.T) {
	tr := Track{Cues: []Cue{
		cue(1, 1*sec, 4*sec, "Xin chào các bạn.", "Chào mừng đến Đắk Lắk."),
		cue(2, 4*sec+80*ms, 6*sec, "Buôn Ma Thuột"),
	}}
	if rep := Check(tr, DefaultRules(), 25, 10*sec); len(rep.Findings) != 0 {
		t.Errorf("clean track: %+v", rep.Findings)
	}
}

func TestCheckRules(t *testing.T) {
	long := strings.Repeat("a", 47)
	tests := []struct {
		rule, severity, en string
		cues               []Cue
	}{
		{"overlap", "error", "Cue 2 starts at 00:00:02.500, before cue 1 ends (00:00:03.000).",
			[]Cue{cue(1, 1*sec, 3*sec, "một"), cue(2, 2500*ms, 4*sec, "hai")}},
		{"gap", "warning", "The gap after cue 1 is 40 ms, at least 80 ms (2 frames).",
			[]Cue{cue(1, 1*sec, 3*sec, "một"), cue(2, 3040*ms, 5*sec, "hai")}},
		{"min_duration", "warning", "The cue lasts 0.500 s, at least 0.833 s.", []Cue{cue(1, 1*sec, 1500*ms, "Ừ")}},
		{"max_duration", "warning", "The cue lasts 8.000 s, at most 7.000 s.", []Cue{cue(1, 1*sec, 9*sec, "Chờ")}},
		{"max_lines", "warning", "The cue has 3 lines, at most 2.", []Cue{cue(1, 1*sec, 4*sec, "một", "hai", "ba")}},
		{"line_length", "warning", "Line 1 is 47 characters long, at most 42.", []Cue{cue(1, 1*sec, 5*sec, long)}},
		{"reading_speed", "warning", "Reading speed is 20 characters per second, at most 17.",
			[]Cue{cue(1, 1*sec, 3*sec, strings.Repeat("b", 40))}},
		{"past_end", "error", "The cue ends at 00:00:12.000, after the video ends (00:00:10.000).", []Cue{cue(1, 9*sec, 12*sec, "cuối")}},
		{"empty", "error", "The cue has no text.", []Cue{cue(1, 1*sec, 3*sec)}},
	}
	for _, tt := range tests {
		rep := Check(Track{Cues: tt.cues}, DefaultRules(), 0, 10*sec)
		if len(rep.Findings) != 1 || rep.Errors+rep.Warnings != 1 {
			t.Errorf("%s: %+v, want one finding", tt.rule, rep.Findings)
			continue
		}
		f := rep.Findings[0]
		if f.Rule != tt.rule || f.Severity != tt.severity || f.En != tt.en || f.Vi == "" || f.Cue != len(tt.cues) {
			t.Errorf("%s: %+v, want %s %q", tt.rule, f, tt.severity, tt.en)
		}
	}
}

func TestCheckMessagesVi(t *testing.T) {
	rep := Check(Track{Cues: []Cue{cue(1, 0, 5*sec, strings.Repeat("ê", 47))}}, DefaultRules(), 25, 0)
	if len(rep.Findings) != 1 || rep.Findings[0].Vi != "Dòng 1 dài 47 ký tự, tối đa 42." {
		t.Errorf("%+v", rep.Findings)
	}
	rep = Check(Track{Cues: []Cue{cue(1, 0, 2*sec, strings.Repeat("b", 41))}}, DefaultRules(), 25, 0)
	if len(rep.Findings) != 1 || rep.Findings[0].Vi != "Tốc độ đọc 20,5 ký tự/giây, tối đa 17." {
		t.Errorf("%+v", rep.Findings)
	}
}

func TestWidthCountsGraphemes(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{norm.NFD.String("Người Việt"), 10},
		{"Người Việt", 10},
		{"<i>Đắk Lắk</i>", 7},
		{`{\an8}Huế`, 3},
		{"👍🏽 ok", 4},
	}
	for _, tt := range tests {
		if got := width(tt.line); got != tt.want {
			t.Errorf("width(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
	// 42 decomposed characters are more than 42 runes but fit the rule.
	line := norm.NFD.String(strings.Repeat("ệ", 42))
	if rep := Check(Track{Cues: []Cue{cue(1, 0, 5*sec, line)}}, DefaultRules(), 25, 0); len(rep.Findings) != 0 {
		t.Errorf("NFD line of 42 characters: %+v", rep.Findings)
	}
}
