package video

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/ffmpeg"
)

// Process makes every video output of src in outDir, which exists and is
// empty: poster.jpg, proxy.mp4 and, unless the original already serves,
// delivery.mp4. info is the probe of src.
//
// It runs ffmpeg twice: a cheap run that seeks to the poster candidates,
// then one decode of the whole clip that feeds the proxy, the delivery
// file and the loudness measurement together. On failure it leaves no
// file in outDir; a source that cannot be decoded gives ErrCorrupt.
func Process(ctx context.Context, src, outDir string, info probe.Info, opts Options) (res Result, err error) {
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	o := opts.withDefaults()
	r := runnerFor(o)
	var made []string
	defer func() {
		if err != nil {
			removeFiles(made)
		}
	}()

	var in ffmpeg.InputVideo
	if res.Poster, in, err = poster(ctx, r, src, outDir, info, o); err != nil {
		return Result{}, err
	}
	made = append(made, res.Poster.Path)

	plan, mode := processPlan(src, outDir, info, in, o)
	outputs := []string{}
	for _, m := range plan.Outputs {
		outputs = append(outputs, m.Path)
	}
	made = append(made, outputs...)
	stderr, err := r.Run(ctx, ffmpeg.TranscodeArgs(plan), outputs...)
	if err != nil {
		return Result{}, runErr(ctx, "transcode", src, stderr, err)
	}
	w, h := upright(info)
	if res.Proxy, res.Duration, err = mp4File(plan.Outputs[0], w, h); err != nil {
		return Result{}, err
	}
	if err := checkComplete(res.Duration, playable(info, in)); err != nil {
		return Result{}, err
	}
	if mode != useOriginal {
		d, _, err := mp4File(plan.Outputs[1], w, h)
		if err != nil {
			return Result{}, err
		}
		res.Delivery = &d
	}
	res.HasAudio = info.HasAudio
	if plan.Loudness {
		if res.LoudnessLUFS, res.TruePeakDBTP, err = loudness(stderr); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// processPlan is the one decode that makes the proxy (always the first
// output), the delivery file when one is needed, and the loudness figures.
func processPlan(src, outDir string, info probe.Info, in ffmpeg.InputVideo, o Options) (ffmpeg.TranscodePlan, deliveryMode) {
	w, h := upright(info)
	faststart := false
	if info.Format.Name == "mp4" {
		ok, err := moovFirst(src)
		faststart = err == nil && ok
	}
	mode := chooseDelivery(info, in, faststart, o.DeliveryMaxHeight)
	plan := ffmpeg.TranscodePlan{
		Input: ffmpeg.Input{Path: src},
		// AVCHD and broadcast sources are often interlaced; progressive
		// frames pass through the deinterlacer untouched.
		Deinterlace: true,
		Outputs:     []ffmpeg.MP4{proxyMP4(filepath.Join(outDir, "proxy.mp4"), w, h, info.HasAudio, o)},
		Loudness:    info.HasAudio,
	}
	if mode != useOriginal {
		plan.Outputs = append(plan.Outputs, deliveryMP4(filepath.Join(outDir, "delivery.mp4"), mode, info, o))
	}
	return plan, mode
}

// mp4File describes an MP4 that ffmpeg wrote from its plan; a stream
// copy keeps the source's size w×h.
func mp4File(m ffmpeg.MP4, w, h int) (File, time.Duration, error) {
	st, err := os.Stat(m.Path)
	if err != nil {
		return File{}, 0, fmt.Errorf("video: ffmpeg wrote no %s: %w", filepath.Base(m.Path), err)
	}
	d, err := mp4Duration(m.Path)
	if err != nil {
		return File{}, 0, fmt.Errorf("video: ffmpeg wrote an unreadable %s: %w", filepath.Base(m.Path), err)
	}
	if !m.Video.Copy {
		w, h = m.Video.Width, m.Video.Height
	}
	return File{Path: m.Path, Width: w, Height: h, Bytes: st.Size()}, d, nil
}

// playable is how long the outputs should last. MP4 and MOV durations
// count from time zero, so a clip whose first frame is at 10 s (a cut-out
// fragment, an edit list) includes that lead-in, which outputs do not; the
// durations of MPEG-TS and the others already start at the first frame.
func playable(info probe.Info, in ffmpeg.InputVideo) time.Duration {
	if (info.Format.Name == "mp4" || info.Format.Name == "mov") && in.Start < info.Duration {
		return info.Duration - in.Start
	}
	return info.Duration
}

// checkComplete refuses an output much shorter than the probed clip:
// ffmpeg stops without an error at the end of a truncated file.
func checkComplete(got, want time.Duration) error {
	if want <= 0 {
		return nil
	}
	if slack := max(time.Second, want/10); got < want-slack {
		return corruptf("only %.1f s of the %.1f s clip could be decoded; the file is incomplete", got.Seconds(), want.Seconds())
	}
	return nil
}

// loudness reads the EBU R128 figures from ffmpeg's stderr.
func loudness(stderr string) (lufs, peak *float64, err error) {
	l, err := ffmpeg.ParseLoudness(stderr)
	if err != nil {
		return nil, nil, fmt.Errorf("video: loudness: %w", err)
	}
	lufs = &l.Integrated
	if !math.IsInf(l.TruePeak, 0) && !math.IsNaN(l.TruePeak) {
		peak = &l.TruePeak
	}
	return lufs, peak, nil
}
