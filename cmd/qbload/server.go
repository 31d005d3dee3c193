package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/internal/testbin"
)

// server is a real `quangba serve` process on loopback with its own data
// folder (and, with S3, its own MinIO).
type server struct {
	bin   string
	data  string
	URL   string
	env   []string
	proc  *testbin.Server
	log   *testbin.Buffer
	minio *miniotest.Server
}

// newServer prepares the data folder (and MinIO when s3); nothing serves yet.
func newServer(bin, work string, s3 bool) (*server, error) {
	data := filepath.Join(work, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	addr, err := testbin.FreeAddr()
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "QUANGBA_DATA_DIR="+data, "QUANGBA_ADDR="+addr, "QUANGBA_LOG_LEVEL=info")
	s := &server{bin: bin, data: data, URL: "http://" + addr, log: &testbin.Buffer{}}
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
	proc, err := testbin.Start(cmd)
	if err != nil {
		return fmt.Errorf("quangba serve: %w", err)
	}
	s.proc = proc
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := proc.WaitReady(wctx, s.URL+"/readyz"); err == testbin.ErrExited {
		return fmt.Errorf("quangba serve exited before it was ready: %v\n%s", proc.Err(), testbin.Tail(s.log.String(), 4000))
	} else if err != nil {
		return fmt.Errorf("quangba serve not ready after 60s: %v\n%s", err, testbin.Tail(s.log.String(), 4000))
	}
	return nil
}

// stop sends SIGINT and waits for a clean exit.
func (s *server) stop() error {
	if s.proc == nil {
		return nil
	}
	proc := s.proc
	s.proc = nil
	switch err := proc.Stop(60 * time.Second); {
	case err == testbin.ErrStopTimeout:
		return errors.New("quangba serve did not stop within 60s of SIGINT")
	case err != nil:
		return fmt.Errorf("quangba serve exited: %w", err)
	}
	return nil
}

// close stops the server and MinIO, whatever happened.
func (s *server) close() {
	_ = s.stop()
	if s.minio != nil {
		s.minio.Stop()
	}
}
