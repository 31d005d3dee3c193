package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of the poster
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/ffmpeg"
)

// grayLong is the longer side of the grey copies that candidates are
// scored on: enough detail to tell sharp from blurred, cheap to scan.
const grayLong = 256

// poster writes outDir/poster.jpg, the sharpest of the candidate frames,
// and returns it with what ffmpeg said about the video stream.
func poster(ctx context.Context, r *ffmpeg.Runner, src, outDir string, info probe.Info, o Options) (File, ffmpeg.InputVideo, error) {
	plan := posterPlan(src, outDir, info, candidateTimes(info.Duration, o.PosterCandidates))
	stderr, err := r.Run(ctx, ffmpeg.PosterArgs(plan), posterOutputs(plan)...)
	if err != nil {
		return File{}, ffmpeg.InputVideo{}, runErr(ctx, "poster", src, stderr, err)
	}
	in, err := ffmpeg.ParseInputVideo(stderr)
	if err != nil {
		removeFiles(posterOutputs(plan))
		return File{}, in, corruptf("ffmpeg found no video stream")
	}
	best := pickSharpest(plan)
	if best < 0 && plan.Times[0] != 0 {
		// Every seek landed past the last frame (a clip of one frame, or
		// a duration longer than the video): take the first frame.
		removeFiles(posterOutputs(plan))
		plan = posterPlan(src, outDir, info, []time.Duration{0})
		if stderr, err = r.Run(ctx, ffmpeg.PosterArgs(plan), posterOutputs(plan)...); err != nil {
			return File{}, in, runErr(ctx, "poster", src, stderr, err)
		}
		best = pickSharpest(plan)
	}
	if best < 0 {
		removeFiles(posterOutputs(plan))
		return File{}, in, corruptf("no video frame decodes")
	}
	f, err := keepPoster(plan, best, filepath.Join(outDir, "poster.jpg"))
	return f, in, err
}

func posterPlan(src, outDir string, info probe.Info, times []time.Duration) ffmpeg.PosterPlan {
	w, h := upright(info)
	gw, gh := w, h
	if long := max(w, h); long > grayLong {
		gw, gh = max(w*grayLong/long, 3), max(h*grayLong/long, 3)
	}
	p := ffmpeg.PosterPlan{Path: src, Times: times, GrayWidth: gw, GrayHeight: gh, Deinterlace: true}
	for i := range times {
		p.JPEGs = append(p.JPEGs, filepath.Join(outDir, fmt.Sprintf(".poster-%d.jpg", i)))
		p.Grays = append(p.Grays, filepath.Join(outDir, fmt.Sprintf(".poster-%d.gray", i)))
	}
	return p
}

func posterOutputs(p ffmpeg.PosterPlan) []string {
	return append(append([]string{}, p.JPEGs...), p.Grays...)
}

// pickSharpest returns the index of the sharpest candidate that was
// written, or -1 when none was.
func pickSharpest(p ffmpeg.PosterPlan) int {
	best, bestScore := -1, -1.0
	for i, g := range p.Grays {
		gray, err := os.ReadFile(g)
		if err != nil || len(gray) != p.GrayWidth*p.GrayHeight {
			continue
		}
		if _, err := os.Stat(p.JPEGs[i]); err != nil {
			continue
		}
		if s := sharpness(gray, p.GrayWidth, p.GrayHeight); s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// keepPoster renames candidate i to path and removes the others.
func keepPoster(p ffmpeg.PosterPlan, i int, path string) (File, error) {
	err := os.Rename(p.JPEGs[i], path)
	removeFiles(posterOutputs(p))
	if err != nil {
		return File{}, fmt.Errorf("video: poster: %w", err)
	}
	return jpegFile(path)
}

func jpegFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("video: poster: %w", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return File{}, fmt.Errorf("video: poster written by ffmpeg is unreadable: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return File{}, fmt.Errorf("video: poster: %w", err)
	}
	return File{Path: path, Width: cfg.Width, Height: cfg.Height, Bytes: st.Size()}, nil
}

func removeFiles(paths []string) {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			_ = os.RemoveAll(p)
		}
	}
}
