package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/internal/testbin"
)

var binary string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) { testbin.Main(m, "quangba-bin", &binary) }

func command(t *testing.T, dataDir string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir() // no configs/quangba.yaml here: defaults + environment
	cmd.Env = append(os.Environ(), "QUANGBA_DATA_DIR="+dataDir)
	return cmd
}

type line struct {
	Path    string `json:"path"`
	Status  string `json:"status"`
	AssetID string `json:"asset_id"`
	Error   *struct {
		Code, Message string
	} `json:"error"`
}

func TestIngestCommand(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	copyFile(t, "../../testdata/media/images/gps/mde_HTC_Desire.jpg", filepath.Join(src, "Đắk Lắk", "htc.jpg"))
	copyFile(t, "../../testdata/media/video/mp4ff_bbb_prog_10s.mp4", filepath.Join(src, "Đắk Lắk", "clips", "bbb.mp4"))
	copyFile(t, "../../testdata/media/malformed/images/zero_bytes.jpg", filepath.Join(src, "empty.jpg"))
	copyFile(t, "../../testdata/media/images/gps/mde_HTC_Desire.jpg", filepath.Join(src, ".DS_Store"))

	cmd := command(t, data, "ingest", "--json", "--org", "Báo Đắk Lắk", src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if code := exitCode(err); code != 1 {
		t.Fatalf("exit %d (%v), want 1 because one file is refused; stderr:\n%s", code, err, stderr.String())
	}
	got := map[string]line{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		got[filepath.Base(l.Path)] = l
	}
	if len(got) != 3 || got["htc.jpg"].Status != "new" || got["bbb.mp4"].Status != "new" || got["htc.jpg"].AssetID == "" ||
		got["empty.jpg"].Status != "refused" || got["empty.jpg"].Error == nil || got["empty.jpg"].Error.Code != "empty_file" {
		t.Errorf("lines = %+v", got)
	}
	if !strings.Contains(stderr.String(), "2 mới / new, 0 trùng / duplicate, 1 từ chối / refused") {
		t.Errorf("summary missing: %s", stderr.String())
	}

	// Again: the two good files are duplicates, exit 0 when nothing is refused.
	cmd = command(t, data, "ingest", filepath.Join(src, "Đắk Lắk"))
	out, err = cmd.Output()
	if exitCode(err) != 0 || strings.Count(string(out), "trùng / duplicate") != 2 {
		t.Errorf("second run: exit %d, output:\n%s", exitCode(err), out)
	}
}

func TestServeAndToken(t *testing.T) {
	data := t.TempDir()
	out, err := command(t, data, "token", "create", "--org", "Sở VHTTDL", "--role", "curator").Output()
	tok := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(tok, "qb_") {
		t.Fatalf("token create: %q, %v", out, err)
	}
	addr := testbin.MustFreeAddr(t)
	cmd := command(t, data, "serve")
	cmd.Env = append(cmd.Env, "QUANGBA_ADDR="+addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve did not stop cleanly on SIGINT: %v\n%s", err, logs.String())
		}
	}()
	waitHTTP(t, "http://"+addr+"/healthz")
	for path, want := range map[string]int{"/readyz": 200, "/api/v1/assets": 401} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil || resp.StatusCode != want {
			t.Errorf("GET %s: %v %v, want %d", path, resp.StatusCode, err, want)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/assets", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("with token: %v %v", resp.StatusCode, err)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"ingest", "--help"}, {"token", "create", "--help"}} {
		if err := command(t, t.TempDir(), args...).Run(); exitCode(err) != 0 {
			t.Errorf("%v: exit %d", args, exitCode(err))
		}
	}
	if err := command(t, t.TempDir(), "frobnicate").Run(); exitCode(err) != 2 {
		t.Errorf("unknown command: exit %d, want 2", exitCode(err))
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(to), 0o755)
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	io.Copy(out, in)
}

func waitHTTP(t *testing.T, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if testbin.WaitHTTP(ctx, url) != nil {
		t.Fatalf("%s did not answer", url)
	}
}

// TestFirstAdmin: a fresh catalogue gets an admin whose password is in a
// file only the owner can read, and that admin can log in to the pages.
func TestFirstAdmin(t *testing.T) {
	data := t.TempDir()
	addr := testbin.MustFreeAddr(t)
	cmd := command(t, data, "serve")
	cmd.Env = append(cmd.Env, "QUANGBA_ADDR="+addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	waitHTTP(t, "http://"+addr+"/healthz")
	path := filepath.Join(data, "initial-admin-password")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("initial-admin-password: %v %v\n%s", st, err, logs.String())
	}
	pw, _ := os.ReadFile(path)
	if strings.Contains(logs.String(), strings.TrimSpace(string(pw))) {
		t.Error("the password is in the log")
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var csrf string
	for _, c := range jar.Cookies(resp.Request.URL) {
		if c.Name == "qb_csrf" {
			csrf = c.Value
		}
	}
	resp, err = client.PostForm("http://"+addr+"/login", url.Values{"login": {"admin"}, "password": {strings.TrimSpace(string(pw))}, "csrf": {csrf}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as the first admin: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	resp, err = client.Get("http://" + addr + "/admin")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("admin page: %v %v", resp.StatusCode, err)
	}
}
