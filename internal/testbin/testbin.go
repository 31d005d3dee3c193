// Package testbin builds the real quangba binary and runs `quangba serve`
// as an operator would, for the tests and the load driver that drive a
// real process.
package testbin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// ModuleRoot is the nearest folder at or above the working directory that
// holds go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// Build compiles ./cmd/quangba of the module around the working directory
// into dir and returns the binary's path.
func Build(dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return BuildFrom(context.Background(), root, dir)
}

// BuildFrom compiles ./cmd/quangba of the module at root into dir.
func BuildFrom(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "quangba")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/quangba")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/quangba: %v\n%s", err, out)
	}
	return bin, nil
}

// Main is a TestMain: it builds the binary into a new temporary folder
// named after prefix, sets *bin to it, runs the tests and exits with
// their code.
func Main(m interface{ Run() int }, prefix string, bin *string) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		panic(err)
	}
	if *bin, err = Build(dir); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// FreeAddr is a loopback address with a port nobody listens on now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// T is the part of testing.TB the Must helpers use.
type T interface {
	Helper()
	Fatal(args ...any)
}

// MustFreeAddr is FreeAddr that fails the test on error.
func MustFreeAddr(t T) string {
	t.Helper()
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// WaitHTTP polls url every 100 ms until it answers 200 OK or ctx ends.
func WaitHTTP(ctx context.Context, url string) error {
	return waitHTTP(ctx, url, nil)
}

func waitHTTP(ctx context.Context, url string, exited <-chan struct{}) error {
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		select {
		case <-exited:
			return ErrExited
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ErrExited is WaitReady's answer when the process ended first.
var ErrExited = errors.New("exited before it was ready")

// ErrStopTimeout is Stop's answer when the process outlived its grace
// period and was killed.
var ErrStopTimeout = errors.New("did not stop in time after SIGINT")

// Server is a started process, usually `quangba serve`.
type Server struct {
	Cmd     *exec.Cmd
	Log     *Buffer // stdout and stderr, unless the command had its own
	exited  chan struct{}
	waitErr error
}

// Start starts cmd; its output goes to Log unless cmd.Stdout or
// cmd.Stderr is already set.
func Start(cmd *exec.Cmd) (*Server, error) {
	s := &Server{Cmd: cmd, Log: &Buffer{}, exited: make(chan struct{})}
	if cmd.Stdout == nil && cmd.Stderr == nil {
		cmd.Stdout, cmd.Stderr = s.Log, s.Log
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()
	return s, nil
}

// Exited is closed when the process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Err is the process's exit error; call it after Exited is closed.
func (s *Server) Err() error { return s.waitErr }

// WaitReady polls url until it answers 200 OK (nil), the process exits
// (ErrExited) or ctx ends (the last error seen).
func (s *Server) WaitReady(ctx context.Context, url string) error {
	return waitHTTP(ctx, url, s.exited)
}

// Stop sends SIGINT and waits up to grace for the process to end, then
// kills it (ErrStopTimeout); otherwise it returns the exit error.
func (s *Server) Stop(grace time.Duration) error {
	_ = s.Cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return s.waitErr
	case <-time.After(grace):
		_ = s.Cmd.Process.Kill()
		<-s.exited
		return ErrStopTimeout
	}
}

// Buffer collects a child's output from several copiers and is read
// while they write.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Tail is the last n bytes of s, marked with … when cut.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
