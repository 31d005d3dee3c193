// Package miniotest runs a real MinIO server for tests.
package miniotest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quangba/quangba/internal/testbin"
)

const (
	readyTimeout = 60 * time.Second // a cold start on a busy 2-core machine takes a few seconds
	stopTimeout  = 10 * time.Second // graceful shutdown before SIGKILL
)

// Server is a MinIO process listening on 127.0.0.1 with its own data dir.
type Server struct {
	Endpoint  string // host:port of the S3 API, without scheme
	AccessKey string
	SecretKey string

	bin      string
	dataDir  string
	certsDir string
	console  string // host:port of the (disabled) console listener

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}   // closed when cmd has exited
	out  *testbin.Buffer // output of every run, kept for failure reports
}

// Start starts MinIO on a free port with a temporary data dir, waits until
// it is ready and stops it when the test ends. A missing binary fails the
// test: the MinIO tests must not silently pass without MinIO.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := newServer(tb.TempDir(), tb.TempDir())
	if err != nil {
		tb.Fatalf("miniotest: %v", err)
	}
	// Registered after TempDir, so it runs before the data dir is removed.
	tb.Cleanup(func() {
		s.Stop()
		if tb.Failed() {
			tb.Logf("miniotest: minio output:\n%s", s.out.String())
		}
	})
	if err := s.start(); err != nil {
		tb.Fatalf("miniotest: %v\nminio output:\n%s", err, s.out.String())
	}
	return s
}

// Launch starts MinIO outside a test (benchmarks) with its data under dir;
// the caller stops it.
func Launch(dir string) (*Server, error) {
	s, err := newServer(filepath.Join(dir, "data"), filepath.Join(dir, "certs"))
	if err != nil {
		return nil, err
	}
	if err := s.start(); err != nil {
		return nil, fmt.Errorf("%w\nminio output:\n%s", err, s.out.String())
	}
	return s, nil
}

func newServer(dataDir, certsDir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, fmt.Errorf("%w. %s", err, installHint)
	}
	for _, d := range []string{dataDir, certsDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	s := &Server{AccessKey: "qb" + randomHex(8), SecretKey: randomHex(20), bin: bin, dataDir: dataDir, certsDir: certsDir, out: &testbin.Buffer{}}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	s.Endpoint, s.console = ports[0], ports[1]
	return s, nil
}

// Restart stops the server and starts it again on the same port and data
// dir, so objects written before survive.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		tb.Fatalf("miniotest: restart: %v\nminio output:\n%s", err, s.out.String())
	}
}

// Stop sends SIGTERM, waits a little and then kills the process. Stopping
// a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd, s.done = nil, nil
}

// Kill ends the server with SIGKILL at once, as a crash or a pulled cable
// would: no graceful shutdown, in-flight requests are cut. The port and the
// data dir are kept, so Restart brings the same server back with its
// objects. Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd, s.done = nil, nil
}

// Running reports whether the server process is up (started and neither
// stopped nor killed, and not exited on its own).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// URL returns the base URL of the S3 API.
func (s *Server) URL() string { return "http://" + s.Endpoint }

// Output returns everything the server has printed so far.
func (s *Server) Output() string { return s.out.String() }

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("already running")
	}
	cmd := exec.Command(s.bin, serverArgs(s.Endpoint, s.console, s.certsDir, s.dataDir)...)
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+s.AccessKey,
		"MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
	fmt.Fprintf(s.out, "--- %s %v\n", time.Now().Format(time.RFC3339), cmd.Args)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	if err := waitReady(s.URL(), done); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return err
	}
	s.cmd, s.done = cmd, done
	return nil
}

// serverArgs is the minio command line. --certs-dir keeps minio away from
// ~/.minio; the console listens on its own port even though it is off.
func serverArgs(addr, console, certsDir, dataDir string) []string {
	return []string{"server", "--quiet",
		"--address", addr,
		"--console-address", console,
		"--certs-dir", certsDir,
		dataDir}
}

// waitReady polls the cluster health endpoint until it answers 200 (only
// once the object layer is writable; /ready answers earlier), the process
// exits or readyTimeout passes.
func waitReady(baseURL string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		resp, err := client.Get(baseURL + "/minio/health/cluster")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("minio exited before it was ready")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("minio not ready after %s (last error: %v)", readyTimeout, err)
		}
	}
}

// Binary finds the minio executable: $QUANGBA_MINIO_BIN, then
// .tools/bin/minio under the module root, then $PATH.
func Binary() (string, error) {
	if p := os.Getenv("QUANGBA_MINIO_BIN"); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("QUANGBA_MINIO_BIN=%s: %w", p, err)
		}
		return p, nil
	}
	if root, err := testbin.ModuleRoot(); err == nil {
		p := filepath.Join(root, ".tools", "bin", "minio")
		if executable(p) == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	return "", errors.New("minio binary not found in $QUANGBA_MINIO_BIN, <module root>/.tools/bin/minio or $PATH")
}

const installHint = "Run `make test`, which installs minio into .tools/bin/minio, " +
	"or set QUANGBA_MINIO_BIN to a minio server binary. The MinIO tests do not skip without it."

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// freePorts reserves n distinct loopback ports by listening on them at the
// same time, then releases them for minio to bind.
func freePorts(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
