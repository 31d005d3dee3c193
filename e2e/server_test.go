package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/internal/testbin"
)

// quangba is a real `quangba serve` process with its own data folder.
type quangba struct {
	t    testing.TB
	bin  string
	env  []string
	URL  string
	Data string
	proc *testbin.Server
}

// moduleRoot is the folder above e2e/ that holds go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := testbin.ModuleRoot()
	if err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// buildQuangba compiles ./cmd/quangba into a temporary folder.
func buildQuangba(t testing.TB) string {
	t.Helper()
	bin, err := testbin.BuildFrom(context.Background(), moduleRoot(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// newQuangba prepares a data folder and an address; nothing runs yet.
func newQuangba(t testing.TB, bin string) *quangba {
	t.Helper()
	data := t.TempDir()
	addr := testbin.MustFreeAddr(t)
	env := append(os.Environ(), "QUANGBA_DATA_DIR="+data, "QUANGBA_ADDR="+addr, "QUANGBA_WORKERS=2")
	return &quangba{t: t, bin: bin, env: env, URL: "http://" + addr, Data: data}
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
	proc, err := testbin.Start(cmd)
	if err != nil {
		q.t.Fatalf("quangba serve: %v", err)
	}
	q.proc = proc
	q.t.Cleanup(func() {
		switch err := proc.Stop(40 * time.Second); {
		case err == testbin.ErrStopTimeout:
			q.t.Errorf("quangba serve did not stop within 40s of SIGINT")
		case err != nil:
			q.t.Errorf("quangba serve exited: %v", err)
		}
		if q.t.Failed() {
			q.t.Logf("server log:\n%s", testbin.Tail(proc.Log.String(), 8000))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := proc.WaitReady(ctx, q.URL+"/readyz"); err == testbin.ErrExited {
		q.t.Fatalf("quangba serve exited before it was ready: %v\n%s", proc.Err(), proc.Log.String())
	} else if err != nil {
		q.t.Fatalf("quangba serve not ready after 30s: %v\n%s", err, proc.Log.String())
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
