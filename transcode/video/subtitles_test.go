package video

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

const (
	viSRT = "1\n00:00:02,000 --> 00:00:04,000\nGành Đá Đĩa, Buôn Ma Thuột\nỞ Hồ Lắk: thuyền độc mộc\n\n" +
		"2\n00:00:07,000 --> 00:00:08,500\nCồng chiêng Tây Nguyên\n"
	enSRT = "1\n00:00:02,000 --> 00:00:04,000\nGanh Da Dia, Buon Ma Thuot\nOn Lak Lake: dugout canoes\n\n" +
		"2\n00:00:07,000 --> 00:00:08,500\nGong culture of the Central Highlands\n"
)

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestSubtitleStreams lists the text subtitle streams only: closed
// captions and image subtitles are not text.
func TestSubtitleStreams(t *testing.T) {
	for src, want := range map[string][]ffmpeg.SubtitleStream{
		"generated/generated_h264_aac_srt_176x144.mkv": {{Index: 2, Codec: "subrip", Lang: "vie"}},
		"with_subtitles/mp4ff_main_1_cea608.mp4":       nil,
		"mde_Sony_A7M3_1080p50.mts":                    nil,
		"mp4ff_bbb_prog_10s.mp4":                       nil,
	} {
		got, err := SubtitleStreams(context.Background(), filepath.Join(media, src), Options{})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, %v; want %+v", src, got, err, want)
		}
	}
}

// TestExtractSubtitles extracts the SRT track of a Matroska file, and
// skips, with a reason, closed captions and PGS (image) subtitles.
func TestExtractSubtitles(t *testing.T) {
	tests := []struct {
		src     string
		want    []ExtractedSubtitle // Path relative to the output folder
		srt     string              // the content of the one file extracted
		skipped string              // in the reason of the one stream skipped
	}{
		{"generated/generated_h264_aac_srt_176x144.mkv",
			[]ExtractedSubtitle{{Path: "subtitle_2_vie.srt", Stream: ffmpeg.SubtitleStream{Index: 2, Codec: "subrip", Lang: "vie"}}},
			"1\n00:00:00,023 --> 00:00:01,023\nXin chào\n\n2\n00:00:01,023 --> 00:00:02,023\nQuảng Bá\n\n", ""},
		{"with_subtitles/mp4ff_main_1_cea608.mp4",
			[]ExtractedSubtitle{{Stream: ffmpeg.SubtitleStream{Index: 1, Codec: "eia_608", Lang: "eng"}}}, "", "closed captions"},
		{"mde_Sony_A7M3_1080p50.mts",
			[]ExtractedSubtitle{{Stream: ffmpeg.SubtitleStream{Index: 2, Codec: "hdmv_pgs_subtitle"}}}, "", "image-based"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.src), func(t *testing.T) {
			dir := t.TempDir()
			got, err := ExtractSubtitles(context.Background(), filepath.Join(media, tt.src), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i, g := range got {
				w := tt.want[i]
				if w.Path != "" {
					w.Path = filepath.Join(dir, w.Path)
				}
				if g.Path != w.Path || g.Stream != w.Stream || (g.Skipped == "") != (w.Path != "") || !strings.Contains(g.Skipped, tt.skipped) {
					t.Errorf("got %+v, want %+v skipped for %q", g, w, tt.skipped)
				}
				if g.Path != "" {
					if s := readText(t, g.Path); s != tt.srt {
						t.Errorf("%s:\n%q\nwant\n%q", g.Path, s, tt.srt)
					}
				}
				t.Logf("%+v", g)
			}
			if es, _ := os.ReadDir(dir); len(es) != btoi(tt.srt != "") {
				t.Errorf("%d files in the output folder", len(es))
			}
		})
	}
}

// TestExtractSubtitlesMovText: an MP4 with two mov_text tracks (made here
// from SRT files) gives both back, text and times intact.
func TestExtractSubtitlesMovText(t *testing.T) {
	dir := t.TempDir()
	mp4 := filepath.Join(dir, "movtext.mp4")
	ffmpegCmd(t, "-i", filepath.Join(media, "generated/generated_h264_aac_srt_176x144.mkv"),
		"-i", writeFile(t, filepath.Join(dir, "vi.srt"), viSRT), "-i", writeFile(t, filepath.Join(dir, "en.srt"), enSRT),
		"-map", "0:v", "-map", "0:a", "-map", "1", "-map", "2", "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text",
		"-metadata:s:s:0", "language=vie", "-metadata:s:s:1", "language=eng", "-metadata:s:s:1", "handler_name=English", mp4)
	out := t.TempDir()
	got, err := ExtractSubtitles(context.Background(), mp4, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ExtractedSubtitle{
		{Path: filepath.Join(out, "subtitle_2_vie.srt"), Stream: ffmpeg.SubtitleStream{Index: 2, Codec: "mov_text", Lang: "vie"}},
		{Path: filepath.Join(out, "subtitle_3_eng.srt"), Stream: ffmpeg.SubtitleStream{Index: 3, Codec: "mov_text", Lang: "eng", Title: "English"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	for i, srt := range []string{viSRT, enSRT} {
		if s := readText(t, got[i].Path); s != srt+"\n" {
			t.Errorf("%s:\n%q\nwant\n%q", got[i].Path, s, srt+"\n")
		}
	}
}

// probedSubs is what TestSoftSubtitle reads with ffprobe.
type probedSubs struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Duration  string `json:"duration"`
		NbFrames  string `json:"nb_frames"`
		Tags      struct {
			Language    string `json:"language"`
			HandlerName string `json:"handler_name"`
		} `json:"tags"`
	} `json:"streams"`
}

func probeSubs(t *testing.T, path string) probedSubs {
	t.Helper()
	var p probedSubs
	if err := json.Unmarshal([]byte(ffprobeOut(t, "-v", "error", "-print_format", "json", "-show_streams", path)), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// packetsMD5 is the MD5 of every packet of the file's streams of one
// kind ("v" or "a"), read without decoding: equal sums mean the streams
// were copied bit for bit.
func packetsMD5(t *testing.T, path, kind string) string {
	t.Helper()
	mustTool(t, "ffmpeg")
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:"+kind, "-c", "copy", "-f", "md5", "-").Output()
	if err != nil {
		t.Fatalf("md5 of %s %s packets: %v", path, kind, err)
	}
	return strings.TrimSpace(string(out))
}

// TestSoftSubtitle adds a Vietnamese and an English track to the 10 s Big
// Buck Bunny MP4: two mov_text streams tagged vie and eng with their
// titles, video and audio copied packet for packet, index first; the
// Vietnamese text comes back out with its diacritics.
func TestSoftSubtitle(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	out := filepath.Join(dir, "soft.mp4")
	tracks := []ffmpeg.SubTrack{
		{Path: writeFile(t, filepath.Join(dir, "vi.srt"), viSRT), Lang: "vi", Title: "Tiếng Việt"},
		{Path: writeFile(t, filepath.Join(dir, "en.srt"), enSRT), Lang: "en", Title: "English"},
	}
	if err := SoftSubtitle(context.Background(), src, tracks, out, Options{}); err != nil {
		t.Fatal(err)
	}
	in, got := probeSubs(t, src), probeSubs(t, out)
	if len(got.Streams) != 4 {
		t.Fatalf("%d streams, want video, audio and two subtitles", len(got.Streams))
	}
	for i := 0; i < 2; i++ {
		a, b := in.Streams[i], got.Streams[i]
		if a.CodecType != b.CodecType || a.CodecName != b.CodecName || a.Duration != b.Duration || a.NbFrames != b.NbFrames {
			t.Errorf("stream %d: %s %s %s s %s frames, source %s %s %s s %s frames", i,
				b.CodecType, b.CodecName, b.Duration, b.NbFrames, a.CodecType, a.CodecName, a.Duration, a.NbFrames)
		}
	}
	for _, kind := range []string{"v", "a"} {
		if a, b := packetsMD5(t, src, kind), packetsMD5(t, out, kind); a != b {
			t.Errorf("%s packets changed: %s, source %s", kind, b, a)
		}
	}
	for i, want := range [][2]string{{"vie", "Tiếng Việt"}, {"eng", "English"}} {
		s := got.Streams[2+i]
		if s.CodecType != "subtitle" || s.CodecName != "mov_text" || s.Tags.Language != want[0] || s.Tags.HandlerName != want[1] {
			t.Errorf("subtitle %d: %s %s %q %q, want mov_text %q %q", i, s.CodecType, s.CodecName, s.Tags.Language, s.Tags.HandlerName, want[0], want[1])
		}
	}
	if ok, err := moovFirst(out); err != nil || !ok {
		t.Errorf("moov is not before mdat (faststart): %v %v", ok, err)
	}
	ex, err := ExtractSubtitles(context.Background(), out, t.TempDir(), Options{})
	if err != nil || len(ex) != 2 {
		t.Fatalf("extract back: %+v, %v", ex, err)
	}
	if s := readText(t, ex[0].Path); s != viSRT+"\n" {
		t.Errorf("Vietnamese track reads back as\n%q", s)
	}
}

func TestSoftSubtitleRefuses(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	vi := []ffmpeg.SubTrack{{Path: writeFile(t, filepath.Join(dir, "vi.srt"), viSRT), Lang: "vi"}}
	out := filepath.Join(dir, "out.mp4")
	for name, err := range map[string]error{
		"no track":            SoftSubtitle(context.Background(), src, nil, out, Options{}),
		"overwrite":           SoftSubtitle(context.Background(), src, vi, src, Options{}),
		"missing SRT":         SoftSubtitle(context.Background(), src, []ffmpeg.SubTrack{{Path: filepath.Join(dir, "none.srt")}}, out, Options{}),
		"video not a video":   SoftSubtitle(context.Background(), vi[0].Path, vi, out, Options{}),
		"missing ffmpeg tool": SoftSubtitle(context.Background(), src, vi, out, Options{FFmpeg: filepath.Join(dir, "no-ffmpeg")}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		t.Logf("%s: %v", name, err)
	}
	emptyDirExcept(t, dir, "vi.srt")
}

// emptyDirExcept fails the test when dir holds a file other than keep.
func emptyDirExcept(t *testing.T, dir, keep string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Name() != keep {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// bottomDiff compares two w×h grey frames in their bottom quarter, where
// the subtitles sit, and above it.
func bottomDiff(a, b []byte, w, h int) (bottom, top float64) {
	cut := w * (h - h/4)
	return meanAbsDiff(a[cut:], b[cut:]), meanAbsDiff(a[:cut], b[:cut])
}

// checkBurned compares frames of the burned output with the same frames
// of the source, both scaled to the output's 426×240 (the source has
// 4:3 pixels): at 3.0 s the cue (2–4 s) shows in the bottom of the
// picture; at 6.0 s, between cues, only the noise of re-encoding and
// rescaling differs (about 1–2 grey levels on average).
func checkBurned(t *testing.T, src, out string) {
	t.Helper()
	const w, h = 426, 240
	p := ffprobeJSON(t, out)
	if len(p.Streams) < 1 || p.Streams[0].Width != w || p.Streams[0].Height != h {
		t.Fatalf("output streams %+v, want %dx%d video", p.Streams, w, h)
	}
	checkMP4(t, out, w, h, true, true)
	shown, shownTop := bottomDiff(grayFrame(t, src, 3*time.Second, 0, w, h), grayFrame(t, out, 3*time.Second, 0, w, h), w, h)
	gone, goneTop := bottomDiff(grayFrame(t, src, 6*time.Second, 0, w, h), grayFrame(t, out, 6*time.Second, 0, w, h), w, h)
	t.Logf("mean abs diff at 3.0 s: bottom %.2f, above %.2f; at 6.0 s: bottom %.2f, above %.2f", shown, shownTop, gone, goneTop)
	if shown < 8 || shown < 4*gone || shown < 4*shownTop {
		t.Errorf("cue not drawn at 3.0 s: bottom differs by %.2f (noise %.2f, above %.2f)", shown, gone, shownTop)
	}
	if gone > 3 || goneTop > 3 {
		t.Errorf("picture changed at 6.0 s, with no cue: bottom %.2f, above %.2f", gone, goneTop)
	}
}

// TestBurnIn draws a Vietnamese cue (2.0–4.0 s) into the 10 s Big Buck
// Bunny clip and checks the pixels of the output.
func TestBurnIn(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	out := filepath.Join(dir, "social.mp4")
	if err := BurnIn(context.Background(), src, writeFile(t, filepath.Join(dir, "vi.srt"), viSRT), out, BurnStyle{}, Options{}); err != nil {
		t.Fatal(err)
	}
	checkBurned(t, src, out)
}

// TestBurnInHostileName: a video, subtitle file and output whose names
// hold quotes, colons, commas, brackets and semicolons, in a folder named
// the same way.
func TestBurnInHostileName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `up 'x': [a], b; c\d`)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "-clip 'a':b,[c];d.mp4")
	b, err := os.ReadFile(filepath.Join(media, "mp4ff_bbb_prog_10s.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, src, string(b))
	srt := writeFile(t, filepath.Join(dir, `-phụ đề 'vi': [1], x; y\z.srt`), viSRT)
	out := filepath.Join(dir, "-out 'a':b,[c];d.mp4")
	if err := BurnIn(context.Background(), src, srt, out, BurnStyle{}, Options{}); err != nil {
		t.Fatal(err)
	}
	checkBurned(t, src, out)
}

// TestBurnInRefuses: an absent font family, a character no installed
// font has (U+E000, private use), a style that is not valid, a subtitle
// file that is not UTF-8 or holds no cue; none leaves an output.
func TestBurnInRefuses(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	vi := writeFile(t, filepath.Join(dir, "vi.srt"), viSRT)
	pua := writeFile(t, filepath.Join(dir, "pua.srt"), "1\n00:00:01,000 --> 00:00:02,000\nA \ue000 B\n")
	latin1 := writeFile(t, filepath.Join(dir, "latin1.srt"), "1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n")
	empty := writeFile(t, filepath.Join(dir, "empty.srt"), "not subtitles\n")
	out := filepath.Join(dir, "out.mp4")
	tests := []struct {
		name  string
		srt   string
		style BurnStyle
		font  bool // want ErrFontMissing
	}{
		{"absent font", vi, BurnStyle{FontName: "No Such Family"}, true},
		{"glyph in no font", pua, BurnStyle{}, true},
		{"font name with style syntax", vi, BurnStyle{FontName: "Noto Sans,Bold=1"}, false},
		{"font name as a flag", vi, BurnStyle{FontName: "-v"}, false},
		{"font too big", vi, BurnStyle{FontSize: 500}, false},
		{"not UTF-8", latin1, BurnStyle{}, false},
		{"no cue", empty, BurnStyle{}, false},
	}
	for _, tt := range tests {
		err := BurnIn(context.Background(), src, tt.srt, out, tt.style, Options{})
		if err == nil || errors.Is(err, ErrFontMissing) != tt.font {
			t.Errorf("%s: %v; want ErrFontMissing %v", tt.name, err, tt.font)
		}
		t.Logf("%s: %v", tt.name, err)
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: output left: %v", tt.name, err)
		}
	}
}

func TestMissingGlyphs(t *testing.T) {
	stderr := "[Parsed_subtitles_4 @ 0x1] Glyph 0xE000 not found, selecting one more font for (Noto Sans, 400, 0)\n" +
		"[Parsed_subtitles_4 @ 0x1] fontselect: failed to find any fallback with glyph 0xE000 for font: (Noto Sans, 400, 0)\n" +
		"[Parsed_subtitles_4 @ 0x1] fontselect: (Noto Sans, 400, 0) -> /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf, 0, DejaVuSans\n" +
		"[Parsed_subtitles_4 @ 0x1] fontselect: failed to find any fallback with glyph 0x10FFFD for font: (Noto Sans, 400, 0)\n" +
		"[Parsed_subtitles_4 @ 0x1] fontselect: failed to find any fallback with glyph 0xE000 for font: (Noto Sans, 400, 0)\n"
	if got := missingGlyphs(stderr); !reflect.DeepEqual(got, []string{"U+E000", "U+10FFFD"}) {
		t.Errorf("got %q", got)
	}
	if got := missingGlyphs("fontselect: (Noto Sans, 400, 0) -> NotoSans-Regular, 0, NotoSans-Regular\n"); got != nil {
		t.Errorf("got %q", got)
	}
}

func TestBurnStyleValidate(t *testing.T) {
	for _, tt := range []struct {
		s  BurnStyle
		ok bool
	}{
		{BurnStyle{}, true},
		{BurnStyle{FontName: "Be Vietnam Pro", FontSize: 30, Outline: 3, MarginV: 40}, true},
		{BurnStyle{FontName: "Noto Sans:weight=200"}, false},
		{BurnStyle{FontName: "Noto Sans, Bold"}, false},
		{BurnStyle{FontName: "-Noto"}, false},
		{BurnStyle{FontSize: -1}, false},
		{BurnStyle{Outline: 21}, false},
		{BurnStyle{MarginV: 145}, false},
	} {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: %v, want ok %v", tt.s, err, tt.ok)
		}
	}
}

// TestFontFiles finds Noto Sans through fontconfig and, when fc-list
// cannot be run, in Debian's Noto folder: the same faces either way.
func TestFontFiles(t *testing.T) {
	mustTool(t, "fc-list")
	names := func(files []string) []string {
		var n []string
		for _, f := range files {
			n = append(n, filepath.Base(f))
		}
		slices.Sort(n)
		return n
	}
	viaFontconfig, err := fontFiles(context.Background(), "Noto Sans")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names(viaFontconfig), "NotoSans-Regular.ttf") {
		t.Errorf("fontconfig: %q, want NotoSans-Regular.ttf among them", viaFontconfig)
	}
	t.Setenv("PATH", t.TempDir())
	viaFolder, err := fontFiles(context.Background(), "Noto Sans")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := names(viaFontconfig), names(viaFolder); !reflect.DeepEqual(a, b) {
		t.Errorf("without fc-list: %q; with it: %q", b, a)
	}
	if _, err := fontFiles(context.Background(), "No Such Family"); !errors.Is(err, ErrFontMissing) {
		t.Errorf("absent family without fc-list: %v", err)
	}
}
