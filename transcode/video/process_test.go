package video

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// checkMP4 checks an output MP4 as a browser would need it, reading it
// with ffprobe and its box layout with moovFirst: H.264 (High when
// encoded), 4:2:0 8-bit, w×h, AAC or no audio as wanted, no rotation left
// in a display matrix, index before data.
func checkMP4(t *testing.T, path string, w, h int, audio, encoded bool) {
	t.Helper()
	p := ffprobeJSON(t, path)
	if p.Format.FormatName != "mov,mp4,m4a,3gp,3g2,mj2" {
		t.Errorf("%s: format %s", path, p.Format.FormatName)
	}
	var nv, na int
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			nv++
			if s.CodecName != "h264" || s.PixFmt != "yuv420p" || s.Width != w || s.Height != h {
				t.Errorf("%s: video %s %s %dx%d, want h264 yuv420p %dx%d", path, s.CodecName, s.PixFmt, s.Width, s.Height, w, h)
			}
			if encoded && s.Profile != "High" || !webProfiles[s.Profile] {
				t.Errorf("%s: H.264 profile %q", path, s.Profile)
			}
			for _, sd := range s.SideData {
				if encoded && sd.Type == "Display Matrix" {
					t.Errorf("%s: display matrix left in the output", path)
				}
			}
		case "audio":
			na++
			if s.CodecName != "aac" {
				t.Errorf("%s: audio %s, want aac", path, s.CodecName)
			}
		default:
			t.Errorf("%s: unexpected %s stream", path, s.CodecType)
		}
	}
	if nv != 1 || (na == 1) != audio || na > 1 {
		t.Errorf("%s: %d video and %d audio streams, want 1 and audio=%v", path, nv, na, audio)
	}
	if ok, err := moovFirst(path); err != nil || !ok {
		t.Errorf("%s: moov is not before mdat (faststart): %v %v", path, ok, err)
	}
}

// TestProcess runs Process over real clips from many producers and checks
// every output: the proxy's size and codecs, whether a delivery file is
// made and how, the poster's size, and loudness present exactly when
// there is audio.
func TestProcess(t *testing.T) {
	faststart := filepath.Join(t.TempDir(), "bbb_faststart.mp4")
	ffmpegCmd(t, "-i", filepath.Join(media, "mp4ff_bbb_prog_10s.mp4"), "-c", "copy", "-movflags", "+faststart", faststart)

	tests := []struct {
		src            string
		proxyW, proxyH int
		delivery       deliveryMode
		delW, delH     int
		posterW        int // poster width (square pixels)
		posterH        int
		audio          bool
	}{
		// Anamorphic (SAR 4:3), H.264/AAC, moov after mdat: remuxed.
		{"mp4ff_bbb_prog_10s.mp4", 320, 240, remux, 320, 240, 426, 240, true},
		// The same already laid out for the web: used as it is.
		{faststart, 320, 240, useOriginal, 0, 0, 426, 240, true},
		// Phone clip stored 568×320 with a 90° display rotation: upright.
		{"mde_iphone_with-gps_rot90.mov", 320, 568, transcode, 320, 568, 320, 568, true},
		// AVCHD 1080i with AC-3 audio and a PGS subtitle stream.
		{"mde_Sony_A7M3_1080p50.mts", 1280, 720, transcode, 1920, 1080, 1920, 1080, true},
		// Motion JPEG with PCM audio in AVI.
		{"mde_kodak_100_0306.AVI", 320, 240, transcode, 320, 240, 320, 240, true},
		// H.264 Main in MOV without audio: remuxed.
		{"mde_xmp480qt_noaudio.mov", 640, 360, remux, 640, 360, 640, 360, false},
		// HEVC 1080p50 without audio.
		{"mp4ff_hevc_1080p50_noaudio.mp4", 1280, 720, transcode, 1920, 1080, 1920, 1080, false},
		{"generated/generated_vp9_opus_160x120.webm", 160, 120, transcode, 160, 120, 160, 120, true},
		{"generated/generated_h264_aac_srt_176x144.mkv", 176, 144, transcode, 176, 144, 176, 144, true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.src), func(t *testing.T) {
			src := tt.src
			if !filepath.IsAbs(src) {
				src = filepath.Join(media, src)
			}
			out := t.TempDir()
			res, err := Process(context.Background(), src, out, probeFile(t, src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Proxy.Width != tt.proxyW || res.Proxy.Height != tt.proxyH {
				t.Errorf("proxy %dx%d, want %dx%d", res.Proxy.Width, res.Proxy.Height, tt.proxyW, tt.proxyH)
			}
			checkMP4(t, res.Proxy.Path, tt.proxyW, tt.proxyH, tt.audio, true)
			switch {
			case tt.delivery == useOriginal && res.Delivery != nil:
				t.Errorf("delivery %+v, want the original", res.Delivery)
			case tt.delivery != useOriginal && res.Delivery == nil:
				t.Errorf("no delivery file, want a %v", tt.delivery)
			case res.Delivery != nil:
				if res.Delivery.Width != tt.delW || res.Delivery.Height != tt.delH {
					t.Errorf("delivery %dx%d, want %dx%d", res.Delivery.Width, res.Delivery.Height, tt.delW, tt.delH)
				}
				checkMP4(t, res.Delivery.Path, tt.delW, tt.delH, tt.audio, tt.delivery == transcode)
			}
			if res.Poster.Width != tt.posterW || res.Poster.Height != tt.posterH || res.Poster.Bytes == 0 {
				t.Errorf("poster %dx%d", res.Poster.Width, res.Poster.Height)
			}
			if res.HasAudio != tt.audio || (res.LoudnessLUFS != nil) != tt.audio || (res.TruePeakDBTP != nil) != tt.audio {
				t.Errorf("audio %v, loudness %v, true peak %v; want audio %v", res.HasAudio, res.LoudnessLUFS, res.TruePeakDBTP, tt.audio)
			}
			if l := res.LoudnessLUFS; l != nil && (*l < -70 || *l > 0) {
				t.Errorf("integrated loudness %.1f LUFS", *l)
			}
			if res.Duration <= 0 {
				t.Errorf("duration %v", res.Duration)
			}
			es, _ := os.ReadDir(out)
			if want := 2 + btoi(res.Delivery != nil); len(es) != want {
				t.Errorf("%d files in the output folder, want %d", len(es), want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestProcessCorrupt feeds damaged files: an MP4 cut inside its index, a
// real clip truncated (index at the end, so it is lost), and the same
// clip laid out index-first and truncated (ffmpeg then decodes half and
// exits without an error). Each must fail with ErrCorrupt and leave
// nothing behind.
func TestProcessCorrupt(t *testing.T) {
	dir := t.TempDir()
	bbb := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	info := probeFile(t, bbb)
	truncated := truncate(t, bbb, filepath.Join(dir, "truncated.mp4"))
	fs := filepath.Join(dir, "faststart.mp4")
	ffmpegCmd(t, "-i", bbb, "-c", "copy", "-movflags", "+faststart", fs)
	fsTruncated := truncate(t, fs, filepath.Join(dir, "faststart_truncated.mp4"))

	for _, src := range []string{filepath.Join(media, "../malformed/video/videometa_truncated_moov_cut.mp4"), truncated, fsTruncated} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			out := t.TempDir()
			_, err := Process(context.Background(), src, out, info, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
			t.Log(err)
			emptyDir(t, out)
		})
	}
}

// truncate writes the first half of src to dst.
func truncate(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestProcessShortClips: a clip of one frame and a clip of 0.3 s still
// get a poster and a proxy.
func TestProcessShortClips(t *testing.T) {
	dir := t.TempDir()
	bbb := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	one := filepath.Join(dir, "one_frame.mp4")
	ffmpegCmd(t, "-ss", "5", "-i", bbb, "-frames:v", "1", "-an", "-c:v", "libx264", one)
	short := filepath.Join(dir, "short.mp4")
	ffmpegCmd(t, "-ss", "5", "-i", bbb, "-t", "0.3", "-c:v", "libx264", "-c:a", "aac", short)
	for _, src := range []string{one, short} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			res, err := Process(context.Background(), src, t.TempDir(), probeFile(t, src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Poster.Width != 426 || res.Poster.Height != 240 || res.Poster.Bytes == 0 {
				t.Errorf("poster %+v", res.Poster)
			}
			checkMP4(t, res.Proxy.Path, 320, 240, res.HasAudio, true)
		})
	}
}

func TestProcessMissingTool(t *testing.T) {
	src := filepath.Join(media, "mde_xmp480qt_noaudio.mov")
	out := t.TempDir()
	_, err := Process(context.Background(), src, out, probeFile(t, src), Options{FFmpeg: filepath.Join(out, "no-such-ffmpeg")})
	if !errors.Is(err, ErrToolMissing) {
		t.Fatalf("got %v, want ErrToolMissing", err)
	}
	emptyDir(t, out)
}

// A fragment whose first frame is at 10 s (its MP4 duration counts from
// zero) is complete, not truncated: 7.1 s of frames from 10.0 to 17.1 s.
func TestProcessLateStart(t *testing.T) {
	src := filepath.Join(media, "with_subtitles/mp4ff_main_1_cea608.mp4")
	info := probeFile(t, src)
	res, err := Process(context.Background(), src, t.TempDir(), info, Options{})
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if d := res.Duration.Seconds(); d < 7.0 || d > 7.3 {
		t.Errorf("proxy lasts %.2f s; want the 7.1 s of frames", d)
	}
	checkMP4(t, res.Proxy.Path, res.Proxy.Width, res.Proxy.Height, false, true)
}
