package ffmpeg

import (
	"fmt"
	"strconv"
	"strings"
)

// SubtitleStream is one subtitle stream of an input, as ffmpeg lists it.
type SubtitleStream struct {
	Index int    // index of the stream in the file: the N of "-map 0:N"
	Codec string // ffmpeg's codec name: subrip, mov_text, ass, webvtt, eia_608, hdmv_pgs_subtitle, …; "none" when unknown
	Lang  string // language tag as stored ("vie", "eng"); "" when absent or "und"
	Title string // the stream's title, or an MP4 track's handler name unless it is a generic one; "" when absent
}

// ListStreamsArgs opens src and lists its streams on stderr (read them with
// ParseSubtitleStreams or ParseInputVideo). It copies no packet (-t 0) to
// the null muxer, so it reads little and succeeds even on streams that
// ffmpeg cannot decode.
func ListStreamsArgs(src string) []string {
	return []string{"-i", SafePath(src), "-map", "0:v?", "-map", "0:a?", "-map", "0:s?",
		"-c", "copy", "-t", "0", "-f", "null", "-"}
}

// ParseSubtitleStreams reads the subtitle streams of input #0 from
// ffmpeg's stderr, in file order, e.g.
//
//	Stream #0:2(vie): Subtitle: subrip
//	Stream #0:1[0x2](eng): Subtitle: eia_608 (c608 / 0x38303663), 0 kb/s (default)
//
// with the title from the metadata lines that follow each. A stream that
// an MPEG-TS listing repeats under several programs is returned once.
func ParseSubtitleStreams(stderr string) []SubtitleStream {
	var out []SubtitleStream
	seen := map[int]bool{}
	in, cur := false, -1 // cur: the stream in out whose metadata lines follow
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Input #"):
			in, cur = strings.HasPrefix(line, "Input #0,"), -1
		case strings.HasPrefix(line, "Output #") || strings.HasPrefix(line, "Stream mapping:"):
			in, cur = false, -1
		case !in:
		case strings.HasPrefix(line, "Stream #") || strings.HasPrefix(line, "Chapter #") || strings.HasPrefix(line, "Program "):
			cur = -1
			if s, ok := parseSubtitleLine(line); ok && !seen[s.Index] {
				seen[s.Index] = true
				out = append(out, s)
				cur = len(out) - 1
			}
		case cur >= 0:
			setTitle(&out[cur], line)
		}
	}
	return out
}

// parseSubtitleLine reads "Stream #0:1[0x2](eng): Subtitle: eia_608 (c608 / …), …".
func parseSubtitleLine(line string) (SubtitleStream, bool) {
	head, desc, ok := strings.Cut(line, ": Subtitle: ")
	if !ok || !strings.HasPrefix(head, "Stream #0:") {
		return SubtitleStream{}, false
	}
	head = strings.TrimPrefix(head, "Stream #0:")
	n := 0
	for n < len(head) && head[n] >= '0' && head[n] <= '9' {
		n++
	}
	idx, err := strconv.Atoi(head[:n])
	if err != nil {
		return SubtitleStream{}, false
	}
	s := SubtitleStream{Index: idx, Codec: strings.TrimRight(strings.Fields(desc + " ")[0], ",")}
	if i, j := strings.IndexByte(head, '('), strings.LastIndexByte(head, ')'); i >= 0 && j > i {
		if lang := head[i+1 : j]; lang != "und" {
			s.Lang = lang
		}
	}
	return s, true
}

// genericHandlers are MP4 handler names that say nothing about the track.
var genericHandlers = map[string]bool{
	"SubtitleHandler": true, "Core Media Closed Caption": true, "Core Media Text": true,
	"ClosedCaptionHandler": true, "TextHandler": true, "": true,
}

// setTitle takes a stream's title from one of its metadata lines,
// "title           : English"; an MP4 stores it as the handler name.
func setTitle(s *SubtitleStream, line string) {
	k, v, ok := strings.Cut(line, ":")
	if !ok {
		return
	}
	v = strings.TrimSpace(v)
	switch strings.TrimSpace(k) {
	case "title":
		s.Title = v
	case "handler_name":
		if s.Title == "" && !genericHandlers[v] {
			s.Title = v
		}
	}
}

// SubtitleOut is one embedded subtitle stream to write as an SRT file.
type SubtitleOut struct {
	Stream int // index of the stream in the file
	Path   string
}

// ExtractSubtitleArgs writes the text subtitle stream number stream of src
// (mov_text, subrip, webvtt, ass) to dst as SRT. Cue times count from the
// start of the file as ffmpeg plays it, as in every output made from src.
func ExtractSubtitleArgs(src string, stream int, dst string) []string {
	return ExtractSubtitlesArgs(src, []SubtitleOut{{Stream: stream, Path: dst}})
}

// ExtractSubtitlesArgs is ExtractSubtitleArgs for several streams, read
// in one pass over src.
func ExtractSubtitlesArgs(src string, outs []SubtitleOut) []string {
	args := []string{"-i", SafePath(src)}
	for _, o := range outs {
		args = append(args, "-map", "0:"+strconv.Itoa(o.Stream), "-c:s", "srt", "-f", "srt", SafePath(o.Path))
	}
	return args
}

// SubTrack is one SRT file to add to a video as a subtitle track.
type SubTrack struct {
	Path  string // an SRT file, UTF-8
	Lang  string // ISO 639-1 ("vi", "en") or ISO 639-2 ("vie", "eng"); written as ISO 639-2
	Title string // name in players' subtitle menus, e.g. "Tiếng Việt"; "" for none
}

// SoftSubPlan adds Tracks to a copy of Video, an MP4, written to Out.
type SoftSubPlan struct {
	Video  string
	Tracks []SubTrack
	Out    string
}

// SoftSubArgs builds the ffmpeg arguments for p: the video stream and
// every audio stream are copied, each SRT becomes a mov_text track (the
// subtitle format MP4 players read) tagged with its language and title,
// in the order of p.Tracks. Subtitle streams already in Video are left
// out. SRT inputs are read as SRT whatever their content, so a file that
// is really a playlist cannot make ffmpeg open other files.
func SoftSubArgs(p SoftSubPlan) []string {
	args := []string{"-i", SafePath(p.Video)}
	for _, t := range p.Tracks {
		args = append(args, "-f", "srt", "-i", SafePath(t.Path))
	}
	args = append(args, "-map", "0:v:0", "-map", "0:a?")
	for i := range p.Tracks {
		args = append(args, "-map", strconv.Itoa(i+1)+":s:0")
	}
	args = append(args, "-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text")
	for i, t := range p.Tracks {
		s := "-metadata:s:s:" + strconv.Itoa(i)
		args = append(args, s, "language="+ISO6392(t.Lang))
		if t.Title != "" {
			// MP4 players show the handler name; other readers the title.
			args = append(args, s, "title="+t.Title, s, "handler_name="+t.Title)
		}
	}
	return append(args, "-movflags", "+faststart", "-f", "mp4", SafePath(p.Out))
}

// iso6392 maps the ISO 639-1 codes the department uses to the ISO 639-2
// codes that MP4 stores.
var iso6392 = map[string]string{
	"vi": "vie", "en": "eng", "fr": "fra", "de": "deu", "es": "spa", "ru": "rus",
	"zh": "zho", "ja": "jpn", "ko": "kor", "km": "khm", "lo": "lao", "th": "tha",
}

// ISO6392 returns the ISO 639-2 code of lang, an ISO 639-1 or 639-2 code
// in any case; "und" (undetermined) when it is empty or unknown.
func ISO6392(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if c, ok := iso6392[lang]; ok {
		return c
	}
	if len(lang) == 3 && strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz") == "" {
		return lang
	}
	return "und"
}

// SRTCopyArgs rewrites the SRT file src as dst, read strictly as SRT
// (whatever its content claims to be) and written by ffmpeg's own SRT
// muxer: what the subtitles filter then reads is plain SRT under a name
// the caller chose.
func SRTCopyArgs(src, dst string) []string {
	return []string{"-f", "srt", "-i", SafePath(src), "-map", "0:s:0", "-c:s", "srt", "-f", "srt", SafePath(dst)}
}

// BurnPlan renders the SRT file Subs into the picture of Video and
// writes an H.264/AAC MP4 to Out.
type BurnPlan struct {
	Video, Subs, Out string
	FontsDir         string // libass loads every font file in it; "" for none
	FontName         string // family name, e.g. "Noto Sans"
	// Sizes in ASS script units: ffmpeg converts SRT to an ASS script 288
	// units high (PlayResY), which libass scales to the picture height.
	FontSize, Outline, MarginV int
	MaxHeight                  int    // the output's shorter side is at most this, in square pixels
	Preset                     string // x264 preset (default veryfast)
	CRF                        int    // x264 CRF (default 23)
}

// BurnInArgs builds the ffmpeg arguments for p. The picture is
// deinterlaced when flagged interlaced, made of square pixels and fitted
// to MaxHeight before the text is drawn, so the text is rendered at the
// output's resolution. Audio, when there is some, becomes AAC stereo;
// the source's metadata (GPS positions) is dropped.
func BurnInArgs(p BurnPlan) []string {
	chain := "[0:v:0]yadif=deint=interlaced," + fitSquare(p.MaxHeight) + ",format=yuv420p," + SubtitlesFilter(p) + "[burned]"
	args := append(inputArgs(Input{Path: p.Video}), "-filter_complex", chain)
	out := MP4{
		Path:          p.Out,
		Video:         Video{Preset: p.Preset, CRF: p.CRF},
		Audio:         &Audio{Bitrate: defaultBitrate, Channels: 2},
		StripMetadata: true,
	}
	// "?": a clip without audio gives an output without audio.
	return append(args, mp4Args(out, &[]string{"[burned]"}, &[]string{"0:a:0?"})...)
}

// fitSquare scales to square pixels (anamorphic sources are stretched to
// their display width) with the shorter side at most maxShort, both sides
// even; it never enlarges.
func fitSquare(maxShort int) string {
	k := fmt.Sprintf("min(1,%d/min(iw*sar,ih))", maxShort)
	return fmt.Sprintf("scale=w='trunc(iw*sar*%s/2)*2':h='trunc(ih*%s/2)*2':flags=bicubic,setsar=1", k, k)
}

// SubtitlesFilter is the libass subtitles filter of p, escaped for a
// filter graph. Its options are file names and a style, which ffmpeg
// reads through two levels of escaping (see "Notes on filtergraph
// escaping" in the ffmpeg manual): each value is quoted for the filter's
// option list, then the whole list is escaped for the graph. The file
// name goes through SafePath: the filter opens it with libavformat, which
// would otherwise read "http:…" or "pipe:…" as a protocol.
func SubtitlesFilter(p BurnPlan) string {
	opts := "filename=" + quoteOption(SafePath(p.Subs))
	if p.FontsDir != "" {
		opts += ":fontsdir=" + quoteOption(p.FontsDir)
	}
	style := fmt.Sprintf("FontName=%s,FontSize=%d,Outline=%d,MarginV=%d", p.FontName, p.FontSize, p.Outline, p.MarginV)
	opts += ":force_style=" + quoteOption(style)
	return "subtitles=" + escapeGraph(opts)
}

// quoteOption quotes v as one value of a filter's option list (first
// level): inside single quotes every character is literal, and a quote
// in v closes the quoted text, is written escaped (\'), and reopens it.
func quoteOption(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// escapeGraph escapes a filter's option list for the filter graph (second
// level), where \ and ' are special and [ ] , ; end a filter's arguments.
func escapeGraph(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\'[],;`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
