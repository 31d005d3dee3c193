// Package video makes the web renditions of a video clip with ffmpeg: a
// poster frame, a 720p proxy, a delivery MP4 when the original is not
// already one, loudness figures, frame-accurate cuts, and the subtitled
// variants (embedded tracks extracted, soft subtitles, burn-in).
package video

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

// Failure kinds, for errors.Is.
var (
	// ErrCorrupt: the source cannot be decoded (damaged or incomplete);
	// retrying will not help.
	ErrCorrupt = errors.New("video: the file cannot be decoded (damaged or incomplete); upload the original file again")
	// ErrBadRange: a cut range lies outside the clip, ends before it
	// starts, or is shorter than MinCut.
	ErrBadRange = errors.New("video: invalid cut range")
	// ErrToolMissing: ffmpeg is not installed; the same value as
	// ffmpeg.ErrToolMissing.
	ErrToolMissing = ffmpeg.ErrToolMissing
)

// MinCut is the shortest cut accepted.
const MinCut = 500 * time.Millisecond

// Options configure Process and Cut. Zero values select the defaults.
type Options struct {
	FFmpeg, FFprobe string        // binaries (default "ffmpeg", "ffprobe" on PATH); ffprobe is not used yet
	Timeout         time.Duration // per ffmpeg run; an 8 GiB 4K original can take an hour on two cores (default 3h)
	MaxConcurrent   int           // ffmpeg runs at once, shared by all calls with the same binary and timeout (default 2)

	ProxyMaxHeight    int // the proxy's shorter side is at most this (default 720)
	DeliveryMaxHeight int // the delivery file's shorter side is at most this (default 1080)

	Preset      string // x264 preset (default veryfast)
	ProxyCRF    int    // x264 CRF of the proxy (default 23)
	DeliveryCRF int    // x264 CRF of the delivery file and cuts (default 20)

	PosterCandidates int // frames compared to choose the poster (default 5)
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if o.FFmpeg == "" {
		o.FFmpeg = "ffmpeg"
	}
	if o.FFprobe == "" {
		o.FFprobe = "ffprobe"
	}
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Hour
	}
	if o.Preset == "" {
		o.Preset = "veryfast"
	}
	def(&o.MaxConcurrent, 2)
	def(&o.ProxyMaxHeight, 720)
	def(&o.DeliveryMaxHeight, 1080)
	def(&o.ProxyCRF, 23)
	def(&o.DeliveryCRF, 20)
	def(&o.PosterCandidates, 5)
	return o
}

// Validate reports options that cannot work, after defaults are applied.
func (o Options) Validate() error {
	o = o.withDefaults()
	switch {
	case o.Timeout < 0 || o.MaxConcurrent < 0:
		return errors.New("video: Timeout and MaxConcurrent must not be negative")
	case o.ProxyMaxHeight < 16 || o.DeliveryMaxHeight < 16:
		return errors.New("video: ProxyMaxHeight and DeliveryMaxHeight must be at least 16")
	case o.ProxyCRF < 0 || o.ProxyCRF > 51 || o.DeliveryCRF < 0 || o.DeliveryCRF > 51:
		return errors.New("video: CRF values must be within 0..51")
	case o.PosterCandidates < 1 || o.PosterCandidates > 20:
		return errors.New("video: PosterCandidates must be within 1..20")
	}
	return nil
}

// File is one output file.
type File struct {
	Path          string
	Width, Height int // pixels as stored (upright)
	Bytes         int64
}

// Result lists the outputs of Process.
type Result struct {
	Poster File // full-resolution JPEG of the sharpest candidate frame, upright
	Proxy  File // MP4, H.264 High, shorter side ≤ ProxyMaxHeight, AAC stereo, faststart

	// Delivery is nil when the original already is a delivery file (MP4,
	// H.264 4:2:0 8-bit, AAC or no audio, shorter side ≤ DeliveryMaxHeight,
	// progressive, upright, faststart): use the original as it is.
	Delivery *File

	HasAudio bool
	// EBU R128 integrated loudness (LUFS) and true peak (dBTP). Both nil
	// without audio; TruePeakDBTP is also nil for digital silence (−∞).
	LoudnessLUFS, TruePeakDBTP *float64
	Duration                   time.Duration // of the proxy as written
}

// runners share one concurrency bound among all calls that use the same
// ffmpeg binary and limits.
var runners struct {
	sync.Mutex
	m map[Options]*ffmpeg.Runner
}

func runnerFor(o Options) *ffmpeg.Runner {
	key := Options{FFmpeg: o.FFmpeg, Timeout: o.Timeout, MaxConcurrent: o.MaxConcurrent}
	runners.Lock()
	defer runners.Unlock()
	if runners.m == nil {
		runners.m = map[Options]*ffmpeg.Runner{}
	}
	r := runners.m[key]
	if r == nil {
		r = ffmpeg.NewRunner(o.FFmpeg, o.Timeout, o.MaxConcurrent)
		runners.m[key] = r
	}
	return r
}

// corruptf builds an ErrCorrupt error with a detail.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
