package probe

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// FFprobe runs ffprobe to read video files, with a timeout per run and a
// bound on how many runs happen at once. The zero value is ready to use;
// it must not be copied after first use.
type FFprobe struct {
	Path    string        // ffprobe binary (default "ffprobe" on PATH)
	Timeout time.Duration // per run (default 60s)

	maxConcurrent int // runs at once (default 2)
	once          sync.Once
	sem           chan struct{}
}

// Defaults for FFprobe.
const (
	DefaultFFprobeTimeout    = 60 * time.Second
	DefaultFFprobeConcurrent = 2
	maxFFprobeOutput         = 8 << 20
	maxFFprobeStderr         = 1 << 10
)

// NewFFprobe returns an FFprobe; zero values select the defaults.
func NewFFprobe(path string, timeout time.Duration, maxConcurrent int) *FFprobe {
	return &FFprobe{Path: path, Timeout: timeout, maxConcurrent: maxConcurrent}
}

func (p *FFprobe) init() {
	p.once.Do(func() {
		n := p.maxConcurrent
		if n <= 0 {
			n = DefaultFFprobeConcurrent
		}
		p.sem = make(chan struct{}, n)
	})
}

func (p *FFprobe) bin() string {
	if p.Path == "" {
		return "ffprobe"
	}
	return p.Path
}

func (p *FFprobe) timeout() time.Duration {
	if p.Timeout <= 0 {
		return DefaultFFprobeTimeout
	}
	return p.Timeout
}

// Video reads a video file's streams and format with ffprobe, then checks
// that the first video frame decodes. f is the format Sniff returned.
//
// A file without a video stream is ErrUnsupported; one ffprobe cannot read,
// or whose first frame does not decode, is ErrCorrupt; a missing ffprobe is
// ErrToolMissing. When ctx ends first, the error wraps ctx.Err() and none
// of the kinds: the file was not judged.
func (p *FFprobe) Video(ctx context.Context, path string, f Format) (Info, error) {
	out, err := p.run(ctx, probeArgs(path), path)
	if err != nil {
		return Info{}, err
	}
	info, streams, err := parseFFprobe(out)
	if err != nil {
		return Info{}, err
	}
	if err := hasVideo(info, streams); err != nil {
		return Info{}, err
	}
	out, err = p.run(ctx, frameArgs(path), path)
	if err != nil {
		return Info{}, err
	}
	if n, err := countFrames(out); err != nil || n == 0 {
		return Info{}, errf(ErrCorrupt, "no decodable video frame")
	}
	info.Format = f
	return info, nil
}

// hasVideo refuses files whose streams include no decodable video.
func hasVideo(info Info, s streamSummary) error {
	switch {
	case info.VideoCodec != "":
		return nil
	case s.undecodable != "":
		return errf(ErrUnsupported, "video coded with %s, which we cannot decode", s.undecodable)
	case info.HasAudio:
		return errf(ErrUnsupported, "no video stream (audio only)")
	case s.total == 0:
		return errf(ErrCorrupt, "the container holds no audio or video streams")
	}
	return errf(ErrCorrupt, "no video stream among its %d streams", s.total)
}

// probeArgs are the ffprobe arguments that describe a file's format and
// streams as JSON.
func probeArgs(path string) []string {
	return []string{"-v", "error", "-print_format", "json", "-show_format", "-show_streams", safePath(path)}
}

// frameArgs are the ffprobe arguments that decode the start of the first
// video stream (at most 30 packets) and report its frames. One packet is
// not enough: an H.264 decoder with frame reordering (AVCHD .mts) outputs
// its first frame only after the second packet.
func frameArgs(path string) []string {
	return []string{"-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height",
		"-read_intervals", "%+#30", "-print_format", "json", safePath(path)}
}

// safePath makes sure a path can never be read as an option or a protocol.
func safePath(path string) string {
	if filepath.IsAbs(path) || strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../") {
		return path
	}
	return "./" + path
}

// run executes ffprobe once, within the concurrency bound and timeout.
func (p *FFprobe) run(ctx context.Context, args []string, path string) ([]byte, error) {
	p.init()
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("probe: waiting to run ffprobe: %w", ctx.Err())
	}
	defer func() { <-p.sem }()

	rctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	cmd := exec.CommandContext(rctx, p.bin(), args...)
	stdout, stderr := &capBuffer{max: maxFFprobeOutput}, &capBuffer{max: maxFFprobeStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = childAttr()
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil && stdout.over:
		return nil, errf(ErrCorrupt, "ffprobe described the file in more than %d bytes", maxFFprobeOutput)
	case err == nil:
		return stdout.buf, nil
	case errors.Is(err, exec.ErrNotFound) || (errors.Is(err, fs.ErrNotExist) && cmd.Process == nil):
		return nil, fmt.Errorf("%w: ffprobe not found (%s): %w", ErrToolMissing, p.bin(), err)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("probe: ffprobe stopped: %w", ctx.Err())
	case rctx.Err() != nil:
		return nil, errf(ErrCorrupt, "ffprobe did not finish reading the file within %v", p.timeout())
	case errors.As(err, &exitErr):
		return nil, fmt.Errorf("%w: ffprobe cannot read the file: %s: %w", ErrCorrupt, stderr.message(path), err)
	}
	return nil, fmt.Errorf("%w: ffprobe could not be run (%s): %w", ErrToolMissing, p.bin(), err)
}

// capBuffer keeps the first max bytes written to it and drops the rest, so
// a chatty process never blocks or fills memory.
type capBuffer struct {
	buf  []byte
	max  int
	over bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := b.max - len(b.buf); n > room {
		b.over = true
		p = p[:max(room, 0)]
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

// message turns captured stderr into one line without the server's path.
func (b *capBuffer) message(path string) string {
	s := strings.ReplaceAll(string(b.buf), safePath(path), "input")
	s = strings.ReplaceAll(s, path, "input")
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " / ")), " ")
	s = strings.TrimSuffix(s, " /")
	if s == "" {
		s = "no error message"
	}
	if b.over {
		s += " …"
	}
	return s
}
