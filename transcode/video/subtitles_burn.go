package video

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

// BurnStyle is how burned-in subtitles look. Zero values select the
// defaults.
//
// Sizes are in ASS script units: ffmpeg turns SRT into an ASS script 288
// units high (PlayResY 288) and libass scales that to the picture's
// height, so the text keeps its proportion at any resolution. The
// default font size of 22 is 7.6% of the height: 55 px on 720p, 82 px on
// 1080p, two lines of about 40 characters across a 16:9 picture.
type BurnStyle struct {
	FontName string // font family (default "Noto Sans", which has every Vietnamese glyph); letters, digits and spaces
	FontSize int    // text height (default 22, at most 100)
	Outline  int    // outline width, for legibility on any background (default 2, at most 20)
	MarginV  int    // distance of the bottom line from the bottom edge (default 24, at most 144)
}

func (s BurnStyle) withDefaults() BurnStyle {
	if s.FontName == "" {
		s.FontName = "Noto Sans"
	}
	if s.FontSize == 0 {
		s.FontSize = 22
	}
	if s.Outline == 0 {
		s.Outline = 2
	}
	if s.MarginV == 0 {
		s.MarginV = 24
	}
	return s
}

// Validate reports a style that cannot work, after defaults are applied.
func (s BurnStyle) Validate() error {
	s = s.withDefaults()
	switch {
	case !fontFamily.MatchString(s.FontName):
		return fmt.Errorf("video: subtitle font name %q: use letters, digits and spaces only", s.FontName)
	case s.FontSize < 1 || s.FontSize > 100:
		return errors.New("video: subtitle FontSize must be within 1..100")
	case s.Outline < 0 || s.Outline > 20:
		return errors.New("video: subtitle Outline must be within 0..20")
	case s.MarginV < 0 || s.MarginV > 144:
		return errors.New("video: subtitle MarginV must be within 0..144")
	}
	return nil
}

// BurnIn renders one SRT into the picture of video (re-encoded, H.264/AAC,
// shorter side ≤ DeliveryMaxHeight) for social media, where players show
// no subtitle track.
//
// The output is an MP4 like a cut (H.264 High, square pixels, AAC
// stereo, faststart, without the source's metadata). The font must be
// installed (ErrFontMissing otherwise) and must have, with its
// fallbacks, a glyph for every character of the text: boxes in place of
// letters are refused with ErrFontMissing too. On failure out does not
// exist.
func BurnIn(ctx context.Context, video, srt, out string, style BurnStyle, opts Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	if err := style.Validate(); err != nil {
		return err
	}
	if err := notSource(video, out); err != nil {
		return fmt.Errorf("video: burn-in: %w", err)
	}
	o, style := opts.withDefaults(), style.withDefaults()
	scratch, err := os.MkdirTemp("", "quangba-burn-")
	if err != nil {
		return fmt.Errorf("video: burn-in: %w", err)
	}
	defer os.RemoveAll(scratch)
	subs, fonts, err := burnInputs(ctx, runnerFor(o), srt, style.FontName, scratch)
	if err != nil {
		return err
	}
	stderr, err := runnerFor(o).Run(ctx, ffmpeg.BurnInArgs(burnPlan(video, subs, out, fonts, style, o)), out)
	if err != nil {
		return runErr(ctx, "burn-in", video, stderr, err)
	}
	if cps := missingGlyphs(stderr); len(cps) > 0 {
		removeFiles([]string{out})
		return fmt.Errorf("%w: no installed font has a glyph for %s; remove these characters from the subtitles or install a font that has them",
			ErrFontMissing, strings.Join(cps, ", "))
	}
	if _, err := os.Stat(out); err != nil {
		return fmt.Errorf("video: burn-in: ffmpeg wrote no output: %w", err)
	}
	return nil
}

// burnInputs puts in scratch the subtitles, under a name of ours, and a
// fonts folder holding the family alone: neither the user's file name
// nor the machine's font folders reach the filter.
func burnInputs(ctx context.Context, r *ffmpeg.Runner, srt, family, scratch string) (subs, fonts string, err error) {
	fonts = filepath.Join(scratch, "fonts")
	if err := fontsDir(ctx, family, fonts); err != nil {
		return "", "", err
	}
	subs = filepath.Join(scratch, "subtitles.srt")
	if err := copySRT(ctx, r, srt, subs); err != nil {
		return "", "", err
	}
	return subs, fonts, nil
}

func burnPlan(video, subs, out, fonts string, s BurnStyle, o Options) ffmpeg.BurnPlan {
	return ffmpeg.BurnPlan{
		Video: video, Subs: subs, Out: out,
		FontsDir: fonts, FontName: s.FontName,
		FontSize: s.FontSize, Outline: s.Outline, MarginV: s.MarginV,
		MaxHeight: o.DeliveryMaxHeight, Preset: o.Preset, CRF: o.DeliveryCRF,
	}
}

// copySRT rewrites the user's SRT file as dst through ffmpeg's SRT reader
// and writer, and refuses one that holds no cue or is not UTF-8.
func copySRT(ctx context.Context, r *ffmpeg.Runner, src, dst string) error {
	name := filepath.Base(src)
	stderr, err := r.Run(ctx, ffmpeg.SRTCopyArgs(src, dst), dst)
	switch {
	case err != nil && strings.Contains(stderr, "Invalid UTF-8"):
		return fmt.Errorf("video: burn-in: subtitles %s are not UTF-8; save them as UTF-8: %w", name, err)
	case err != nil:
		return fmt.Errorf("video: burn-in: reading subtitles %s: %w", name, err)
	}
	if st, err := os.Stat(dst); err != nil || st.Size() == 0 {
		return fmt.Errorf("video: burn-in: subtitles %s hold no cue in SRT form", name)
	}
	return nil
}
