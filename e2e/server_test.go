package e2e

import (
	"bytes"
	"context"
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
	"testing"
	"time"
)

// quangba is a real `quangba serve` process with its own data folder.
type quangba struct {
	t    testing.TB
	bin  string
	env  []string
	URL  string
	Data string
	cmd  *exec.Cmd
	log  *syncBuffer
}

// syncBuffer collects the server's output for the failure report.
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

// moduleRoot is the folder above e2e/ that holds go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// buildQuangba compiles ./cmd/quangba into a temporary folder.
func buildQuangba(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "quangba")
	cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, "./cmd/quangba")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/quangba: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// newQuangba prepares a data folder and an address; nothing runs yet.
func newQuangba(t testing.TB, bin string) *quangba {
	t.Helper()
	data := t.TempDir()
	addr := freeAddr(t)
	env := append(os.Environ(), "QUANGBA_DATA_DIR="+data, "QUANGBA_ADDR="+addr, "QUANGBA_WORKERS=2")
	return &quangba{t: t, bin: bin, env: env, URL: "http://" + addr, Data: data, log: &syncBuffer{}}
}

// run runs a quangba subcommand to its end.
func (q *quangba) run(args ...string) string {
	q.t.Helper()
	cmd := exec.Command(q.bin, args...)
	cmd.Env = q.env
	cmd.Dir = q.Data // no configs/quangba.yaml here: defaults and QUANGBA_* only
	out, err := cmd.CombinedOutput()
	if err != nil {
		q.t.Fatalf("quangba %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start runs `quangba serve` and waits for /readyz; the test's cleanup
// stops it with SIGINT.
func (q *quangba) start() {
	q.t.Helper()
	cmd := exec.Command(q.bin, "serve")
	cmd.Env = q.env
	cmd.Dir = q.Data
	cmd.Stdout, cmd.Stderr = q.log, q.log
	if err := cmd.Start(); err != nil {
		q.t.Fatalf("quangba serve: %v", err)
	}
	q.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	q.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			if err != nil {
				q.t.Errorf("quangba serve exited: %v", err)
			}
		case <-time.After(40 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			q.t.Errorf("quangba serve did not stop within 40s of SIGINT")
		}
		if q.t.Failed() {
			q.t.Logf("server log:\n%s", tail(q.log.String(), 8000))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			q.t.Fatalf("quangba serve exited before it was ready: %v\n%s", err, q.log.String())
		default:
		}
		resp, err := http.Get(q.URL + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		if time.Now().After(deadline) {
			q.t.Fatalf("quangba serve not ready after 30s: %v\n%s", err, q.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches path with the browser's cookies.
func (q *quangba) get(ctx context.Context, path, cookie string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
