package ffmpeg

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestParseLoudness reads real ffmpeg 5.1 stderr, where an empty summary
// (−70 LUFS, −inf) from the graph's trial configuration precedes the real
// one.
func TestParseLoudness(t *testing.T) {
	for name, want := range map[string]Loudness{
		"transcode_iphone_rot90.txt": {Integrated: -54.6, TruePeak: -40.1},
		"loudness_bbb.txt":           {Integrated: -44.9, TruePeak: -20.3},
	} {
		got, err := ParseLoudness(readTestdata(t, name))
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
		}
	}
	silent := "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -70.0 LUFS\n    Threshold:   0.0 LUFS\n\n  True peak:\n    Peak:       -inf dBFS\n"
	if got, err := ParseLoudness(silent); err != nil || got.Integrated != -70 || !math.IsInf(got.TruePeak, -1) {
		t.Errorf("silence: %+v, %v", got, err)
	}
	if _, err := ParseLoudness(readTestdata(t, "poster_mp4ff_hevc_1080p50_noaudio.txt")); err == nil {
		t.Error("no summary: no error")
	}
}

func TestParseInputVideo(t *testing.T) {
	for name, want := range map[string]InputVideo{
		"transcode_iphone_rot90.txt":            {Codec: "h264", Profile: "Baseline", PixFmt: "yuv420p"},
		"loudness_bbb.txt":                      {Codec: "h264", Profile: "High", PixFmt: "yuv420p"},
		"poster_mde_Sony_A7M3_1080p50.txt":      {Codec: "h264", Profile: "High", PixFmt: "yuv420p", Interlaced: true, Start: 1040 * time.Millisecond},
		"input_mp4ff_main_1_cea608.txt":         {Codec: "h264", Profile: "High", PixFmt: "yuv420p", Start: 10 * time.Second},
		"poster_mde_kodak_100_0306.txt":         {Codec: "mjpeg", Profile: "Baseline", PixFmt: "yuvj422p"},
		"poster_mp4ff_hevc_1080p50_noaudio.txt": {Codec: "hevc", Profile: "Main", PixFmt: "yuv420p"},
	} {
		got, err := ParseInputVideo(readTestdata(t, name))
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
		}
	}
	line := "Input #0, mov,mp4, from 'x':\n  Stream #0:0[0x1](und): Video: h264 (High 10) (avc1 / 0x31637661), yuv420p10le(tv, bt2020nc/bt2020/arib-std-b67, progressive), 1920x1080\n"
	if got, _ := ParseInputVideo(line); got != (InputVideo{Codec: "h264", Profile: "High 10", PixFmt: "yuv420p10le"}) {
		t.Errorf("10-bit line: %+v", got)
	}
	if _, err := ParseInputVideo("Input #0, wav, from 'x':\n  Stream #0:0: Audio: pcm_s16le\n"); err == nil {
		t.Error("audio only: no error")
	}
}
