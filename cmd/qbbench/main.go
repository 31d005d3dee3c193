// Command qbbench measures ingest, photo rendition and video transcoding
// speed and memory against references measured in the same run on the same
// machine, and prints Markdown tables (see PERFORMANCE.md).
//
// The parent prepares a test video and a MinIO server, then runs each mode
// several times as a child process so that each child's peak RSS is its own.
// The photo section (photo.go; -only photo runs it alone) times the photo
// rendition set against vipsthumbnail and the naive imaging path; the video
// section (video.go) times every output of a 60 s 1080p clip against one
// bare ffmpeg 720p transcode.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/quangba/quangba/internal/miniotest"
)

// modes, in report order. "bare-put" is the reference.
var modes = []struct{ name, what string }{
	{"bare-put", "bare minio-go PutObject (reference)"},
	{"ingest-s3", "ingest file in place → MinIO"},
	{"ingest-s3-stream", "ingest stream (HTTP-style spool) → MinIO"},
	{"ingest-local", "ingest file in place → local store"},
}

func main() {
	child := flag.String("child", "", "internal: run one measurement of this mode")
	file := flag.String("file", "", "internal: input file")
	endpoint := flag.String("endpoint", "", "internal: MinIO endpoint")
	keys := flag.String("keys", "", "internal: access:secret")
	work := flag.String("work", "", "internal: scratch folder")
	sizeMB := flag.Int("size-mb", 1024, "size of the test video in MiB")
	runs := flag.Int("runs", 3, "runs per mode (the median is reported)")
	dir := flag.String("dir", ".bench", "folder for the test video and scratch data")
	only := flag.String("only", "all", "which section to run: all, ingest, photo, video, search or export")
	photoSrc := flag.String("photo-src", "testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", "real photograph the photo bench sources are made from")
	flag.Parse()
	ctx := context.Background()
	if *child == "photo-rss" {
		if err := runPhotoChild(ctx, *file); err != nil {
			fmt.Fprintln(os.Stderr, "qbbench child:", err)
			os.Exit(1)
		}
		return
	}
	if strings.HasPrefix(*child, "export-") {
		if err := runExportChild(ctx, *child, *file, *endpoint, *keys, *work); err != nil {
			fmt.Fprintln(os.Stderr, "qbbench child:", err)
			os.Exit(1)
		}
		return
	}
	if *child != "" {
		if err := runChild(ctx, *child, *file, *endpoint, *keys, *work); err != nil {
			fmt.Fprintln(os.Stderr, "qbbench child:", err)
			os.Exit(1)
		}
		return
	}
	sections := []struct {
		name string
		run  func() error
	}{
		{"ingest", func() error { return runParent(ctx, *sizeMB, *runs, *dir) }},
		// video before photo: it reads ffmpeg's peak RSS from rusage, which
		// the photo section's large parent would inflate (see report).
		{"video", func() error { return runVideoBench(ctx, *dir) }},
		{"photo", func() error { return runPhotoBench(ctx, *dir, *photoSrc) }},
		{"search", func() error { return runSearchBench(ctx, *dir) }},
		{"export", func() error { return runExportBench(ctx, *dir, *photoSrc, *runs) }},
	}
	known := *only == "all"
	for _, s := range sections {
		if *only != "all" && *only != s.name {
			continue
		}
		known = true
		if err := s.run(); err != nil {
			fmt.Fprintf(os.Stderr, "qbbench: %s: %v\n", s.name, err)
			os.Exit(1)
		}
	}
	if !known {
		fmt.Fprintf(os.Stderr, "qbbench: -only %q: want all, ingest, photo, video or search\n", *only)
		os.Exit(2)
	}
}

type measurement struct {
	seconds float64
	rssMB   float64
}

func runParent(ctx context.Context, sizeMB, runs int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dir, _ = filepath.Abs(dir)
	video, err := testVideo(ctx, dir, sizeMB)
	if err != nil {
		return err
	}
	st, err := os.Stat(video)
	if err != nil {
		return err
	}
	srv, err := miniotest.Launch(filepath.Join(dir, "minio"))
	if err != nil {
		return err
	}
	defer srv.Stop()
	results := map[string][]measurement{}
	for r := 0; r < runs; r++ {
		for _, m := range modes {
			res, err := measure(ctx, m.name, video, srv.Endpoint, srv.AccessKey+":"+srv.SecretKey, filepath.Join(dir, fmt.Sprintf("run-%s-%d", m.name, r)))
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			results[m.name] = append(results[m.name], res)
		}
	}
	printTable(st.Size(), runs, results)
	return nil
}

// measure runs one child and returns its wall time and peak RSS.
func measure(ctx context.Context, mode, video, endpoint, keys, work string) (measurement, error) {
	defer os.RemoveAll(work)
	cmd := exec.CommandContext(ctx, os.Args[0], "-child", mode, "-file", video, "-endpoint", endpoint, "-keys", keys, "-work", work)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return measurement{}, err
	}
	return parseChild(out)
}

// parseChild reads a child's {"Seconds", "PeakKB"} line.
func parseChild(out []byte) (measurement, error) {
	var r struct{ Seconds, PeakKB float64 }
	if err := json.Unmarshal(out, &r); err != nil || r.PeakKB == 0 {
		return measurement{}, fmt.Errorf("child output %q: %v", out, err)
	}
	return measurement{seconds: r.Seconds, rssMB: r.PeakKB / 1024}, nil
}

func printTable(size int64, runs int, results map[string][]measurement) {
	ref := median(results["bare-put"], func(m measurement) float64 { return m.seconds })
	mb := float64(size) / (1 << 20)
	fmt.Printf("\nIngest of a %.0f MiB video, median of %d runs, %s\n\n", mb, runs, time.Now().Format("2006-01-02"))
	fmt.Println("| path | MiB/s | × bare PutObject | peak RSS (MB, max of runs) |")
	fmt.Println("|---|---:|---:|---:|")
	for _, m := range modes {
		rs := results[m.name]
		sec := median(rs, func(m measurement) float64 { return m.seconds })
		rss := 0.0
		for _, r := range rs {
			rss = max(rss, r.rssMB)
		}
		fmt.Printf("| %s | %.0f | %.2f | %.0f |\n", m.what, mb/sec, ref/sec, rss)
	}
}

func median(ms []measurement, f func(measurement) float64) float64 {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

// testVideo makes (once) a Matroska file of raw 1080p frames with noise:
// real video structure that ffprobe reads, incompressible like real media.
func testVideo(ctx context.Context, dir string, sizeMB int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("video-%dMiB.mkv", sizeMB))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	const frameBytes = 1920 * 1080 * 3 / 2
	frames := (int64(sizeMB)<<20)/frameBytes + 1
	tmp := path + ".tmp.mkv"
	cmd := exec.CommandContext(ctx, "ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
		"-vf", "noise=alls=40:allf=t+u", "-frames:v", fmt.Sprint(frames), "-c:v", "rawvideo", "-pix_fmt", "yuv420p", tmp)
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "qbbench: generating %s (%d frames)\n", path, frames)
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("generate test video: %w", err)
	}
	return path, os.Rename(tmp, path)
}
