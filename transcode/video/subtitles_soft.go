package video

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

// SoftSubtitle muxes the SRT tracks into a copy of video (an MP4 such as
// the delivery or proxy file) as mov_text with language tags, in the
// order given; players list them in their subtitle menus and the first
// is marked default. Video and audio are copied, not re-encoded;
// subtitle tracks already in video are replaced. out is a faststart MP4;
// on failure it does not exist.
func SoftSubtitle(ctx context.Context, video string, tracks []ffmpeg.SubTrack, out string, opts Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	if len(tracks) == 0 {
		return errors.New("video: soft subtitles: no subtitle track given")
	}
	for _, t := range tracks {
		if t.Path == "" {
			return errors.New("video: soft subtitles: a track has no file")
		}
	}
	if err := notSource(video, out); err != nil {
		return fmt.Errorf("video: soft subtitles: %w", err)
	}
	plan := ffmpeg.SoftSubPlan{Video: video, Tracks: tracks, Out: out}
	stderr, err := runnerFor(opts.withDefaults()).Run(ctx, ffmpeg.SoftSubArgs(plan), out)
	if err != nil {
		return runErr(ctx, "soft subtitles", video, stderr, err)
	}
	if _, err := os.Stat(out); err != nil {
		return fmt.Errorf("video: soft subtitles: ffmpeg wrote no output: %w", err)
	}
	return nil
}

// notSource refuses an output that would overwrite the source.
func notSource(src, out string) error {
	if filepath.Clean(src) == filepath.Clean(out) {
		return fmt.Errorf("the output would overwrite the source %s", filepath.Base(src))
	}
	return nil
}
