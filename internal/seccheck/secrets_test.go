package seccheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/internal/testbin"
)

var binary string

func TestMain(m *testing.M) { testbin.Main(m, "quangba-seccheck", &binary) }

func command(t *testing.T, data string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir() // no configs/quangba.yaml here: defaults + environment
	cmd.Env = append(append(os.Environ(), "QUANGBA_DATA_DIR="+data, "QUANGBA_LOG_LEVEL=debug"), env...)
	return cmd
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var tokenPattern = regexp.MustCompile(`qb_[a-z2-7]{32}`)

// TestSecretsAtRest runs `quangba serve` on a fresh data folder, logs in
// as the first admin, creates an API token with `quangba token create`,
// uses both, stops the server and then reads every byte it left on disk
// and in its logs: the signing key and the first admin's password file are
// 0600 in a data folder that is 0700; the catalogue holds the token and the session only as SHA-256 (the
// hashes are there, the secrets are not) and the password only as
// argon2id; no log line carries the password, the token or the session.
func TestSecretsAtRest(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data") // serve creates it
	addr := testbin.MustFreeAddr(t)
	serve, err := testbin.Start(command(t, data, []string{"QUANGBA_ADDR=" + addr}, "serve"))
	if err != nil {
		t.Fatal(err)
	}
	logs := serve.Log
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			serve.Stop(time.Minute)
		}
	}
	defer stop()
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := serve.WaitReady(ctx, base+"/healthz"); err != nil {
		t.Fatalf("serve did not answer:\n%s", logs.String())
	}

	if st, err := os.Stat(data); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("data folder: %v %v, want mode 0700 (unpublished media and secrets)", st, err)
	}
	for _, name := range []string{"signing.key", "initial-admin-password"} {
		st, err := os.Stat(filepath.Join(data, name))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", name, st, err)
		}
	}
	if key, _ := os.ReadFile(filepath.Join(data, "signing.key")); len(key) < 32 {
		t.Errorf("signing key of %d bytes", len(key))
	}
	pwb, err := os.ReadFile(filepath.Join(data, "initial-admin-password"))
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(pwb))

	// Log in to the pages: a session cookie.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/")
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
	resp, err = client.PostForm(base+"/login", url.Values{"login": {"admin"}, "password": {password}, "csrf": {csrf}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v %v\n%s", resp, err, logs.String())
	}
	resp.Body.Close()
	var session string
	for _, c := range resp.Cookies() {
		if c.Name == "qb_session" {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie")
	}
	// A failed login with another password, as a mistyping user would.
	const wrong = "mật-khẩu-sai-Buôn-Hồ-2026"
	if resp, err := http.PostForm(base+"/login", url.Values{"login": {"admin"}, "password": {wrong}, "csrf": {csrf}}); err == nil {
		resp.Body.Close()
	}

	// A token from the command line, used on the API.
	tc := command(t, data, nil, "token", "create", "--org", "Báo Đắk Lắk", "--role", "contributor", "--user", "Nguyễn Văn A")
	var tcErr bytes.Buffer
	tc.Stderr = &tcErr
	out, err := tc.Output()
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, tcErr.String())
	}
	token := tokenPattern.FindString(string(out))
	if token == "" {
		t.Fatalf("token create printed no token: %q", out)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the new token on /api/v1/me: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	stop()

	// Every file the server left, including SQLite's journal if any.
	var catalogue bytes.Buffer
	filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "initial-admin-password" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		io.Copy(&catalogue, f)
		return nil
	})
	disk := catalogue.String()
	secrets := map[string]string{"admin password": password, "wrong password": wrong, "API token": token, "session cookie": session}
	for what, v := range secrets {
		if strings.Contains(disk, v) {
			t.Errorf("the %s is stored in the clear under the data folder", what)
		}
	}
	for what, v := range map[string]string{"API token": token, "session": session} {
		if !strings.Contains(disk, sha256Hex(v)) {
			t.Errorf("the %s's SHA-256 is not in the catalogue: the check read the wrong files", what)
		}
	}
	if !strings.Contains(disk, "$argon2id$") {
		t.Error("no argon2id password hash in the catalogue")
	}
	all := logs.String() + tcErr.String()
	if !strings.Contains(all, "/login") {
		t.Fatalf("serve logged no requests:\n%s", all)
	}
	for what, v := range secrets {
		if strings.Contains(all, v) || strings.Contains(all, url.QueryEscape(v)) {
			t.Errorf("the %s is in the logs", what)
		}
	}
}

// TestS3SecretNotLogged: the S3 secret key comes from the environment (or
// the configuration file), never from the command line, and when the
// storage cannot be reached the errors name the endpoint, not the secret.
func TestS3SecretNotLogged(t *testing.T) {
	const secret = "s3-secret-Krong-Bong-0123456789abcdef"
	const access = "quangba-access-key-id"
	dead := testbin.MustFreeAddr(t) // nothing listens there
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	for _, args := range [][]string{{"serve"}, {"check"}, {"ingest", "--org", "Báo Đắk Lắk", "../../testdata/media/images/gps/mde_HTC_Desire.jpg"}} {
		cmd := command(t, t.TempDir(), []string{"QUANGBA_ADDR=" + testbin.MustFreeAddr(t), "QUANGBA_S3_ENDPOINT=" + dead,
			"QUANGBA_S3_ACCESS_KEY=" + access, "QUANGBA_S3_SECRET_KEY=" + secret, "QUANGBA_S3_BUCKET=quangba"}, args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%v with unreachable storage exited 0", args)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Signal(os.Interrupt)
			<-done
		case <-ctx.Done():
			cmd.Process.Kill()
			<-done
		}
	}
	t.Logf("output with unreachable storage:\n%s", out.String())
	if !strings.Contains(out.String(), dead) {
		t.Errorf("the errors do not name the endpoint %s:\n%s", dead, out.String())
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("the S3 secret is in the output:\n%s", out.String())
	}
}
