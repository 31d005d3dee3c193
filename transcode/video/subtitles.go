package video

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

// ExtractedSubtitle is one embedded subtitle stream and what became of it.
type ExtractedSubtitle struct {
	Path   string // the SRT file written; "" when the stream was skipped
	Stream ffmpeg.SubtitleStream
	// Skipped says why the stream was not extracted (image-based
	// subtitles, closed captions, an unknown format); "" when Path is set.
	Skipped string
}

// textSubtitles are the embedded formats that hold text ffmpeg converts to SRT.
var textSubtitles = map[string]bool{
	"mov_text": true, "subrip": true, "srt": true, "webvtt": true, "ass": true, "ssa": true, "text": true,
}

// skipReason says why a stream whose codec is not text is not extracted.
func skipReason(codec string) string {
	switch codec {
	case "dvd_subtitle", "hdmv_pgs_subtitle", "dvb_subtitle", "xsub":
		return fmt.Sprintf("image-based subtitles (%s): they are pictures, not text, and would need OCR", codec)
	case "eia_608", "cea_608", "cea_708", "dvb_teletext":
		return fmt.Sprintf("closed captions (%s): not a subtitle track; provide the subtitles as an SRT file", codec)
	}
	return fmt.Sprintf("subtitle format %s cannot be converted to SRT", codec)
}

// SubtitleStreams lists the text subtitle streams embedded in src.
func SubtitleStreams(ctx context.Context, src string, opts Options) ([]ffmpeg.SubtitleStream, error) {
	all, err := subtitleStreams(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	var text []ffmpeg.SubtitleStream
	for _, s := range all {
		if textSubtitles[s.Codec] {
			text = append(text, s)
		}
	}
	return text, nil
}

// subtitleStreams lists every subtitle stream of src, text or not.
func subtitleStreams(ctx context.Context, src string, opts Options) ([]ffmpeg.SubtitleStream, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	stderr, err := runnerFor(opts.withDefaults()).Run(ctx, ffmpeg.ListStreamsArgs(src))
	if err != nil {
		return nil, runErr(ctx, "subtitle streams", src, stderr, err)
	}
	return ffmpeg.ParseSubtitleStreams(stderr), nil
}

// ExtractSubtitles writes each embedded text subtitle stream of src to
// dir, which exists, as SRT (subtitle_<stream>_<lang>.srt, UTF-8), in
// one pass over src; it returns every subtitle stream with the file made
// from it. Image-based subtitles (dvd_subtitle, hdmv_pgs_subtitle,
// dvb_subtitle) and closed captions (eia_608) are skipped: their entry
// has no Path and says why in Skipped. Cue times count from the start of
// the clip as its proxy and delivery file play it. On failure no file is
// left in dir.
func ExtractSubtitles(ctx context.Context, src, dir string, opts Options) ([]ExtractedSubtitle, error) {
	streams, err := subtitleStreams(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	res := make([]ExtractedSubtitle, len(streams))
	var outs []ffmpeg.SubtitleOut
	for i, s := range streams {
		res[i].Stream = s
		if !textSubtitles[s.Codec] {
			res[i].Skipped = skipReason(s.Codec)
			continue
		}
		res[i].Path = filepath.Join(dir, fmt.Sprintf("subtitle_%d_%s.srt", s.Index, fileLang(s.Lang)))
		outs = append(outs, ffmpeg.SubtitleOut{Stream: s.Index, Path: res[i].Path})
	}
	if len(outs) == 0 {
		return res, nil
	}
	paths := make([]string, len(outs))
	for i, o := range outs {
		paths[i] = o.Path
	}
	stderr, err := runnerFor(opts.withDefaults()).Run(ctx, ffmpeg.ExtractSubtitlesArgs(src, outs), paths...)
	if err != nil {
		return nil, runErr(ctx, "extract subtitles", src, stderr, err)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			removeFiles(paths)
			return nil, fmt.Errorf("video: extract subtitles: ffmpeg wrote no %s: %w", filepath.Base(p), err)
		}
	}
	return res, nil
}

// fileLang is lang when it is a plain 2- or 3-letter code, fit for a file
// name; "und" otherwise (the tag comes from the file).
func fileLang(lang string) string {
	lang = strings.ToLower(lang)
	if n := len(lang); n < 2 || n > 3 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "und"
	}
	return lang
}
