package miniotest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func TestStartRestartStop(t *testing.T) {
	s := Start(t)
	if !ready(s) {
		t.Fatalf("server not ready after Start\n%s", s.Output())
	}
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(t.Context(), "kept", minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}

	s.Restart(t)
	if ok, err := c.BucketExists(t.Context(), "kept"); err != nil || !ok {
		t.Errorf("bucket after Restart: exists %v, %v; want the data dir kept", ok, err)
	}

	s.Stop()
	s.Stop() // idempotent
	if ready(s) {
		t.Error("server still answers after Stop")
	}
	s.Restart(t) // from stopped
	if !ready(s) {
		t.Errorf("server not ready after Restart from stopped\n%s", s.Output())
	}
}

func TestKillRestart(t *testing.T) {
	s := Start(t)
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(t.Context(), "kept", minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
	endpoint := s.Endpoint
	s.Kill()
	s.Kill() // idempotent
	if s.Running() || ready(s) {
		t.Fatal("server still running after Kill")
	}
	s.Restart(t)
	if !s.Running() || s.Endpoint != endpoint {
		t.Fatalf("after Restart: running %v, endpoint %s (was %s)", s.Running(), s.Endpoint, endpoint)
	}
	if ok, err := c.BucketExists(t.Context(), "kept"); err != nil || !ok {
		t.Errorf("bucket after Kill and Restart: exists %v, %v; want the data dir kept", ok, err)
	}
}

func ready(s *Server) bool {
	resp, err := http.Get(s.URL() + "/minio/health/ready")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func TestBinary(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "minio")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notExe := filepath.Join(dir, "plain")
	if err := os.WriteFile(notExe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env, want, wantErr string
	}{
		{exe, exe, ""},
		{filepath.Join(dir, "missing"), "", "QUANGBA_MINIO_BIN"},
		{notExe, "", "not an executable"},
		{dir, "", "not an executable"},
	}
	for _, tt := range tests {
		t.Setenv("QUANGBA_MINIO_BIN", tt.env)
		got, err := Binary()
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Binary() with QUANGBA_MINIO_BIN=%s = %q, %v; want %q, error containing %q", tt.env, got, err, tt.want, tt.wantErr)
		}
	}
}

// fatalTB records Fatalf and ends the goroutine, as testing does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestStartWithoutBinaryFails(t *testing.T) {
	t.Setenv("QUANGBA_MINIO_BIN", filepath.Join(t.TempDir(), "no-minio-here"))
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(tb)
	}()
	<-done
	if !strings.Contains(tb.msg, "make test") {
		t.Errorf("Start without a binary: Fatalf(%q), want a message that says how to install minio", tb.msg)
	}
}

func TestServerArgs(t *testing.T) {
	got := serverArgs("127.0.0.1:1", "127.0.0.1:2", "/certs", "/data")
	want := []string{"server", "--quiet", "--address", "127.0.0.1:1", "--console-address", "127.0.0.1:2", "--certs-dir", "/certs", "/data"}
	if !slices.Equal(got, want) {
		t.Errorf("serverArgs = %q, want %q", got, want)
	}
}
