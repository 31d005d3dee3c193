package video

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProcessVFR makes a variable frame rate clip from a real one by
// dropping frames irregularly, and checks that the proxy keeps audio and
// video in sync: both streams last as long as each other and the source,
// within 0.1 s, and no frame is duplicated to fill the gaps.
func TestProcessVFR(t *testing.T) {
	src := filepath.Join(t.TempDir(), "vfr.mp4")
	ffmpegCmd(t, "-i", filepath.Join(media, "mp4ff_bbb_prog_10s.mp4"),
		"-vf", "select=not(eq(mod(n\\,7)\\,2)+eq(mod(n\\,7)\\,3)+eq(mod(n\\,11)\\,5))", "-fps_mode", "vfr",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", src)
	srcFrames := countFrames(t, src)
	if srcFrames >= 238 || srcFrames < 150 {
		t.Fatalf("the variable frame rate source has %d frames", srcFrames)
	}
	info := probeFile(t, src)
	res, err := Process(context.Background(), src, t.TempDir(), info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := ffprobeJSON(t, res.Proxy.Path)
	var v, a float64
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			v = secs(s.Duration)
		case "audio":
			a = secs(s.Duration)
		}
	}
	want := info.Duration.Seconds()
	t.Logf("source %.3f s (%d frames); proxy video %.3f s, audio %.3f s", want, srcFrames, v, a)
	if math.Abs(v-a) > 0.1 || math.Abs(v-want) > 0.1 || math.Abs(a-want) > 0.1 {
		t.Errorf("out of sync: video %.3f s, audio %.3f s, source %.3f s", v, a, want)
	}
	if n := countFrames(t, res.Proxy.Path); n != srcFrames {
		t.Errorf("proxy has %d frames, source %d", n, srcFrames)
	}
}

// countFrames counts the video frames of path with ffprobe.
func countFrames(t *testing.T, path string) int {
	t.Helper()
	out := ffprobeOut(t, "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path)
	var n int
	for _, c := range strings.TrimSpace(out) {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// TestCut cuts 2 s starting between two frames of a real 24 fps clip and
// checks that the cut lasts end−start within one frame, that its audio
// lasts as long, and that its first frame is the source's first frame at
// or after start: closer to it than to its neighbours, found by counting
// frames from the start of the source, without seeking.
func TestCut(t *testing.T) {
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	info := probeFile(t, src)
	start, end := 2300*time.Millisecond, 4300*time.Millisecond
	dst := filepath.Join(t.TempDir(), "-trailer.mp4") // a name that looks like an option
	if err := Cut(context.Background(), src, dst, start, end, info, Options{}); err != nil {
		t.Fatal(err)
	}
	checkMP4(t, dst, 320, 240, true, true)
	p := ffprobeJSON(t, dst)
	frame := 1 / info.FrameRate
	for _, s := range p.Streams {
		if d := secs(s.Duration); math.Abs(d-(end-start).Seconds()) > frame {
			t.Errorf("%s lasts %.3f s, want %.3f ± %.3f", s.CodecType, d, (end - start).Seconds(), frame)
		}
	}

	const w, h = 80, 60
	first := grayFrame(t, dst, -1, 0, w, h)
	k := int(math.Ceil(start.Seconds() * info.FrameRate)) // 2.3 s × 24 = 55.2 → frame 56
	diffs := map[int]float64{}
	for _, n := range []int{k - 2, k - 1, k, k + 1, k + 2} {
		diffs[n] = meanAbsDiff(first, grayFrame(t, src, -1, n, w, h))
	}
	t.Logf("first frame vs source frames around %d: %v", k, diffs)
	for n, d := range diffs {
		if n != k && d <= diffs[k] || diffs[k] > 4 {
			t.Errorf("first frame of the cut is not source frame %d: %v", k, diffs)
			break
		}
	}
}

func TestCutErrors(t *testing.T) {
	src := filepath.Join(media, "mp4ff_bbb_prog_10s.mp4")
	info := probeFile(t, src)
	dir := t.TempDir()
	dst := filepath.Join(dir, "cut.mp4")
	for _, r := range [][2]time.Duration{{-time.Second, time.Second}, {3 * time.Second, 2 * time.Second}, {time.Second, 1200 * time.Millisecond}, {9 * time.Second, 11 * time.Second}, {10 * time.Second, 12 * time.Second}} {
		if err := Cut(context.Background(), src, dst, r[0], r[1], info, Options{}); !errors.Is(err, ErrBadRange) {
			t.Errorf("cut %v: got %v, want ErrBadRange", r, err)
		}
	}
	truncated := truncate(t, src, filepath.Join(dir, "truncated.mp4"))
	if err := Cut(context.Background(), truncated, dst, time.Second, 3*time.Second, info, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("cut of a truncated file: got %v, want ErrCorrupt", err)
	}
	if err := Cut(context.Background(), src, src, time.Second, 3*time.Second, info, Options{}); err == nil {
		t.Error("a cut over its own source was accepted")
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("a failed cut left %s: %v", dst, err)
	}
}
