package video

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/ffmpeg"
)

// Cut re-encodes [start, end) of src into dst, an MP4 (H.264 High, AAC,
// shorter side ≤ DeliveryMaxHeight, faststart, without the source's
// metadata) that starts exactly on the first frame at or after start.
// A range outside the clip, ending before it starts or shorter than
// MinCut is ErrBadRange; a source that cannot be decoded is ErrCorrupt.
// On failure dst does not exist.
func Cut(ctx context.Context, src, dst string, start, end time.Duration, info probe.Info, opts Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	if err := checkRange(start, end, info); err != nil {
		return err
	}
	if a, b := filepath.Clean(src), filepath.Clean(dst); a == b {
		return fmt.Errorf("video: cut: the output would overwrite the source %s", filepath.Base(src))
	}
	o := opts.withDefaults()
	stderr, err := runnerFor(o).Run(ctx, ffmpeg.TranscodeArgs(cutPlan(src, dst, start, end, info, o)), dst)
	if err != nil {
		return runErr(ctx, "cut", src, stderr, err)
	}
	if _, err := os.Stat(dst); err != nil {
		return fmt.Errorf("video: cut: ffmpeg wrote no output: %w", err)
	}
	return nil
}

// cutPlan seeks on the input: ffmpeg then decodes from the keyframe
// before start and drops the frames before it, so the cut is
// frame-accurate, and both streams are encoded from there (copied audio
// could not start on the same instant).
func cutPlan(src, dst string, start, end time.Duration, info probe.Info, o Options) ffmpeg.TranscodePlan {
	w, h := upright(info)
	w, h = fit(w, h, o.DeliveryMaxHeight)
	out := ffmpeg.MP4{
		Path:          dst,
		Video:         ffmpeg.Video{Width: w, Height: h, Preset: o.Preset, CRF: o.DeliveryCRF},
		StripMetadata: true,
	}
	if info.HasAudio {
		out.Audio = &ffmpeg.Audio{Bitrate: 192000}
	}
	return ffmpeg.TranscodePlan{
		Input:       ffmpeg.Input{Path: src, Seek: start, Duration: end - start},
		Deinterlace: true,
		Outputs:     []ffmpeg.MP4{out},
	}
}

// checkRange accepts [start, end) within the clip, allowing end to pass
// the probed duration by one frame (durations are rounded).
func checkRange(start, end time.Duration, info probe.Info) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %.3f–%.3f s %s", ErrBadRange, start.Seconds(), end.Seconds(), why)
	}
	frame := 40 * time.Millisecond
	if info.FrameRate > 0 {
		frame = time.Duration(float64(time.Second) / info.FrameRate)
	}
	switch {
	case start < 0:
		return bad("starts before the clip")
	case end <= start:
		return bad("ends before it starts")
	case end-start < MinCut:
		return bad(fmt.Sprintf("is shorter than %v", MinCut))
	case info.Duration > 0 && start >= info.Duration:
		return bad(fmt.Sprintf("starts after the end of the %.3f s clip", info.Duration.Seconds()))
	case info.Duration > 0 && end > info.Duration+frame:
		return bad(fmt.Sprintf("ends after the end of the %.3f s clip", info.Duration.Seconds()))
	}
	return nil
}
