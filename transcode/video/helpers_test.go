package video

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/quangba/quangba/ingest/probe"
)

const media = "../../testdata/media/video"

// mustTool fails the test when a program it needs is not installed.
func mustTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is required for this test and is not on PATH: %v", name, err)
	}
}

func probeFile(t *testing.T, path string) probe.Info {
	t.Helper()
	mustTool(t, "ffprobe")
	info, err := probe.File(context.Background(), path, probe.Limits{}, probe.NewFFprobe("", 0, 0))
	if err != nil {
		t.Fatalf("probe %s: %v", path, err)
	}
	return info
}

// ffprobed is what the tests check in an output, read by ffprobe.
type ffprobed struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Profile   string `json:"profile"`
		PixFmt    string `json:"pix_fmt"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Duration  string `json:"duration"`
		SideData  []struct {
			Type string `json:"side_data_type"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
}

func ffprobeJSON(t *testing.T, path string) ffprobed {
	t.Helper()
	mustTool(t, "ffprobe")
	out, err := exec.Command("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p ffprobed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func ffprobeOut(t *testing.T, args ...string) string {
	t.Helper()
	mustTool(t, "ffprobe")
	out, err := exec.Command("ffprobe", args...).Output()
	if err != nil {
		t.Fatalf("ffprobe %v: %v", args, err)
	}
	return string(out)
}

func secs(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// ffmpegCmd runs ffmpeg for test set-up and fails the test on error.
func ffmpegCmd(t *testing.T, args ...string) {
	t.Helper()
	mustTool(t, "ffmpeg")
	cmd := exec.Command("ffmpeg", append([]string{"-hide_banner", "-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

// grayFrame decodes one frame of path as w×h grey pixels: the first frame
// at or after seek when seek ≥ 0, or frame number n (counted from the
// start, without seeking) when seek < 0.
func grayFrame(t *testing.T, path string, seek time.Duration, n, w, h int) []byte {
	t.Helper()
	return grayFrameArgs(t, path, nil, "null", seek, n, w, h)
}

// grayFrameArgs is grayFrame with extra input options and a filter applied
// before scaling.
func grayFrameArgs(t *testing.T, path string, inOpts []string, filter string, seek time.Duration, n, w, h int) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "frame.gray")
	vf := filter + ",scale=" + strconv.Itoa(w) + ":" + strconv.Itoa(h) + ":flags=area,format=gray"
	args := inOpts
	if seek >= 0 {
		args = append(args, "-ss", strconv.FormatFloat(seek.Seconds(), 'f', 6, 64), "-i", path)
	} else {
		args = append(args, "-i", path)
		vf = "select=eq(n\\," + strconv.Itoa(n) + ")," + vf
	}
	ffmpegCmd(t, append(args, "-vf", vf, "-frames:v", "1", "-f", "rawvideo", out)...)
	b, err := os.ReadFile(out)
	if err != nil || len(b) != w*h {
		t.Fatalf("frame of %s: %d bytes, %v", path, len(b), err)
	}
	return b
}

func meanAbsDiff(a, b []byte) float64 {
	var s float64
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		s += float64(d)
	}
	return s / float64(len(a))
}

// emptyDir fails the test when dir holds any file.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		t.Errorf("left behind in the output folder: %s", e.Name())
	}
}
