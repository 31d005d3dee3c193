package subtitle

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAlign(t *testing.T) {
	vi := Track{Cues: []Cue{cue(1, 1*sec, 3*sec, "a"), cue(2, 4*sec, 6*sec, "b"), cue(3, 8*sec, 9*sec, "c")}}
	en := Track{Cues: []Cue{cue(1, 1100*ms, 3200*ms, "a"), cue(2, 4*sec, 7*sec, "b")}}
	fs := Align(vi, en, 500*ms)
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+f.En)
	}
	want := []string{
		"alignment_count The tracks have different numbers of cues: 3 and 2.",
		"alignment_timing Cue 2 ends at 00:00:06.000, its counterpart 2 at 00:00:07.000.",
		"alignment_timing Cue 3 (00:00:08.000) of the first track has no matching cue in the other track.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Align:\n%q\nwant\n%q", got, want)
	}
	if fs := Align(vi, vi, 0); len(fs) != 0 {
		t.Errorf("a track against itself: %+v", fs)
	}
}

func TestShift(t *testing.T) {
	tr := Track{Cues: []Cue{cue(1, 1*sec, 2*sec, "a"), cue(2, 3*sec, 5*sec, "b"), cue(3, 6*sec, 7*sec, "c")}}
	got := tr.Shift(-4 * sec)
	want := Track{Cues: []Cue{cue(1, 0, 1*sec, "b"), cue(2, 2*sec, 3*sec, "c")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Shift(-4s) = %+v, want %+v", got, want)
	}
	if got := tr.Shift(time.Second); got.Cues[0].Start != 2*sec || tr.Cues[0].Start != 1*sec {
		t.Errorf("Shift(1s) = %+v, or it changed the original", got)
	}
}

func TestScale(t *testing.T) {
	tr := Track{Cues: []Cue{cue(1, 23976*ms, 47952*ms, "a")}}
	got := tr.Scale(25 / 23.976)
	if got.Cues[0].Start != 25*sec || got.Cues[0].End != 50*sec || tr.Cues[0].Start != 23976*ms {
		t.Errorf("Scale = %+v", got.Cues[0])
	}
	if got := tr.Scale(0); !reflect.DeepEqual(got, tr) {
		t.Errorf("Scale(0) changed the track: %+v", got)
	}
}

func TestRewrap(t *testing.T) {
	tests := []struct {
		lines []string
		want  []string
	}{
		{[]string{"Xin", "chào"}, []string{"Xin chào"}},
		{[]string{"Chúng ta đã quá quen với Internet và mọi thứ trên đó"},
			[]string{"Chúng ta đã quá quen với", "Internet và mọi thứ trên đó"}},
		{[]string{"- Ai đó?", "- Tôi."}, []string{"- Ai đó?", "- Tôi."}},
		{[]string{strings.Repeat("x", 50)}, []string{strings.Repeat("x", 50)}},
	}
	for _, tt := range tests {
		got := Track{Cues: []Cue{{Index: 1, Lines: tt.lines}}}.Rewrap(42, 2).Cues[0].Lines
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Rewrap(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

// TestRewrapKeepsWords rewraps every cue of the real files: no word may
// be lost, and lines fit whenever the words can fit in two lines.
func TestRewrapKeepsWords(t *testing.T) {
	for _, file := range []string{"vietnamese/vietface_fansub_vi_utf8_crlf.srt", "ass/libass_aegisub-format-tests.ass"} {
		tr := parseSample(t, file)
		out := tr.Rewrap(42, 2)
		for i, c := range out.Cues {
			before := strings.Fields(strings.Join(tr.Cues[i].Lines, " "))
			if after := strings.Fields(strings.Join(c.Lines, " ")); !reflect.DeepEqual(before, after) {
				t.Fatalf("%s cue %d: words %q became %q", file, c.Index, before, after)
			}
			if fits(before, 42, 2) && (len(c.Lines) > 2 || longest(c.Lines) > 42) && !isDialogue(tr.Cues[i].Lines) {
				t.Errorf("%s cue %d: %q does not respect the limits", file, c.Index, c.Lines)
			}
		}
	}
}

// fits reports whether words can be put in lines of at most n characters,
// checked by brute force for up to two lines.
func fits(words []string, n, lines int) bool {
	if width(strings.Join(words, " ")) <= n {
		return true
	}
	for i := 1; lines >= 2 && i < len(words); i++ {
		if width(strings.Join(words[:i], " ")) <= n && width(strings.Join(words[i:], " ")) <= n {
			return true
		}
	}
	return false
}

func parseSample(t *testing.T, file string) Track {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, file))
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := Parse(data, file)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
