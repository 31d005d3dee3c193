package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/video"
)

// videoBenchRuns is how many times each video measurement runs; the
// median is reported.
const videoBenchRuns = 3

// videoBenchSample is the real clip the benchmark clip is made from,
// relative to the repository root.
var videoBenchSample = filepath.Join("testdata", "media", "video", "mp4ff_bbb_prog_10s.mp4")

// runVideoBench measures all video outputs of a 60 s 1080p30 clip (poster,
// proxy, loudness, delivery) made by video.Process against one bare ffmpeg
// 720p proxy transcode, in the same run, and times a 15 s cut. It prints a
// Markdown table (see PERFORMANCE.md).
func runVideoBench(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	clip, err := videoBenchClip(ctx, dir)
	if err != nil {
		return err
	}
	info, err := probe.File(ctx, clip, probe.Limits{}, probe.NewFFprobe("", 0, 0))
	if err != nil {
		return fmt.Errorf("probe %s: %w", clip, err)
	}
	var bare, proc, cut []videoRun
	var last video.Result
	for r := 0; r < videoBenchRuns; r++ {
		m, err := bareProxy(ctx, clip, dir)
		if err != nil {
			return fmt.Errorf("bare ffmpeg: %w", err)
		}
		bare = append(bare, m)
		if m, last, err = processRun(ctx, clip, dir, info); err != nil {
			return fmt.Errorf("video.Process: %w", err)
		}
		proc = append(proc, m)
		if m, err = cutRun(ctx, clip, dir, info); err != nil {
			return fmt.Errorf("video.Cut: %w", err)
		}
		cut = append(cut, m)
	}
	printVideoTable(info, last, bare, proc, cut)
	return nil
}

type videoRun struct {
	seconds float64
	rssMB   float64 // peak RSS of the largest ffmpeg process
}

// videoBenchClip makes (once) a 60 s 1920×1080 30 fps H.264/AAC MP4 of
// natural content: the Big Buck Bunny sample looped, upscaled, with light
// temporal noise like a camera sensor's, at a phone's bit rate and
// keyframe interval, and the index at the end of the file as cameras and
// phones write it.
func videoBenchClip(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "video-60s-1080p30.mp4")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	sample, err := findUp(videoBenchSample)
	if err != nil {
		return "", err
	}
	tmp := path + ".tmp.mp4"
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y",
		"-stream_loop", "-1", "-i", sample, "-t", "60",
		"-vf", "scale=1920:1080:flags=bicubic,setsar=1,fps=30,noise=alls=3:allf=t",
		// About what a phone records at 1080p30 (16 Mbit/s), GOP of 1 s.
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-maxrate", "16M", "-bufsize", "32M", "-g", "30",
		"-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", tmp)
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "qbbench: generating %s\n", path)
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("generate the benchmark clip: %w", err)
	}
	return path, os.Rename(tmp, path)
}

// findUp looks for rel in the working folder and its parents, so the
// benchmark runs from anywhere inside the repository.
func findUp(rel string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if p := filepath.Join(d, rel); fileExists(p) {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s not found in %s or its parents", rel, wd)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// bareProxy is the reference: one plain ffmpeg 720p proxy transcode.
func bareProxy(ctx context.Context, clip, dir string) (videoRun, error) {
	out := filepath.Join(dir, "bare-720p.mp4")
	defer os.Remove(out)
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", clip,
		"-vf", "scale=-2:720", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", out)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return videoRun{}, err
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return videoRun{seconds: time.Since(start).Seconds(), rssMB: float64(ru.Maxrss) / 1024}, nil
}

func processRun(ctx context.Context, clip, dir string, info probe.Info) (videoRun, video.Result, error) {
	out := filepath.Join(dir, "process-out")
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return videoRun{}, video.Result{}, err
	}
	defer os.RemoveAll(out)
	var res video.Result
	m, err := watchChildren(func() error {
		var err error
		res, err = video.Process(ctx, clip, out, info, video.Options{})
		return err
	})
	return m, res, err
}

func cutRun(ctx context.Context, clip, dir string, info probe.Info) (videoRun, error) {
	out := filepath.Join(dir, "cut-15s.mp4")
	defer os.Remove(out)
	return watchChildren(func() error {
		return video.Cut(ctx, clip, out, 20*time.Second, 35*time.Second, info, video.Options{})
	})
}

// watchChildren times f and samples the peak RSS (VmHWM) of the child
// processes it starts, every 50 ms.
func watchChildren(f func() error) (videoRun, error) {
	stop, peak := make(chan struct{}), make(chan float64)
	go func() {
		hwm := map[int]float64{}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			for pid, kb := range childHWM() {
				hwm[pid] = max(hwm[pid], kb)
			}
			select {
			case <-stop:
				m := 0.0
				for _, kb := range hwm {
					m = max(m, kb)
				}
				peak <- m / 1024
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	err := f()
	secs := time.Since(start).Seconds()
	close(stop)
	return videoRun{seconds: secs, rssMB: <-peak}, err
}

// childHWM returns the peak RSS in KiB of each running child of this
// process, read from /proc.
func childHWM() map[int]float64 {
	ents, _ := os.ReadDir("/proc")
	self := strconv.Itoa(os.Getpid())
	out := map[int]float64{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		var ppid string
		var hwm float64
		for _, line := range strings.Split(string(status), "\n") {
			k, v, _ := strings.Cut(line, ":")
			switch k {
			case "PPid":
				ppid = strings.TrimSpace(v)
			case "VmHWM":
				hwm, _ = strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			}
		}
		if ppid == self {
			out[pid] = hwm
		}
	}
	return out
}

func videoMedian(rs []videoRun, f func(videoRun) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

func maxRSS(rs []videoRun) float64 {
	m := 0.0
	for _, r := range rs {
		m = max(m, r.rssMB)
	}
	return m
}

func printVideoTable(info probe.Info, res video.Result, bare, proc, cut []videoRun) {
	sec := func(r videoRun) float64 { return r.seconds }
	ref := videoMedian(bare, sec)
	delivery := "original used as is"
	if res.Delivery != nil {
		delivery = fmt.Sprintf("delivery.mp4 %dx%d", res.Delivery.Width, res.Delivery.Height)
	}
	fmt.Printf("\nVideo outputs of a %.0f s %dx%d %s clip, median of %d runs, %s\n\n",
		info.Duration.Seconds(), info.Width, info.Height, info.VideoCodec, len(bare), time.Now().Format("2006-01-02"))
	fmt.Println("| path | wall s | × bare ffmpeg | peak RSS of ffmpeg (MB, max of runs) |")
	fmt.Println("|---|---:|---:|---:|")
	fmt.Printf("| bare `ffmpeg -vf scale=-2:720 -c:v libx264 -preset veryfast -crf 23 -c:a aac` (reference) | %.1f | 1.00 | %.0f |\n", ref, maxRSS(bare))
	p := videoMedian(proc, sec)
	fmt.Printf("| video.Process: poster + proxy %dx%d + loudness + %s | %.1f | %.2f (target ≤ 1.2) | %.0f |\n",
		res.Proxy.Width, res.Proxy.Height, delivery, p, p/ref, maxRSS(proc))
	c := videoMedian(cut, sec)
	fmt.Printf("| video.Cut 15 s (re-encoded, frame-accurate) | %.1f | %.2f | %.0f |\n", c, c/ref, maxRSS(cut))
	if res.LoudnessLUFS != nil {
		fmt.Printf("\nMeasured loudness %.1f LUFS", *res.LoudnessLUFS)
		if res.TruePeakDBTP != nil {
			fmt.Printf(", true peak %.1f dBTP", *res.TruePeakDBTP)
		}
		fmt.Println()
	}
}
