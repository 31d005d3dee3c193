package video

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/ffmpeg"
)

func TestFit(t *testing.T) {
	for _, tt := range []struct{ w, h, max, ww, wh int }{
		{1920, 1080, 720, 1280, 720},
		{1080, 1920, 720, 720, 1280}, // portrait: the shorter side is the width
		{3840, 2160, 1080, 1920, 1080},
		{1440, 1080, 720, 960, 720},
		{320, 240, 720, 320, 240}, // never enlarged
		{321, 241, 720, 320, 240}, // odd sizes rounded down to even
		{2560, 1080, 720, 1706, 720},
		{568, 320, 720, 568, 320},
		{1, 1, 720, 2, 2},
	} {
		if w, h := fit(tt.w, tt.h, tt.max); w != tt.ww || h != tt.wh {
			t.Errorf("fit(%d, %d, %d) = %d×%d, want %d×%d", tt.w, tt.h, tt.max, w, h, tt.ww, tt.wh)
		}
	}
}

func TestChooseDelivery(t *testing.T) {
	mp4 := probe.Info{Format: probe.Format{Name: "mp4"}, Width: 1920, Height: 1080, VideoCodec: "h264", AudioCodec: "aac", HasAudio: true}
	h264 := ffmpeg.InputVideo{Codec: "h264", Profile: "High", PixFmt: "yuv420p"}
	with := func(f func(*probe.Info, *ffmpeg.InputVideo)) (probe.Info, ffmpeg.InputVideo) {
		i, v := mp4, h264
		f(&i, &v)
		return i, v
	}
	for _, tt := range []struct {
		name      string
		f         func(*probe.Info, *ffmpeg.InputVideo)
		faststart bool
		want      deliveryMode
	}{
		{"web-ready MP4", func(*probe.Info, *ffmpeg.InputVideo) {}, true, useOriginal},
		{"moov at the end", func(*probe.Info, *ffmpeg.InputVideo) {}, false, remux},
		{"MOV container", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Format.Name = "mov" }, true, remux},
		{"no audio", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.HasAudio, i.AudioCodec = false, "" }, true, useOriginal},
		{"AC-3 audio", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.AudioCodec = "ac3" }, true, transcode},
		{"HEVC", func(i *probe.Info, v *ffmpeg.InputVideo) { i.VideoCodec, v.Codec = "hevc", "hevc" }, true, transcode},
		{"4K", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Width, i.Height = 3840, 2160 }, true, transcode},
		{"portrait 1080p", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Width, i.Height = 1080, 1920 }, true, useOriginal},
		{"rotated", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Rotation = 90 }, true, transcode},
		{"mirrored (reported as 180)", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Rotation = 180 }, true, transcode},
		{"10-bit", func(_ *probe.Info, v *ffmpeg.InputVideo) { v.Profile, v.PixFmt = "High 10", "yuv420p10le" }, true, transcode},
		{"4:2:2", func(_ *probe.Info, v *ffmpeg.InputVideo) { v.Profile, v.PixFmt = "High 4:2:2", "yuv422p" }, true, transcode},
		{"interlaced", func(_ *probe.Info, v *ffmpeg.InputVideo) { v.Interlaced = true }, true, transcode},
		{"H.264 in Matroska", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Format.Name = "mkv" }, true, transcode},
		{"AVCHD", func(i *probe.Info, _ *ffmpeg.InputVideo) { i.Format.Name = "mts" }, false, transcode},
	} {
		i, v := with(tt.f)
		if got := chooseDelivery(i, v, tt.faststart, 1080); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCandidateTimes(t *testing.T) {
	s := time.Second
	for _, tt := range []struct {
		d    time.Duration
		n    int
		want []time.Duration
	}{
		{10 * s, 5, []time.Duration{1 * s, 3 * s, 5 * s, 7 * s, 9 * s}},
		{10 * s, 1, []time.Duration{5 * s}},
		{0, 5, []time.Duration{0}},
		{400 * time.Millisecond, 2, []time.Duration{40 * time.Millisecond, 360 * time.Millisecond}},
	} {
		got := candidateTimes(tt.d, tt.n)
		if len(got) != len(tt.want) {
			t.Errorf("%v, %d: %v", tt.d, tt.n, got)
			continue
		}
		for i := range got {
			if d := got[i] - tt.want[i]; d > time.Millisecond || d < -time.Millisecond {
				t.Errorf("%v, %d: %v, want %v", tt.d, tt.n, got, tt.want)
			}
		}
	}
}

func TestCheckRange(t *testing.T) {
	info := probe.Info{Duration: 10 * time.Second, FrameRate: 25}
	ms := time.Millisecond
	for _, tt := range []struct {
		start, end time.Duration
		ok         bool
	}{
		{0, 10000 * ms, true},
		{2000 * ms, 2500 * ms, true},
		{9000 * ms, 10040 * ms, true}, // one frame past the rounded duration
		{-1 * ms, 1000 * ms, false},
		{3000 * ms, 3000 * ms, false},
		{3000 * ms, 2000 * ms, false},
		{3000 * ms, 3499 * ms, false},
		{10000 * ms, 11000 * ms, false},
		{9000 * ms, 10100 * ms, false},
	} {
		err := checkRange(tt.start, tt.end, info)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrBadRange)) {
			t.Errorf("%v–%v: %v", tt.start, tt.end, err)
		}
	}
}

func TestCheckComplete(t *testing.T) {
	s := time.Second
	for _, tt := range []struct {
		got, want time.Duration
		ok        bool
	}{
		{10 * s, 10 * s, true},
		{9100 * time.Millisecond, 10 * s, true},
		{8 * s, 10 * s, false},
		{420 * time.Millisecond, 544 * time.Millisecond, true},
		{5 * s, 0, true},
		{54 * s, 60 * s, true},
		{53 * s, 60 * s, false},
		{50 * s, 70 * s, false},
	} {
		if err := checkComplete(tt.got, tt.want); (err == nil) != tt.ok {
			t.Errorf("%v of %v: %v", tt.got, tt.want, err)
		}
	}
}

func TestMP4Boxes(t *testing.T) {
	for _, tt := range []struct {
		name string
		moov bool
		dur  time.Duration
	}{
		{"mp4ff_bbb_prog_10s.mp4", false, 9917 * time.Millisecond},
		{"mde_iphone_with-gps_rot90.mov", false, 4001667 * time.Microsecond},
		{"with_subtitles/mp4ff_main_1_cea608.mp4", true, 0},
	} {
		p := filepath.Join(media, tt.name)
		first, err := moovFirst(p)
		if err != nil || first != tt.moov {
			t.Errorf("%s: moovFirst %v, %v", tt.name, first, err)
		}
		d, err := mp4Duration(p)
		if err != nil || (tt.dur != 0 && (d-tt.dur > time.Millisecond || tt.dur-d > time.Millisecond)) {
			t.Errorf("%s: duration %v, %v; want %v", tt.name, d, err, tt.dur)
		}
	}
	if _, err := moovFirst(filepath.Join(media, "../malformed/video/videometa_truncated_moov_cut.mp4")); err == nil {
		t.Error("an MP4 cut inside its moov box: no error")
	}
}
