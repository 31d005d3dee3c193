package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// userRun runs "quangba user ARGS" in process against the data folder
// set by userEnv, with stdin as standard input.
func userRun(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runUser(context.Background(), args, stdin, &out, &errOut)
	return code, out.String(), errOut.String()
}

// userEnv points the configuration at a fresh data folder.
func userEnv(t *testing.T) {
	t.Chdir(t.TempDir()) // no configs/quangba.yaml here: defaults + environment
	t.Setenv("QUANGBA_DATA_DIR", t.TempDir())
}

func TestUserCommand(t *testing.T) {
	userEnv(t)
	none := strings.NewReader("")
	code, out, errOut := userRun(t, none, "add", "--org", "Sở VHTTDL", "--role", "admin", "--name", "Lan.Nguyen",
		"--display", "Nguyễn Thị Lan", "--password", "Hội An về đêm 2024")
	if code != 0 || !strings.Contains(out, "Lan.Nguyen") {
		t.Fatalf("add with --password: exit %d\n%s%s", code, out, errOut)
	}

	// Password piped on standard input, as a script would.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "mật khẩu từ ống dẫn\n")
	w.Close()
	code, out, errOut = userRun(t, r, "add", "--org", "Báo Đắk Lắk", "--role", "contributor", "--name", "minh.le")
	r.Close()
	if code != 0 {
		t.Fatalf("add with piped password: exit %d\n%s%s", code, out, errOut)
	}

	// The same login in another case, another organisation: refused, exit 1, both languages.
	code, _, errOut = userRun(t, strings.NewReader("mật khẩu từ ống dẫn\n"), "add", "--org", "Báo Đắk Lắk", "--role", "contributor", "--name", "LAN.NGUYEN")
	if code != 1 || !strings.Contains(errOut, "đã có người dùng") || !strings.Contains(errOut, "is taken") {
		t.Errorf("duplicate login: exit %d, %s", code, errOut)
	}
	// Weak password on stdin: exit 1 with the policy in both languages.
	code, _, errOut = userRun(t, strings.NewReader("short\n"), "add", "--org", "X", "--role", "curator", "--name", "hoa.pham")
	if code != 1 || !strings.Contains(errOut, "ít nhất 10 ký tự") || !strings.Contains(errOut, "at least 10 characters") {
		t.Errorf("weak password: exit %d, %s", code, errOut)
	}

	code, out, errOut = userRun(t, none, "list")
	if code != 0 {
		t.Fatalf("list: exit %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "LOGIN") || !strings.Contains(lines[1], "minh.le") || !strings.Contains(lines[1], "Báo Đắk Lắk") ||
		!strings.Contains(lines[2], "Nguyễn Thị Lan") || !strings.Contains(lines[2], "admin") || !strings.Contains(lines[2], "active") {
		t.Errorf("list:\n%s", out)
	}
	code, out, _ = userRun(t, none, "list", "--org", "Sở VHTTDL")
	if code != 0 || strings.Contains(out, "minh.le") || !strings.Contains(out, "Lan.Nguyen") {
		t.Errorf("list --org: exit %d\n%s", code, out)
	}
	if code, _, errOut = userRun(t, none, "list", "--org", "Không có"); code != 1 {
		t.Errorf("list of an unknown organisation: exit %d %s", code, errOut)
	}

	code, out, errOut = userRun(t, strings.NewReader("mật khẩu được đặt lại\n"), "passwd", "--name", "lan.nguyen")
	if code != 0 || !strings.Contains(out, "Lan.Nguyen") {
		t.Errorf("passwd: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ = userRun(t, strings.NewReader("mật khẩu được đặt lại\n"), "passwd", "--name", "nobody"); code != 1 {
		t.Errorf("passwd of an unknown login: exit %d", code)
	}
}

func TestUserCommandUsage(t *testing.T) {
	userEnv(t)
	none := strings.NewReader("")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"add", "--org", "X", "--role", "boss", "--name", "lan.nguyen", "--password", "Hội An về đêm 2024"}, 2, "unknown role"},
		{[]string{"add", "--org", "X", "--role", "admin"}, 2, "--name"},
		{[]string{"add", "--org", "X", "--role", "admin", "--name", "lan nguyen", "--password", "Hội An về đêm 2024"}, 2, "login may only"},
		{[]string{"add", "--bogus"}, 2, "bogus"},
		{[]string{"passwd"}, 2, "--name"},
		{[]string{"frob"}, 2, "unknown command"},
		{nil, 2, "Usage"},
		{[]string{"--help"}, 0, "Usage"},
		{[]string{"add", "--help"}, 0, "Usage"},
	} {
		code, _, errOut := userRun(t, none, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("user %v: exit %d, want %d; stderr:\n%s", c.args, code, c.code, errOut)
		}
	}
}
