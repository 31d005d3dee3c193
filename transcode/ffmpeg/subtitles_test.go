package ffmpeg

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParseSubtitleStreams reads real ffmpeg 5.1 stderr of ListStreamsArgs
// runs: the output listing that follows the input's must not count.
func TestParseSubtitleStreams(t *testing.T) {
	for name, want := range map[string][]SubtitleStream{
		// MKV with subrip (title), ass and webvtt.
		"streams_multi_mkv.txt": {{2, "subrip", "vie", "Tiếng Việt"}, {3, "ass", "eng", "English"}, {4, "webvtt", "vie", ""}},
		// MP4 with two mov_text tracks; the second has ffmpeg's generic handler name.
		"streams_movtext_mp4.txt": {{2, "mov_text", "vie", "Tiếng Việt"}, {3, "mov_text", "eng", ""}},
		// Closed captions in their own MP4 track.
		"streams_mp4ff_main_1_cea608.txt": {{1, "eia_608", "eng", ""}},
		"input_mp4ff_main_1_cea608.txt":   {{1, "eia_608", "eng", ""}},
		// AVCHD with a PGS (image) subtitle stream, no language.
		"streams_mde_Sony_A7M3_1080p50.txt": {{2, "hdmv_pgs_subtitle", "", ""}},
		"streams_bbb_none.txt":              nil,
	} {
		if got := ParseSubtitleStreams(readTestdata(t, name)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	// MPEG-TS lists a stream under each program that carries it.
	ts := "Input #0, mpegts, from 'x.ts':\n  Program 1\n    Stream #0:0[0x100]: Video: h264\n    Stream #0:2[0x102](fra): Subtitle: dvb_subtitle ([6][0][0][0] / 0x0006)\n" +
		"  Program 2\n    Stream #0:2[0x102](fra): Subtitle: dvb_subtitle ([6][0][0][0] / 0x0006)\n    Stream #0:3[0x103](deu): Subtitle: dvb_teletext ([6][0][0][0] / 0x0006)\n"
	want := []SubtitleStream{{2, "dvb_subtitle", "fra", ""}, {3, "dvb_teletext", "deu", ""}}
	if got := ParseSubtitleStreams(ts); !reflect.DeepEqual(got, want) {
		t.Errorf("programs: got %+v", got)
	}
}

func TestSubtitleArgs(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want string
	}{
		{"list streams", ListStreamsArgs("/in/a.mkv"),
			"-i /in/a.mkv -map 0:v? -map 0:a? -map 0:s? -c copy -t 0 -f null -"},
		{"extract one", ExtractSubtitleArgs("-a.mkv", 2, "/o/s.srt"),
			"-i file:-a.mkv -map 0:2 -c:s srt -f srt /o/s.srt"},
		{"extract two in one pass", ExtractSubtitlesArgs("/in/a.mkv", []SubtitleOut{{2, "/o/2.srt"}, {4, "pipe:1"}}),
			"-i /in/a.mkv -map 0:2 -c:s srt -f srt /o/2.srt -map 0:4 -c:s srt -f srt file:pipe:1"},
		{"soft subtitles", SoftSubArgs(SoftSubPlan{Video: "/d/delivery.mp4", Out: "/d/soft.mp4", Tracks: []SubTrack{
			{Path: "/s/vi.srt", Lang: "vi", Title: "Tiếng Việt"}, {Path: "-en.srt", Lang: "EN"}}}),
			"-i /d/delivery.mp4 -f srt -i /s/vi.srt -f srt -i file:-en.srt -map 0:v:0 -map 0:a? -map 1:s:0 -map 2:s:0 " +
				"-c:v copy -c:a copy -c:s mov_text " +
				"-metadata:s:s:0 language=vie -metadata:s:s:0 title=Tiếng Việt -metadata:s:s:0 handler_name=Tiếng Việt " +
				"-metadata:s:s:1 language=eng -movflags +faststart -f mp4 /d/soft.mp4"},
		{"SRT copy", SRTCopyArgs("up/-x.srt", "/tmp/s/subtitles.srt"),
			"-f srt -i file:up/-x.srt -map 0:s:0 -c:s srt -f srt /tmp/s/subtitles.srt"},
	}
	for _, tt := range tests {
		if got := strings.Join(tt.got, " "); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestBurnInArgs(t *testing.T) {
	got := BurnInArgs(BurnPlan{Video: "/in/c.mov", Subs: "/s/subtitles.srt", Out: "/o/social.mp4",
		FontsDir: "/s/fonts", FontName: "Noto Sans", FontSize: 22, Outline: 2, MarginV: 24,
		MaxHeight: 1080, Preset: "veryfast", CRF: 20})
	fit := "scale=w='trunc(iw*sar*min(1,1080/min(iw*sar,ih))/2)*2':h='trunc(ih*min(1,1080/min(iw*sar,ih))/2)*2':flags=bicubic,setsar=1"
	subs := `subtitles=filename=\'/s/subtitles.srt\':fontsdir=\'/s/fonts\':force_style=\'FontName=Noto Sans\,FontSize=22\,Outline=2\,MarginV=24\'`
	want := []string{"-i", "/in/c.mov", "-filter_complex", "[0:v:0]yadif=deint=interlaced," + fit + ",format=yuv420p," + subs + "[burned]",
		"-map", "[burned]", "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-crf", "20", "-fps_mode", "vfr",
		"-map", "0:a:0?", "-c:a", "aac", "-b:a", "128000", "-ac", "2",
		"-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart", "-f", "mp4", "/o/social.mp4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestISO6392(t *testing.T) {
	for in, want := range map[string]string{"vi": "vie", "en": "eng", "VI": "vie", " en ": "eng", "vie": "vie", "ENG": "eng",
		"fr": "fra", "km": "khm", "": "und", "xx": "und", "e1g": "und", "english": "und"} {
		if got := ISO6392(in); got != want {
			t.Errorf("ISO6392(%q) = %q, want %q", in, got, want)
		}
	}
}

// hostileNames are file and folder names that a filter graph would misread
// if they were not escaped: option separators, quotes, escapes, graph
// punctuation, a leading dash, a protocol prefix, spaces at the ends.
var hostileNames = []string{
	"plain.srt",
	"it's.srt",
	"a:b.srt",
	`back\slash.srt`,
	"a,b.srt",
	"[in]x[out].srt",
	"semi;colon.srt",
	"'; drawtext=text=x; '.srt",
	`'\'':fontsdir=..,[x];y.srt`,
	" spaced .srt",
	"-v quiet.srt",
	"http:evil.srt",
	"Phụ đề tiếng Việt.srt",
}

// TestSubtitlesFilterEscaping reads the filter back the way ffmpeg does
// (graph level, then option level, each with av_get_token's rules) and
// gets every hostile name, the fonts folder and the style back intact.
func TestSubtitlesFilterEscaping(t *testing.T) {
	style := "FontName=Noto Sans,FontSize=22,Outline=2,MarginV=24"
	for _, name := range hostileNames {
		for _, subs := range []string{"/scratch/" + name, name} {
			p := BurnPlan{Subs: subs, FontsDir: "/fonts/" + name, FontName: "Noto Sans", FontSize: 22, Outline: 2, MarginV: 24}
			f := SubtitlesFilter(p)
			// A filter chain ends at an unescaped , ; [ or ]: the whole
			// filter must be read as one.
			rest := strings.TrimPrefix(f, "subtitles=")
			args, tail := getToken(rest, "[],;")
			if tail != "" {
				t.Errorf("%q: the graph reads only %q of %q", subs, args, f)
				continue
			}
			got := optionValues(t, args)
			want := map[string]string{"filename": SafePath(subs), "fontsdir": "/fonts/" + name, "force_style": style}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q: filter %s\n reads %q\n want  %q", subs, f, got, want)
			}
		}
	}
	// The escaping itself, as data.
	for name, want := range map[string]string{
		"/s/it's.srt":    `subtitles=filename=\'/s/it\'\\\'\'s.srt\'`,
		"/s/a:b,c.srt":   `subtitles=filename=\'/s/a:b\,c.srt\'`,
		`/s/x[y];z\.srt`: `subtitles=filename=\'/s/x\[y\]\;z\\.srt\'`,
	} {
		got := SubtitlesFilter(BurnPlan{Subs: name, FontName: "F"})
		got = strings.TrimSuffix(got, `:force_style=\'FontName=F\,FontSize=0\,Outline=0\,MarginV=0\'`)
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", name, got, want)
		}
	}
}

// getToken is libavutil's av_get_token: it reads up to an unescaped,
// unquoted character of term, drops quotes and backslashes, and trims
// unquoted white space at both ends.
func getToken(s, term string) (tok, rest string) {
	s = strings.TrimLeft(s, " \n\t\r")
	var b []byte
	end := 0 // length of b that ends with a quoted or escaped character
	i := 0
	for i < len(s) && !strings.ContainsRune(term, rune(s[i])) {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			b = append(b, s[i+1])
			i += 2
			end = len(b)
		case c == '\'':
			i++
			for i < len(s) && s[i] != '\'' {
				b = append(b, s[i])
				i++
			}
			i++
			end = len(b)
		default:
			b = append(b, c)
			i++
		}
	}
	for len(b) > end && strings.ContainsRune(" \n\t\r", rune(b[len(b)-1])) {
		b = b[:len(b)-1]
	}
	if i > len(s) {
		i = len(s)
	}
	return string(b), s[i:]
}

// optionValues splits a filter's option list as avfilter does: key=value
// pairs separated by ':', each value read with getToken.
func optionValues(t *testing.T, s string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for s != "" {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			t.Fatalf("no key=value in %q", s)
		}
		var v string
		v, s = getToken(rest, ":")
		m[key] = v
		s = strings.TrimPrefix(s, ":")
	}
	return m
}

// TestBurnInHostileNames runs ffmpeg on a subtitle file and a fonts folder
// whose names hold every character that means something in a filter
// graph: libass must open exactly those and draw the text with the font
// found there.
func TestBurnInHostileNames(t *testing.T) {
	mustFFmpeg(t)
	font := notoSans(t)
	base := t.TempDir()
	dir := filepath.Join(base, `dir 'a': [b], c; d\e`)
	fonts := filepath.Join(dir, "fonts, 'x': [y]")
	if err := os.MkdirAll(fonts, 0o755); err != nil {
		t.Fatal(err)
	}
	fontCopy := filepath.Join(fonts, filepath.Base(font))
	b, err := os.ReadFile(font)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fontCopy, b, 0o644); err != nil {
		t.Fatal(err)
	}
	src := "../../testdata/media/video/generated/generated_h264_aac_srt_176x144.mkv"
	for _, name := range hostileNames {
		t.Run(name, func(t *testing.T) {
			subs := filepath.Join(dir, name)
			if err := os.WriteFile(subs, []byte("1\n00:00:00,000 --> 00:00:02,000\nGành Đá Đĩa\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out "+strings.TrimSuffix(name, ".srt")+".mp4")
			p := BurnPlan{Video: src, Subs: subs, Out: out, FontsDir: fonts, FontName: "Noto Sans",
				FontSize: 22, Outline: 2, MarginV: 24, MaxHeight: 1080, Preset: "ultrafast"}
			stderr, err := NewRunner("", 0, 0).Run(context.Background(), BurnInArgs(p), out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stderr, "Loading font file '"+fontCopy+"'") {
				t.Errorf("libass did not load the font from %q:\n%s", fonts, lastLines(stderr, 2000))
			}
			if !strings.Contains(stderr, "fontselect: (Noto Sans, 400, 0) -> NotoSans-Regular") {
				t.Errorf("no text drawn with Noto Sans:\n%s", lastLines(stderr, 2000))
			}
			if st, err := os.Stat(out); err != nil || st.Size() == 0 {
				t.Errorf("output: %v", err)
			}
		})
	}
}

// notoSans is the Noto Sans Regular file, found by fontconfig.
func notoSans(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("fc-match", "-f", "%{file}", "Noto Sans:style=Regular").Output()
	f := strings.TrimSpace(string(out))
	if err != nil || filepath.Base(f) != "NotoSans-Regular.ttf" {
		t.Fatalf("Noto Sans is not installed (got %q, %v); run scripts/setup.sh test (Debian: fonts-noto-core)", f, err)
	}
	return f
}

// vietnamese is every letter of the Vietnamese alphabet with every tone
// mark, lower and upper case, precomposed (NFC).
var vietnamese = []string{
	"aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ", "đ",
	"AÀÁẢÃẠ", "ĂẰẮẲẴẶ", "ÂẦẤẨẪẬ", "EÈÉẺẼẸ", "ÊỀẾỂỄỆ", "IÌÍỈĨỊ", "OÒÓỎÕỌ", "ÔỒỐỔỖỘ", "ƠỜỚỞỠỢ", "UÙÚỦŨỤ", "ƯỪỨỬỮỰ", "YỲÝỶỸỴ", "Đ",
}

// TestBurnInVietnameseGlyphs draws every Vietnamese letter with Noto Sans
// alone: libass must find each glyph in it, without falling back to
// another font (it logs "Glyph 0x… not found" when it has to).
func TestBurnInVietnameseGlyphs(t *testing.T) {
	mustFFmpeg(t)
	seen := map[rune]bool{}
	for _, g := range vietnamese {
		for _, r := range g {
			seen[r] = true
		}
	}
	if len(seen) != 2*(12*6+1) {
		t.Fatalf("%d distinct letters, want 146", len(seen))
	}
	dir := t.TempDir()
	fonts := filepath.Join(dir, "fonts")
	if err := os.Mkdir(fonts, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(notoSans(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fonts, "NotoSans-Regular.ttf"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	subs := filepath.Join(dir, "vi.srt")
	text := "1\n00:00:00,000 --> 00:00:02,000\n" + strings.Join(vietnamese[:13], " ") + "\n" + strings.Join(vietnamese[13:], " ") + "\n"
	if err := os.WriteFile(subs, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mp4")
	p := BurnPlan{Video: "../../testdata/media/video/generated/generated_h264_aac_srt_176x144.mkv", Subs: subs, Out: out,
		FontsDir: fonts, FontName: "Noto Sans", FontSize: 22, Outline: 2, MarginV: 24, MaxHeight: 1080, Preset: "ultrafast"}
	stderr, err := NewRunner("", 0, 0).Run(context.Background(), BurnInArgs(p), out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "fontselect: (Noto Sans, 400, 0) -> NotoSans-Regular") {
		t.Errorf("no text drawn with Noto Sans:\n%s", lastLines(stderr, 2000))
	}
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "Glyph 0x") {
			t.Errorf("libass: %s", line)
		}
	}
}
