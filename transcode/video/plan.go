package video

import (
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/ffmpeg"
)

// upright returns the clip's display size: ffmpeg applies the rotation
// (and any mirroring) of the display matrix when it decodes, so a clip
// stored 568×320 with a 90° rotation decodes as 320×568.
func upright(info probe.Info) (w, h int) {
	if info.Rotation == 90 || info.Rotation == 270 {
		return info.Height, info.Width
	}
	return info.Width, info.Height
}

// fit scales w×h so that its shorter side is at most maxShort, keeping the
// aspect ratio, and rounds both sides down to even numbers (4:2:0 video
// needs them even). It never enlarges.
func fit(w, h, maxShort int) (int, int) {
	short, long := &w, &h
	if h < w {
		short, long = &h, &w
	}
	if *short > maxShort {
		*long = int(float64(*long)*float64(maxShort)/float64(*short) + 0.5)
		*short = maxShort
	}
	return max(w&^1, 2), max(h&^1, 2)
}

// deliveryMode says what the delivery file takes.
type deliveryMode int

const (
	useOriginal deliveryMode = iota // the original plays everywhere as it is
	remux                           // the streams do, but the container or its layout does not
	transcode                       // the streams must be re-encoded
)

func (m deliveryMode) String() string {
	return [...]string{"original", "remux", "transcode"}[m]
}

// webProfiles are the H.264 profiles every browser decodes (all 8-bit 4:2:0).
var webProfiles = map[string]bool{"Baseline": true, "Constrained Baseline": true, "Main": true, "High": true}

// chooseDelivery decides from the probe, what ffmpeg said about the video
// stream, and whether the file's index comes before its data.
func chooseDelivery(info probe.Info, in ffmpeg.InputVideo, faststart bool, maxShort int) deliveryMode {
	w, h := upright(info)
	streamsOK := info.VideoCodec == "h264" && in.Codec == "h264" && webProfiles[in.Profile] &&
		(in.PixFmt == "yuv420p" || in.PixFmt == "yuvj420p") && !in.Interlaced &&
		(!info.HasAudio || info.AudioCodec == "aac") &&
		min(w, h) <= maxShort &&
		// Rotated or mirrored clips are re-encoded upright: not every
		// player honours the display matrix.
		info.Rotation == 0
	switch {
	case !streamsOK || (info.Format.Name != "mp4" && info.Format.Name != "mov"):
		return transcode
	case info.Format.Name == "mp4" && faststart:
		return useOriginal
	}
	return remux
}

// candidateTimes spreads n poster candidates between 10% and 90% of the
// clip, away from the often black first and last frames.
func candidateTimes(d time.Duration, n int) []time.Duration {
	if d <= 0 {
		return []time.Duration{0}
	}
	if n == 1 {
		return []time.Duration{d / 2}
	}
	ts := make([]time.Duration, n)
	for i := range ts {
		ts[i] = d/10 + time.Duration(float64(d)*0.8*float64(i)/float64(n-1))
	}
	return ts
}

// proxyMP4 is the proxy: small, stereo, without the source's metadata
// (it is shown publicly; phones record GPS positions).
func proxyMP4(path string, w, h int, hasAudio bool, o Options) ffmpeg.MP4 {
	pw, ph := fit(w, h, o.ProxyMaxHeight)
	m := ffmpeg.MP4{
		Path:          path,
		Video:         ffmpeg.Video{Width: pw, Height: ph, Preset: o.Preset, CRF: o.ProxyCRF},
		StripMetadata: true,
	}
	if hasAudio {
		m.Audio = &ffmpeg.Audio{Bitrate: 128000, Channels: 2}
	}
	return m
}

// deliveryMP4 is the delivery file made by mode (remux or transcode).
// AAC audio is copied when the video is re-encoded: it is already what
// the file needs, and copying keeps its quality.
func deliveryMP4(path string, mode deliveryMode, info probe.Info, o Options) ffmpeg.MP4 {
	m := ffmpeg.MP4{Path: path}
	if mode == remux {
		m.Video.Copy = true
	} else {
		w, h := upright(info)
		w, h = fit(w, h, o.DeliveryMaxHeight)
		m.Video = ffmpeg.Video{Width: w, Height: h, Preset: o.Preset, CRF: o.DeliveryCRF}
	}
	switch {
	case !info.HasAudio:
	case info.AudioCodec == "aac":
		m.Audio = &ffmpeg.Audio{Copy: true}
	default:
		m.Audio = &ffmpeg.Audio{Bitrate: 192000}
	}
	return m
}
