package ingest_test

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quangba/quangba/ingest"
)

// TestGeneratedMedia ingests files that ffmpeg encodes at test time, in the
// containers and codecs contributors send, so the pipeline is tried on
// bytes no sample file fixed in advance.
func TestGeneratedMedia(t *testing.T) {
	src := []string{"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25"}
	tone := []string{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"}
	av := func(extra ...string) []string {
		return append(append(append(append([]string{}, src...), tone...), "-t", "2", "-shortest"), extra...)
	}
	still := func(extra ...string) []string {
		return append(append(append([]string{}, src...), "-frames:v", "1"), extra...)
	}
	cases := []struct {
		name, format, codec string
		args                []string
	}{
		{"still.jpg", "jpeg", "", still()},
		{"still.png", "png", "", still()},
		{"deep.png", "png", "", still("-pix_fmt", "rgb48be")},
		{"still.tiff", "tiff", "", still()},
		{"lossy.webp", "webp", "", still("-c:v", "libwebp")},
		{"lossless.webp", "webp", "", still("-c:v", "libwebp", "-lossless", "1")},
		{"anim.gif", "gif", "", append(append([]string{}, src...), "-frames:v", "5")},
		{"h264.mp4", "mp4", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")},
		{"faststart.mp4", "mp4", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart")},
		{"fragmented.mp4", "mp4", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "frag_keyframe+empty_moov")},
		{"hevc.mp4", "mp4", "hevc", av("-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1", "-c:a", "aac")},
		{"clip.mov", "mov", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")},
		{"vp9.webm", "webm", "vp9", av("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus")},
		{"ffv1.mkv", "mkv", "ffv1", av("-c:v", "ffv1", "-c:a", "flac")},
		{"camera.mts", "mts", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "ac3", "-f", "mpegts", "-mpegts_m2ts_mode", "1")},
		{"broadcast.ts", "mts", "h264", av("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "mp2")},
		{"old.avi", "avi", "mpeg4", av("-c:v", "mpeg4", "-c:a", "libmp3lame")},
	}
	dir := t.TempDir()
	e := newEnv(t, localStore(t), nil)
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		args := append(append([]string{"-v", "error", "-y"}, c.args...), path)
		if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg (installed by make test) for %s: %v\n%s", c.name, err, out)
		}
		res, err := e.svc.IngestFile(context.Background(), ingest.Request{Org: e.org}, path)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		a := res.Asset
		if a.Format != c.format || a.Width != 640 || a.Height != 360 || a.VideoCodec != c.codec {
			t.Errorf("%s: format %s %dx%d codec %q, want %s 640x360 %q", c.name, a.Format, a.Width, a.Height, a.VideoCodec, c.format, c.codec)
		}
		if c.codec != "" && (a.Kind != "clip" || !a.HasAudio || a.Duration.Seconds() < 1.9 || a.Duration.Seconds() > 2.2 || math.Abs(a.FrameRate-25) > 0.5) {
			t.Errorf("%s: kind %s audio %v duration %v fps %v", c.name, a.Kind, a.HasAudio, a.Duration, a.FrameRate)
		}
	}
	// Audio alone and bitmaps are not media this service takes.
	for _, c := range []struct{ name, want string }{{"tone.mp3", "MP3"}, {"tone.m4a", "audio"}, {"still.bmp", "BMP"}} {
		path := filepath.Join(dir, c.name)
		args := append([]string{"-v", "error", "-y"}, tone...)
		if strings.HasSuffix(c.name, ".bmp") {
			args = append([]string{"-v", "error", "-y"}, still()...)
		} else {
			args = append(args, "-t", "1")
		}
		if out, err := exec.Command("ffmpeg", append(args, path)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg for %s: %v\n%s", c.name, err, out)
		}
		_, err := e.svc.IngestFile(context.Background(), ingest.Request{Org: e.org}, path)
		if ie := ingest.AsError(err); err == nil || ie.Code != ingest.CodeUnsupported || !strings.Contains(ie.En, c.want) {
			t.Errorf("%s: %v, want unsupported_type naming %s", c.name, err, c.want)
		}
	}
}
