package probe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProbeArgs(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"/spool/upload-1", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "/spool/upload-1"}},
		{"-i", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "./-i"}},
		{"clip.mov", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "./clip.mov"}},
		{"http://example.com/x", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "./http://example.com/x"}},
		{"./a b.mp4", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "./a b.mp4"}},
		{"../x.mts", []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "../x.mts"}},
	}
	for _, tt := range tests {
		if got := probeArgs(tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("probeArgs(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	want := []string{"-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height",
		"-read_intervals", "%+#30", "-print_format", "json", "./-x"}
	if got := frameArgs("-x"); !slices.Equal(got, want) {
		t.Errorf("frameArgs = %q, want %q", got, want)
	}
}

// TestParseFFprobe reads saved real ffprobe output (testdata/ffprobe, made
// with ffprobe 5.1 from the files in testdata/media). Values were checked
// against the JSON by hand and, for the iPhone clip, against exiftool
// (Rotation 90, GPS +32.0929+034.8620+028.516).
func TestParseFFprobe(t *testing.T) {
	tests := []struct {
		file                   string
		w, h                   int
		vcodec, acodec         string
		fps                    float64
		dur                    time.Duration
		rotation, subs         int
		make, model, time, gps string
	}{
		{file: "mde_iphone_with-gps_rot90", w: 568, h: 320, vcodec: "h264", acodec: "aac", fps: 72000.0 / 2401,
			dur: 4001667 * time.Microsecond, rotation: 90, make: "Apple", model: "iPhone 6",
			time: "2019-07-24T11:25:40+03:00", gps: "32.0929,34.8620 alt 28.516"},
		{file: "mde_Sony_A7M3_1080p50", w: 1920, h: 1080, vcodec: "h264", acodec: "ac3", fps: 25,
			dur: 544 * time.Millisecond, subs: 1},
		{file: "mde_kodak_100_0306", w: 320, h: 240, vcodec: "mjpeg", acodec: "pcm_s16le", fps: 15,
			dur: 2733333 * time.Microsecond},
		{file: "mde_xmp480qt_noaudio", w: 640, h: 360, vcodec: "h264", fps: 30000.0 / 1001,
			dur: 1001 * time.Millisecond, time: "2020-01-05T11:19:45Z"},
		{file: "mp4ff_bbb_prog_10s", w: 320, h: 240, vcodec: "h264", acodec: "aac", fps: 24, dur: 9917 * time.Millisecond},
		{file: "mp4ff_hevc_1080p50_noaudio", w: 1920, h: 1080, vcodec: "hevc", fps: 50, dur: time.Second},
		{file: "mp4ff_vvc_720p_2s", dur: 2 * time.Second, time: "2025-07-11T14:24:03Z"}, // codec unknown to ffmpeg 5.1
		{file: "baremedia_orientation-90-hflip", w: 120, h: 160, vcodec: "h264", fps: 1, dur: 10 * time.Second, rotation: 90},
		{file: "mp4ff_main_1_cea608", w: 416, h: 234, vcodec: "h264", fps: 30, dur: 17607600 * time.Microsecond,
			subs: 1, time: "2017-06-06T02:40:03Z"},
		{file: "generated_vp9_opus_160x120", w: 160, h: 120, vcodec: "vp9", acodec: "opus", fps: 10,
			dur: 2008 * time.Millisecond, time: "2024-03-05T08:09:10Z"},
		{file: "generated_h264_aac_srt_176x144", w: 176, h: 144, vcodec: "h264", acodec: "aac", fps: 25,
			dur: 2023 * time.Millisecond, subs: 1},
		{file: "crash-04522a72d91270572a5178717a88b47a50598738"},
		{file: "crash-dc4ea3b1cfe0fdc29fd6503203f8d90daf925045"},
	}
	for _, tt := range tests {
		out, err := os.ReadFile(filepath.Join("../../testdata/ffprobe", tt.file+".json"))
		if err != nil {
			t.Fatal(err)
		}
		info, err := ParseFFprobe(out)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		got := fmt.Sprintf("%dx%d %s/%s %.4f fps %v rot %d subs %d %q %q %s gps %s",
			info.Width, info.Height, info.VideoCodec, info.AudioCodec, info.FrameRate, info.Duration,
			info.Rotation, info.Subtitles, info.Make, info.Model, timeString(info.CaptureTime), gpsShort(info.GPS))
		want := fmt.Sprintf("%dx%d %s/%s %.4f fps %v rot %d subs %d %q %q %s gps %s",
			tt.w, tt.h, tt.vcodec, tt.acodec, tt.fps, tt.dur, tt.rotation, tt.subs, tt.make, tt.model, tt.time, tt.gps)
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.file, got, want)
		}
		if info.HasAudio != (tt.acodec != "") {
			t.Errorf("%s: HasAudio %v", tt.file, info.HasAudio)
		}
	}
	if _, err := ParseFFprobe([]byte("not json")); kindOf(err) != ErrCorrupt {
		t.Errorf("bad JSON: %v", err)
	}
}

func gpsShort(g *GPS) string {
	if g == nil {
		return ""
	}
	s := fmt.Sprintf("%.4f,%.4f", g.Lat, g.Lon)
	if g.Alt != nil {
		s += fmt.Sprintf(" alt %.3f", *g.Alt)
	}
	return s
}

func TestParseFFprobeFields(t *testing.T) {
	tests := []struct {
		json string
		want string
	}{
		{`{"streams":[{"codec_type":"video","codec_name":"h264","avg_frame_rate":"0/0","r_frame_rate":"30000/1001","tags":{"rotate":"270"}}]}`,
			"29.970 rot 270"},
		{`{"streams":[{"codec_type":"video","codec_name":"h264","side_data_list":[{"side_data_type":"Display Matrix","rotation":180}]}]}`,
			"0.000 rot 180"},
		{`{"streams":[{"codec_type":"video","codec_name":"h264","side_data_list":[{"side_data_type":"Display Matrix","rotation":90}]}]}`,
			"0.000 rot 270"},
		{`{"streams":[{"codec_type":"video","codec_name":"mjpeg","disposition":{"attached_pic":1}},{"codec_type":"audio","codec_name":"mp3"}]}`,
			"0.000 rot 0 video \"\""},
	}
	for _, tt := range tests {
		info, err := ParseFFprobe([]byte(tt.json))
		got := fmt.Sprintf("%.3f rot %d", info.FrameRate, info.Rotation)
		if info.VideoCodec == "" {
			got += ` video ""`
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %s, %v; want %s", tt.json, got, err, tt.want)
		}
	}
}

func TestParseISO6709(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+12.6667+108.0500+450.000/", "12.6667,108.0500 alt 450.000"},
		{"+32.0929+034.8620+028.516/", "32.0929,34.8620 alt 28.516"},
		{"+10.7626+106.6602/", "10.7626,106.6602"},
		{"-33.8688+151.2093/", "-33.8688,151.2093"},
		{"+1045.756+10639.612/", "10.7626,106.6602"},   // DDMM.mmm
		{"+104545.36+1063940.28/", "10.7626,106.6612"}, // DDMMSS.ss
		{"+48.8577+002.2950+100.00CRSWGS_84/", "48.8577,2.2950 alt 100.000"},
		{"+00.0000+000.0000/", ""},
		{"+95.0000+010.0000/", ""},
		{"garbage", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := gpsShort(parseISO6709(tt.in)); got != tt.want {
			t.Errorf("parseISO6709(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// requireFFprobe fails (never skips) when ffprobe is not installed.
func requireFFprobe(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Fatalf("ffprobe is required for this test and is not on PATH (install ffmpeg): %v", err)
	}
}

// TestVideoFiles runs the real ffprobe on the sample videos.
func TestVideoFiles(t *testing.T) {
	requireFFprobe(t)
	ff := NewFFprobe("", 30*time.Second, 2)
	tests := []struct {
		file   string
		format string
		want   string // "WxH codec rot N" or the error kind's detail
		kind   error
	}{
		{"video/mde_iphone_with-gps_rot90.mov", "mov", "568x320 h264 rot 90", nil},
		{"video/mde_Sony_A7M3_1080p50.mts", "mts", "1920x1080 h264 rot 0", nil},
		{"video/mde_kodak_100_0306.AVI", "avi", "320x240 mjpeg rot 0", nil},
		{"video/mde_xmp480qt_noaudio.mov", "mov", "640x360 h264 rot 0", nil},
		{"video/mp4ff_bbb_prog_10s.mp4", "mp4", "320x240 h264 rot 0", nil},
		{"video/mp4ff_hevc_1080p50_noaudio.mp4", "mp4", "1920x1080 hevc rot 0", nil},
		{"video/generated/generated_vp9_opus_160x120.webm", "webm", "160x120 vp9 rot 0", nil},
		{"video/generated/generated_h264_aac_srt_176x144.mkv", "mkv", "176x144 h264 rot 0", nil},
		{"video/rotation/baremedia_orientation-90-hflip.mov", "mov", "120x160 h264 rot 90", nil},
		{"video/with_subtitles/mp4ff_main_1_cea608.mp4", "mp4", "416x234 h264 rot 0", nil},
		{"video/mp4ff_vvc_720p_2s.mp4", "", "video coded with vvc1, which we cannot decode", ErrUnsupported},
	}
	for _, tt := range tests {
		path, _ := filepath.Abs(filepath.Join(media, tt.file))
		info, err := File(context.Background(), path, Limits{}, ff)
		if tt.kind != nil {
			if kindOf(err) != tt.kind || !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("%s: %v; want %v %q", tt.file, err, tt.kind, tt.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		got := fmt.Sprintf("%dx%d %s rot %d", info.Width, info.Height, info.VideoCodec, info.Rotation)
		if got != tt.want || info.Format.Name != tt.format || info.Format.Class != ClassVideo {
			t.Errorf("%s: %s (%s); want %s (%s)", tt.file, got, info.Format.Name, tt.want, tt.format)
		}
	}
}

func TestVideoErrors(t *testing.T) {
	requireFFprobe(t)
	dir := t.TempDir()
	clip, _ := filepath.Abs(filepath.Join(media, "video/mp4ff_bbb_prog_10s.mp4"))

	_, err := NewFFprobe(filepath.Join(dir, "no-such-ffprobe"), 0, 0).Video(context.Background(), clip, FormatMP4)
	if kindOf(err) != ErrToolMissing {
		t.Errorf("missing binary: %v; want tool missing", err)
	}
	_, err = NewFFprobe("ffprobe-does-not-exist", 0, 0).Video(context.Background(), clip, FormatMP4)
	if kindOf(err) != ErrToolMissing {
		t.Errorf("binary not on PATH: %v; want tool missing", err)
	}

	// A file ffprobe rejects: the error keeps stderr (without our path) and
	// the exit status.
	bad := filepath.Join(dir, "cut.mp4")
	data := readMedia(t, "video/mp4ff_bbb_prog_10s.mp4")
	if err := os.WriteFile(bad, data[:600], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = File(context.Background(), bad, Limits{}, nil)
	var exitErr *exec.ExitError
	if kindOf(err) != ErrCorrupt || !errors.As(err, &exitErr) || strings.Contains(err.Error(), dir) {
		t.Errorf("cut MP4: %v; want corrupt wrapping *exec.ExitError, without the path", err)
	}

	// Audio only.
	audio := filepath.Join(dir, "sound.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", audio)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	_, err = File(context.Background(), audio, Limits{}, nil)
	if kindOf(err) != ErrUnsupported || !strings.Contains(err.Error(), "no video stream") {
		t.Errorf("audio-only MP4: %v; want unsupported, no video stream", err)
	}

	// The caller's cancellation is not a verdict on the file.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = NewFFprobe("", 0, 0).Video(ctx, clip, FormatMP4)
	if !errors.Is(err, context.Canceled) || kindOf(err) != errNoKind {
		t.Errorf("cancelled: %v; want context.Canceled and no kind", err)
	}
}

// fakeFFprobe writes a shell script standing in for ffprobe.
func fakeFFprobe(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ffprobe")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFFprobeTimeout(t *testing.T) {
	ff := NewFFprobe(fakeFFprobe(t, "exec sleep 10"), 200*time.Millisecond, 1)
	start := time.Now()
	_, err := ff.Video(context.Background(), "/x.mp4", FormatMP4)
	if kindOf(err) != ErrCorrupt || !strings.Contains(err.Error(), "within 200ms") || time.Since(start) > 5*time.Second {
		t.Errorf("timeout: %v after %v", err, time.Since(start))
	}
}

// TestFFprobeConcurrency: at most maxConcurrent runs at once.
func TestFFprobeConcurrency(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	ff := NewFFprobe(fakeFFprobe(t, fmt.Sprintf("echo s >> %s; sleep 0.2; echo e >> %s; echo '{}'", log, log)), 0, 2)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ff.Video(context.Background(), "/x.mp4", FormatMP4)
		}()
	}
	wg.Wait()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	running, peak := 0, 0
	for _, line := range strings.Fields(string(b)) {
		if line == "s" {
			running++
		} else {
			running--
		}
		peak = max(peak, running)
	}
	if peak != 2 || strings.Count(string(b), "s") != 6 {
		t.Errorf("peak concurrent runs %d (want 2); log %q", peak, b)
	}
}
