package ffmpeg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is required for this test and is not on PATH: %v", err)
	}
}

// endless is an input that never ends: a generated test pattern.
var endless = []string{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"}

func TestRunMissingTool(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	os.WriteFile(out, []byte("partial"), 0o644)
	for _, bin := range []string{filepath.Join(dir, "no-such-ffmpeg"), "no-such-ffmpeg-on-path"} {
		_, err := NewRunner(bin, 0, 0).Run(context.Background(), []string{"-version"}, out)
		if !errors.Is(err, ErrToolMissing) {
			t.Errorf("%s: got %v, want ErrToolMissing", bin, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output left after a failed run: %v", err)
	}
}

// TestRunFailure: a failed run reports the exit status and the end of
// stderr, and removes the outputs it was told about, even half-written.
func TestRunFailure(t *testing.T) {
	mustFFmpeg(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	// Writes a little of out, then fails: the second input does not exist.
	args := append(append([]string{}, endless...), "-i", SafePath(filepath.Join(dir, "missing.mp4")), "-map", "0:v", "-t", "1", SafePath(out))
	tail, err := NewRunner("", 0, 0).Run(context.Background(), args, out)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(err.Error(), "exit status 1") || !strings.Contains(err.Error(), "No such file or directory") {
		t.Errorf("error %v: want the exit status and ffmpeg's reason", err)
	}
	if !strings.Contains(tail, "missing.mp4") {
		t.Errorf("stderr tail %q", tail)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output left: %v", err)
	}
}

// TestRunCancel: ending ctx kills ffmpeg at once and removes its output.
func TestRunCancel(t *testing.T) {
	mustFFmpeg(t)
	out := filepath.Join(t.TempDir(), "out.mkv")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := NewRunner("", 0, 0).Run(ctx, append(append([]string{}, endless...), "-c:v", "ffv1", SafePath(out)), out)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output left: %v", err)
	}
}

func TestRunTimeout(t *testing.T) {
	mustFFmpeg(t)
	_, err := NewRunner("", 300*time.Millisecond, 0).Run(context.Background(), append(append([]string{}, endless...), "-f", "null", "-"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not finish within") {
		t.Errorf("got %v", err)
	}
}

// TestRunConcurrency: with a bound of one, a second run waits for the
// first; its context ends while it waits.
func TestRunConcurrency(t *testing.T) {
	mustFFmpeg(t)
	r := NewRunner("", 0, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := r.Run(ctx, append(append([]string{}, endless...), "-f", "null", "-"))
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	wctx, wcancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer wcancel()
	if _, err := r.Run(wctx, []string{"-version"}); err == nil || !strings.Contains(err.Error(), "waiting to run") {
		t.Errorf("second run: %v, want it to wait", err)
	}
	cancel()
	<-done
	if _, err := r.Run(context.Background(), []string{"-f", "lavfi", "-i", "anullsrc", "-t", "0.1", "-f", "null", "-"}); err != nil {
		t.Errorf("run after the first ended: %v", err)
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 10}
	b.Write([]byte("first line\nsec"))
	b.Write([]byte("ond\nthird\n"))
	if got := b.String(); got != "third\n" {
		t.Errorf("got %q", got)
	}
	b = &tailBuffer{max: 100}
	b.Write([]byte("a\nb\n"))
	if got := b.String(); got != "a\nb\n" {
		t.Errorf("got %q", got)
	}
}
