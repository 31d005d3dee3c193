package subtitle

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samples = "../../testdata/media/subtitles"

// sample is what Parse must make of one file in testdata/media/subtitles.
// Cue counts were checked with ffmpeg -f srt where it reads the file, and
// by reading the file where it does not (TTML, STL, WebVTT with STYLE).
type sample struct {
	cues, warnings int
	err            error  // ErrEncoding or ErrFormat
	detail         string // EncodingError.Detected, or text in the ErrFormat message
}

var sampleTable = map[string]sample{
	"ass/astisub_example-in.ssa":              {cues: 6, warnings: 3},  // "Not understood line" in three sections
	"ass/libass_aegisub-format-tests.ass":     {cues: 39, warnings: 1}, // 40 events, one a vector drawing
	"ass/pysubs2_attached_images_aegisub.ass": {cues: 1, warnings: 1},  // the event has no text
	"ass/subtitleedit_test.ssa":               {cues: 3},
	// Plain Vietnamese prose, decoded (see TestDecode...) but not subtitles.
	"encoding_samples/uchardet_vi_viscii.txt":                             {err: ErrFormat, detail: "no subtitle format"},
	"encoding_samples/uchardet_vi_windows-1258.txt":                       {err: ErrFormat, detail: "no subtitle format"},
	"malformed/astisub_broken-1-in.vtt":                                   {err: ErrFormat, detail: "no cue timings"},
	"malformed/libass_crash_generic.ass":                                  {cues: 53, warnings: 14}, // 64 events: 11 drawings, 3 empty
	"malformed/webvttpy_invalid_timeframe.srt":                            {cues: 5, warnings: 1},   // "00:00:11.890" in SRT
	"malformed/webvttpy_missing_caption_text.srt":                         {cues: 5, warnings: 1},   // cue 2 has no text
	"other/subaligner_test.sbv":                                           {err: ErrFormat, detail: "SBV"},
	"other/subtitleedit_sample_MKV_USF.mks":                               {err: ErrFormat, detail: "Matroska"},
	"other/subtitleedit_sample_VobSub_stuffingBytes.sub":                  {err: ErrFormat, detail: "VobSub"},
	"srt/astisub_example-in-html-entities.srt":                            {cues: 3},
	"srt/subtitleedit_auto_detect_windows-1250.srt":                       {err: ErrEncoding, detail: "windows-1250"},
	"srt/subtitleedit_auto_detect_windows-1251.srt":                       {err: ErrEncoding, detail: "windows-1251"},
	"srt/tor_animation_th.srt":                                            {cues: 35},
	"srt/tor_animation_zh_CN.srt":                                         {cues: 35},
	"srt/webvttpy_one_caption.srt":                                        {cues: 1},
	"stl/astisub_example-in-nonzero-offset.stl":                           {cues: 6, warnings: 1}, // times before the start time code
	"ttml/astisub_example-in-merging-style.ttml":                          {cues: 4},
	"ttml/astisub_example-out-no-indent.ttml":                             {cues: 6},
	"vietnamese/tor_animation_vi.srt":                                     {cues: 35},
	"vietnamese/vietface_fansub_vi_utf8_crlf.srt":                         {cues: 1414},
	"vtt/astisub_example-in-html-entities.vtt":                            {cues: 3},
	"vtt/astisub_example-in.vtt":                                          {cues: 6, warnings: 12}, // times like 00:01:39 and 00:02:04.08
	"vtt/webvttpy_cue_tags.vtt":                                           {cues: 3},
	"vtt/webvttpy_metadata_headers_multiline.vtt":                         {cues: 2},
	"vtt_edgecases/vttjs_cue-settings_line_negative-integer-value.vtt":    {cues: 1},
	"vtt_edgecases/vttjs_cue-settings_vertical_correct-rl-keyword.vtt":    {cues: 1},
	"vtt_edgecases/vttjs_cue-times_max-spots-over-sixty.vtt":              {cues: 1, warnings: 1}, // ends when it starts
	"vtt_edgecases/vttjs_cue-times_missing-separator.vtt":                 {err: ErrFormat, detail: "no cues"},
	"vtt_edgecases/vttjs_cuetext_escape-characters_rlm.vtt":               {cues: 1},
	"vtt_edgecases/vttjs_cuetext_timestamp_nested.vtt":                    {cues: 1},
	"vtt_edgecases/vttjs_file-layout_blank-file-with-bom.vtt":             {err: ErrFormat, detail: "empty"},
	"vtt_edgecases/vttjs_file-layout_no-space-cue-times-cue-settings.vtt": {cues: 1},
	"vtt_edgecases/vttjs_integration_not-only-nested-cues.vtt":            {cues: 2},
	"vtt_edgecases/vttjs_integration_regions.vtt":                         {cues: 6},
}

func TestParseSamples(t *testing.T) {
	for name, want := range sampleTable {
		data, err := os.ReadFile(filepath.Join(samples, name))
		if err != nil {
			t.Fatal(err)
		}
		tr, ws, err := Parse(data, filepath.Base(name))
		if want.err != nil {
			checkRefusal(t, name, err, want)
			continue
		}
		if err != nil || len(tr.Cues) != want.cues || len(ws) != want.warnings {
			t.Errorf("%s: %d cues, %d warnings, %v; want %d cues, %d warnings", name, len(tr.Cues), len(ws), err, want.cues, want.warnings)
		}
		checkTrackShape(t, name, tr)
	}
}

func checkRefusal(t *testing.T, name string, err error, want sample) {
	t.Helper()
	var ee *EncodingError
	switch {
	case !errors.Is(err, want.err):
		t.Errorf("%s: error %v, want %v", name, err, want.err)
	case want.err == ErrEncoding && (!errors.As(err, &ee) || ee.Detected != want.detail || ee.Vi == ""):
		t.Errorf("%s: error %v, want encoding %s with a Vietnamese message", name, err, want.detail)
	case want.err == ErrFormat && !strings.Contains(err.Error(), want.detail):
		t.Errorf("%s: error %q, want it to mention %q", name, err, want.detail)
	}
}

// checkTrackShape checks what Parse promises of every track.
func checkTrackShape(t *testing.T, name string, tr Track) {
	t.Helper()
	for i, c := range tr.Cues {
		if c.Index != i+1 || (i > 0 && c.Start < tr.Cues[i-1].Start) {
			t.Errorf("%s: cue %d has index %d, start %v: not numbered or sorted", name, i+1, c.Index, c.Start)
		}
	}
}

func TestSampleTableListsEveryFile(t *testing.T) {
	seen := 0
	err := filepath.WalkDir(samples, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, path)
		if _, ok := sampleTable[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s is not in sampleTable", rel)
		}
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(sampleTable) {
		t.Errorf("found %d files, sampleTable lists %d", seen, len(sampleTable))
	}
}

func TestParseSampleText(t *testing.T) {
	tests := []struct {
		file  string
		cue   int
		lines []string
	}{
		{"vietnamese/tor_animation_vi.srt", 1, []string{"Chúng ta đã quá quen với Internet"}},
		{"vietnamese/vietface_fansub_vi_utf8_crlf.srt", 1, []string{"NHÀ TÙ KLONG PREM", "CÁCH BĂNG CỐC 37 DẶM VỀ PHÍA NAM"}},
		{"srt/astisub_example-in-html-entities.srt", 3, []string{"there are other < worlds than these."}},
		{"vtt/webvttpy_cue_tags.vtt", 3, []string{"That's amore"}},
		{"vtt_edgecases/vttjs_cuetext_escape-characters_rlm.vtt", 1, []string{"This should be \u200f. Correct?"}},
		{"ass/astisub_example-in.ssa", 5, []string{"We don't belong", "in this shithole."}},
		{"stl/astisub_example-in-nonzero-offset.stl", 2, []string{"MAN:", "How did we end up here?"}},
	}
	for _, tt := range tests {
		data, _ := os.ReadFile(filepath.Join(samples, tt.file))
		tr, _, err := Parse(data, tt.file)
		if err != nil || len(tr.Cues) < tt.cue {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if got := tr.Cues[tt.cue-1].Lines; strings.Join(got, "\n") != strings.Join(tt.lines, "\n") {
			t.Errorf("%s cue %d: %q, want %q", tt.file, tt.cue, got, tt.lines)
		}
	}
}
