package main

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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/quangba/quangba/internal/miniotest"
)

// server is a real `quangba serve` process on loopback with its own data
// folder (and, with S3, its own MinIO).
type server struct {
	bin   string
	data  string
	URL   string
	env   []string
	cmd   *exec.Cmd
	done  chan error
	log   *syncBuffer
	minio *miniotest.Server
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// buildQuangba compiles ./cmd/quangba of the module at root into dir.
func buildQuangba(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "quangba")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/quangba")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/quangba: %v\n%s", err, out)
	}
	return bin, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// newServer prepares the data folder (and MinIO when s3); nothing serves yet.
func newServer(bin, work string, s3 bool) (*server, error) {
	data := filepath.Join(work, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "QUANGBA_DATA_DIR="+data, "QUANGBA_ADDR="+addr, "QUANGBA_LOG_LEVEL=info")
	s := &server{bin: bin, data: data, URL: "http://" + addr, log: &syncBuffer{}}
	if s3 {
		m, err := miniotest.Launch(filepath.Join(work, "minio"))
		if err != nil {
			return nil, err
		}
		s.minio = m
		env = append(env, "QUANGBA_S3_ENDPOINT="+m.Endpoint, "QUANGBA_S3_ACCESS_KEY="+m.AccessKey,
			"QUANGBA_S3_SECRET_KEY="+m.SecretKey, "QUANGBA_S3_BUCKET=qbload")
	}
	s.env = env
	return s, nil
}

// run runs a quangba subcommand to its end and returns its stdout.
func (s *server) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = s.env
	cmd.Dir = s.data // no configs/quangba.yaml here: defaults and QUANGBA_* only
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("quangba %s: %w\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out), nil
}

// token creates an API token and returns its secret.
func (s *server) token(ctx context.Context, org, role, user string) (string, error) {
	out, err := s.run(ctx, "token", "create", "--org", org, "--role", role, "--user", user)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(out)
	if tok == "" || strings.ContainsAny(tok, " \n") {
		return "", fmt.Errorf("token create printed %q", out)
	}
	return tok, nil
}

// start runs `quangba serve` and waits for /readyz.
func (s *server) start(ctx context.Context) error {
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env
	cmd.Dir = s.data
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("quangba serve: %w", err)
	}
	s.cmd = cmd
	s.done = make(chan error, 1)
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("quangba serve exited before it was ready: %v\n%s", err, tail(s.log.String(), 4000))
		default:
		}
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("quangba serve not ready after 60s: %v\n%s", err, tail(s.log.String(), 4000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGINT and waits for a clean exit.
func (s *server) stop() error {
	if s.cmd == nil {
		return nil
	}
	cmd := s.cmd
	s.cmd = nil
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-s.done:
		if err != nil {
			return fmt.Errorf("quangba serve exited: %w", err)
		}
		return nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-s.done
		return errors.New("quangba serve did not stop within 60s of SIGINT")
	}
}

// close stops the server and MinIO, whatever happened.
func (s *server) close() {
	_ = s.stop()
	if s.minio != nil {
		s.minio.Stop()
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
