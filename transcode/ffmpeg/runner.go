// Package ffmpeg runs the ffmpeg command line: pure functions build its
// argument lists from plans, a Runner executes them, and parsers read what
// it prints.
package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ErrToolMissing means the ffmpeg binary is not installed or cannot be run.
var ErrToolMissing = errors.New("ffmpeg: required tool missing")

// Defaults for NewRunner.
const (
	DefaultBin        = "ffmpeg"
	DefaultTimeout    = 30 * time.Minute
	DefaultConcurrent = 2

	stderrTailBytes = 64 << 10 // stderr kept per run
	errorTailBytes  = 1 << 10  // of which the error message quotes this much
)

// globalArgs come first on every command line: never read the terminal,
// print no banner or progress, overwrite outputs (the caller owns them).
var globalArgs = []string{"-hide_banner", "-nostdin", "-nostats", "-y"}

// Runner executes ffmpeg with a timeout per run and a bound on how many
// runs happen at once. It is safe for concurrent use.
type Runner struct {
	bin     string
	timeout time.Duration
	sem     chan struct{}
}

// NewRunner returns a Runner; zero values select the defaults ("ffmpeg" on
// PATH, 30 minutes, 2 runs at once).
func NewRunner(bin string, timeout time.Duration, maxConcurrent int) *Runner {
	if bin == "" {
		bin = DefaultBin
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxConcurrent <= 0 {
		maxConcurrent = DefaultConcurrent
	}
	return &Runner{bin: bin, timeout: timeout, sem: make(chan struct{}, maxConcurrent)}
}

// Run executes ffmpeg with args (built by this package's builders) and
// returns the end of what it wrote to stderr, where ffmpeg puts both its
// log and filter reports such as the ebur128 summary.
//
// On any failure the files named in outputs are removed, so a caller never
// sees a partial output. The error then wraps ErrToolMissing when ffmpeg
// cannot be started, ctx.Err() when ctx ended first, context.DeadlineExceeded
// when the run took longer than the timeout, and otherwise the
// *exec.ExitError, with the end of stderr in its message.
func (r *Runner) Run(ctx context.Context, args []string, outputs ...string) (stderrTail string, err error) {
	defer func() {
		if err != nil {
			removeAll(outputs)
		}
	}()
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("ffmpeg: waiting to run: %w", ctx.Err())
	}
	defer func() { <-r.sem }()

	rctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, r.bin, append(append([]string{}, globalArgs...), args...)...)
	stderr := &tailBuffer{max: stderrTailBytes}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = childAttr()
	err = cmd.Run()
	tail := stderr.String()
	switch {
	case err == nil:
		return tail, nil
	case errors.Is(err, exec.ErrNotFound) || (errors.Is(err, fs.ErrNotExist) && cmd.Process == nil):
		return tail, fmt.Errorf("%w: %s not found: %w", ErrToolMissing, r.bin, err)
	case cmd.Process == nil:
		return tail, fmt.Errorf("%w: %s could not be started: %w", ErrToolMissing, r.bin, err)
	case ctx.Err() != nil:
		return tail, fmt.Errorf("ffmpeg: stopped: %w", ctx.Err())
	case rctx.Err() != nil:
		return tail, fmt.Errorf("ffmpeg: did not finish within %v: %w", r.timeout, rctx.Err())
	}
	return tail, fmt.Errorf("ffmpeg: %w: %s", err, lastLines(tail, errorTailBytes))
}

func removeAll(paths []string) {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// A leftover is worse than a lost error message: try once more
			// in case the process still held it.
			_ = os.RemoveAll(p)
		}
	}
}

// lastLines returns at most n bytes from the end of s, starting at a line
// boundary, with line breaks turned into " / " so it fits in one message.
func lastLines(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = s[len(s)-n:]
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
		s = "… " + s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	if s == "" {
		return "no error message"
	}
	return strings.Join(lines, " / ")
}

// tailBuffer keeps the last max bytes written to it: ffmpeg reports the
// cause of a failure, and filter summaries, at the end.
type tailBuffer struct {
	buf     []byte
	max     int
	dropped bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= b.max {
		b.buf = append(b.buf[:0], p[len(p)-b.max:]...)
		b.dropped = true
		return n, nil
	}
	if over := len(b.buf) + len(p) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.dropped = true
	}
	b.buf = append(b.buf, p...)
	return n, nil
}

// String returns the kept bytes, starting at a line boundary when the
// beginning was dropped.
func (b *tailBuffer) String() string {
	s := string(b.buf)
	if b.dropped {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return s
}
