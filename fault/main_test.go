//go:build linux

package fault

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/internal/testbin"
)

var quangbaBin string

// TestMain builds the real binary once; the tests run it as an operator
// would.
func TestMain(m *testing.M) { testbin.Main(m, "quangba-fault-bin", &quangbaBin) }

const bucket = "quangba-fault"

// env is the configuration of one quangba installation: a data folder and,
// optionally, a MinIO bucket.
type env struct {
	dataDir string
	minio   *miniotest.Server // nil: local storage under dataDir
}

func (e env) vars() []string {
	v := append(os.Environ(), "QUANGBA_DATA_DIR="+e.dataDir, "QUANGBA_WORKERS=1", "QUANGBA_LOG_LEVEL=info")
	if e.minio != nil {
		v = append(v, "QUANGBA_S3_ENDPOINT="+e.minio.Endpoint, "QUANGBA_S3_ACCESS_KEY="+e.minio.AccessKey,
			"QUANGBA_S3_SECRET_KEY="+e.minio.SecretKey, "QUANGBA_S3_BUCKET="+bucket)
	}
	return v
}

// command is the binary run in an empty folder (no configs/quangba.yaml):
// defaults plus the environment.
func (e env) command(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(quangbaBin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = e.vars()
	return cmd
}

// token creates an API token with the CLI.
func (e env) token(t *testing.T, role string) string {
	t.Helper()
	out, err := e.command(t, "token", "create", "--org", "Sở VHTTDL Đắk Lắk", "--role", role, "--user", "Fault "+role).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	tok := strings.TrimSpace(lines[len(lines)-1])
	if err != nil || !strings.HasPrefix(tok, "qb_") {
		t.Fatalf("token create --role %s: %v\n%s", role, err, out)
	}
	return tok
}

// server is a running `quangba serve`.
type server struct {
	base string
	proc *testbin.Server
	logs *testbin.Buffer
}

// serve starts `quangba serve` and waits until it answers; it is stopped
// with SIGINT when the test ends (its log is printed if the test failed).
func (e env) serve(t *testing.T) *server {
	t.Helper()
	addr := testbin.MustFreeAddr(t)
	cmd := e.command(t, "serve")
	cmd.Env = append(cmd.Env, "QUANGBA_ADDR="+addr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	proc, err := testbin.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{base: "http://" + addr, proc: proc, logs: proc.Log}
	t.Cleanup(func() {
		if proc.Stop(15*time.Second) == testbin.ErrStopTimeout {
			t.Errorf("serve did not stop within 15 s of SIGINT")
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", s.logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := proc.WaitReady(ctx, s.base+"/healthz"); err == testbin.ErrExited {
		t.Fatalf("serve exited at start:\n%s", s.logs.String())
	} else if err != nil {
		t.Fatalf("serve did not answer within 30 s:\n%s", s.logs.String())
	}
	return s
}

// stop ends the server with SIGINT and waits for it.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.proc.Cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.proc.Exited():
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15 s of SIGINT")
	}
}

// waitLog reports whether the server's log contains s within d (the log
// is copied from a pipe, a little after the server wrote it).
func (s *server) waitLog(sub string, d time.Duration) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if strings.Contains(s.logs.String(), sub) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// errorBody is the API's error shape.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		MessageVi string `json:"message_vi"`
		MessageEn string `json:"message_en"`
	} `json:"error"`
}

type asset struct {
	ID         string      `json:"id"`
	Status     string      `json:"status"`
	ByteSize   int64       `json:"bytes"`
	Renditions []rendition `json:"renditions"`
}

type rendition struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
}

type uploadResult struct {
	asset
	Duplicate bool `json:"duplicate"`
}

type job struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	State     string `json:"state"`
	AssetID   string `json:"asset_id"`
	Attempts  int    `json:"attempts"`
	RunAfter  string `json:"run_after"`
	LastError *struct {
		Code      string `json:"code"`
		MessageVi string `json:"message_vi"`
		MessageEn string `json:"message_en"`
		Detail    string `json:"detail"`
	} `json:"last_error"`
}

// client never follows redirects, so that 302s to signed URLs are seen.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (s *server) do(t *testing.T, method, tok, path string, body io.Reader, contentType string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func (s *server) get(t *testing.T, tok, path string) (int, []byte) {
	t.Helper()
	code, b, _ := s.do(t, http.MethodGet, tok, path, nil, "")
	return code, b
}

func (s *server) postJSON(t *testing.T, tok, path, body string) (int, []byte) {
	t.Helper()
	code, b, _ := s.do(t, http.MethodPost, tok, path, strings.NewReader(body), "application/json")
	return code, b
}

func (s *server) patchJSON(t *testing.T, tok, path, body string) (int, []byte) {
	t.Helper()
	code, b, _ := s.do(t, http.MethodPatch, tok, path, strings.NewReader(body), "application/json")
	return code, b
}

// upload sends data as a multipart POST /api/v1/assets.
func (s *server) upload(t *testing.T, tok, name string, data []byte) (int, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, b, _ := s.do(t, http.MethodPost, tok, "/api/v1/assets", &buf, mw.FormDataContentType())
	return code, b
}

func (s *server) readyz(t *testing.T) int {
	t.Helper()
	c := &http.Client{Timeout: 15 * time.Second}
	resp, err := c.Get(s.base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReadyz polls /readyz until it answers want.
func (s *server) waitReadyz(t *testing.T, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	got := 0
	for time.Now().Before(deadline) {
		if got = s.readyz(t); got == want {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("/readyz = %d after %s, want %d", got, within, want)
}

// assets lists every asset the token sees.
func (s *server) assets(t *testing.T, tok string) []asset {
	t.Helper()
	code, b := s.get(t, tok, "/api/v1/assets?limit=200")
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/assets: %d %s", code, b)
	}
	return decode[struct {
		Items []asset `json:"items"`
	}](t, b).Items
}

func (s *server) asset(t *testing.T, tok, id string) asset {
	t.Helper()
	code, b := s.get(t, tok, "/api/v1/assets/"+id)
	if code != http.StatusOK {
		t.Fatalf("GET asset %s: %d %s", id, code, b)
	}
	return decode[asset](t, b)
}

// waitAsset polls an asset until its status is want.
func (s *server) waitAsset(t *testing.T, tok, id, want string, within time.Duration) asset {
	t.Helper()
	deadline := time.Now().Add(within)
	var a asset
	for time.Now().Before(deadline) {
		if a = s.asset(t, tok, id); a.Status == want {
			return a
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("asset %s is %q after %s, want %q", id, a.Status, within, want)
	return a
}

func (s *server) jobs(t *testing.T, curator, query string) []job {
	t.Helper()
	code, b := s.get(t, curator, "/api/v1/jobs?"+query)
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/jobs?%s: %d %s", query, code, b)
	}
	return decode[struct {
		Items []job `json:"items"`
	}](t, b).Items
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
	return v
}

// checkError checks an API error: status, code and both messages.
func checkError(t *testing.T, what string, status int, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	var e errorBody
	json.Unmarshal(body, &e)
	if status != wantStatus || e.Error.Code != wantCode {
		t.Fatalf("%s: %d %s, want %d with code %s", what, status, body, wantStatus, wantCode)
	}
	if e.Error.MessageVi == "" || e.Error.MessageEn == "" || e.Error.MessageVi == e.Error.MessageEn {
		t.Errorf("%s: messages not bilingual: %s", what, body)
	}
	t.Logf("%s: %d %s — vi: %q, en: %q", what, status, e.Error.Code, e.Error.MessageVi, e.Error.MessageEn)
}

// s3Client talks to the test's MinIO directly, to look at the bucket.
func s3Client(t *testing.T, m *miniotest.Server) *minio.Client {
	t.Helper()
	c, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// objects lists the keys (and sizes) under prefix.
func objects(t *testing.T, c *minio.Client, prefix string) map[string]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := map[string]int64{}
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("list %s: %v", prefix, o.Err)
		}
		out[o.Key] = o.Size
	}
	return out
}

// paddedMP4 is a small real MP4 followed by a top-level "free" box of
// random bytes, so that the file is size bytes long, unique, and still a
// valid MP4 that ffprobe reads.
func paddedMP4(t *testing.T, size int) []byte {
	t.Helper()
	head, err := os.ReadFile("../testdata/media/video/mp4ff_bbb_prog_10s.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if size < len(head)+8 {
		t.Fatalf("paddedMP4: size %d below the %d bytes of the clip", size, len(head)+8)
	}
	out := make([]byte, size)
	copy(out, head)
	binary.BigEndian.PutUint32(out[len(head):], uint32(size-len(head)))
	copy(out[len(head)+4:], "free")
	rand.Read(out[len(head)+8:])
	return out
}
