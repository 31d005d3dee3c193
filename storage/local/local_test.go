package local

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/storagetest"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(Config{Dir: t.TempDir(), SigningKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s := newStore(t)
		t.Cleanup(func() { checkNoTemp(t, s) })
		return s
	})
}

// checkNoTemp checks that no Put, failed or not, left a file in @tmp.
func checkNoTemp(t *testing.T, s *Store) {
	entries, err := os.ReadDir(s.tmpDir)
	if err != nil {
		t.Errorf("read temp dir: %v", err)
	}
	for _, e := range entries {
		t.Errorf("temp file left behind: %s", e.Name())
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr string
	}{
		{Config{SigningKey: testKey}, "Dir is required"},
		{Config{Dir: "x", SigningKey: []byte("short")}, "SigningKey"},
		{Config{Dir: "x"}, "SigningKey"},
		{Config{Dir: "x", SigningKey: testKey}, ""},
	}
	for _, tt := range tests {
		err := tt.cfg.withDefaults().Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Validate(%+v) = %v, want error containing %q", tt.cfg, err, tt.wantErr)
		}
	}
}

func TestSignedURL(t *testing.T) {
	s := newStore(t)
	opts := storage.URLOptions{TTL: time.Hour, FileName: "Hồ Lắk & co.jpg", ContentType: "image/jpeg"}
	raw, err := s.SignedURL(t.Context(), "a/b.jpg", opts)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/blobs/a/b.jpg" {
		t.Errorf("path = %q, want /blobs/a/b.jpg", u.Path)
	}
	if !strings.HasPrefix(u.RawQuery, "exp=") {
		t.Errorf("query = %q, want it to start with exp=", u.RawQuery)
	}
	q := u.Query()
	now := time.Now()

	got, err := s.VerifySigned("a/b.jpg", q, now)
	if err != nil {
		t.Fatalf("VerifySigned: %v", err)
	}
	if got.FileName != opts.FileName || got.ContentType != opts.ContentType || got.TTL <= 59*time.Minute || got.TTL > time.Hour {
		t.Errorf("VerifySigned = %+v, want the signed options with about an hour left", got)
	}

	tamper := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range q {
			c[kk] = append([]string(nil), vv...)
		}
		if v == "" {
			c.Del(k)
		} else {
			c.Set(k, v)
		}
		return c
	}
	other, err := New(Config{Dir: t.TempDir(), SigningKey: []byte("another key of sixteen bytes")})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		s     *Store
		key   string
		query url.Values
		now   time.Time
	}{
		{"expired", s, "a/b.jpg", q, now.Add(time.Hour + time.Second)},
		{"other key", s, "a/c.jpg", q, now},
		{"name changed", s, "a/b.jpg", tamper("name", "evil.html"), now},
		{"name dropped", s, "a/b.jpg", tamper("name", ""), now},
		{"type changed", s, "a/b.jpg", tamper("type", "text/html"), now},
		{"expiry extended", s, "a/b.jpg", tamper("exp", "99999999999"), now},
		{"signature flipped", s, "a/b.jpg", tamper("sig", strings.Repeat("0", 64)), now},
		{"signature not hex", s, "a/b.jpg", tamper("sig", "zz"), now},
		{"no signature", s, "a/b.jpg", tamper("sig", ""), now},
		{"other signing key", other, "a/b.jpg", q, now},
	}
	for _, tt := range bad {
		if _, err := tt.s.VerifySigned(tt.key, tt.query, tt.now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: VerifySigned error = %v, want ErrBadSignature", tt.name, err)
		}
	}
}

func TestSignedURLDefaults(t *testing.T) {
	s, err := New(Config{Dir: t.TempDir(), SigningKey: testKey, URLPrefix: "https://cdn.example/b/"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.SignedURL(t.Context(), "k", storage.URLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(raw, "https://cdn.example/b/k?exp=") || strings.Contains(raw, "name=") || strings.Contains(raw, "type=") {
		t.Errorf("SignedURL = %q, want prefix, key, exp and sig only", raw)
	}
	u, _ := url.Parse(raw)
	got, err := s.VerifySigned("k", u.Query(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got.TTL < 14*time.Minute || got.TTL > 15*time.Minute {
		t.Errorf("TTL = %v, want the 15 minute default", got.TTL)
	}
}

// The disk's errors are not easy to provoke (we run as root, so read-only
// modes do not stop writes); classify is checked on the errors themselves.
func TestClassify(t *testing.T) {
	pathErr := func(errno syscall.Errno) error { return &fs.PathError{Op: "write", Path: "/x", Err: errno} }
	tests := []struct {
		err  error
		want error
	}{
		{pathErr(syscall.ENOSPC), storage.ErrUnavailable},
		{pathErr(syscall.EDQUOT), storage.ErrUnavailable},
		{pathErr(syscall.EACCES), storage.ErrUnavailable},
		{pathErr(syscall.EROFS), storage.ErrUnavailable},
		{pathErr(syscall.EIO), storage.ErrUnavailable},
		{pathErr(syscall.ENOENT), storage.ErrNotFound},
		{pathErr(syscall.ENOTDIR), storage.ErrNotFound},
	}
	// /dev/full fails every write with a real ENOSPC from the kernel.
	if f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0); err == nil {
		_, werr := f.Write([]byte("x"))
		f.Close()
		tests = append(tests, struct{ err, want error }{werr, storage.ErrUnavailable})
	} else {
		t.Errorf("open /dev/full: %v", err)
	}
	for _, tt := range tests {
		got := classify(tt.err)
		if !errors.Is(got, tt.want) || !errors.Is(got, tt.err.(*fs.PathError).Err) {
			t.Errorf("classify(%v) = %v, want it to wrap %v and keep the cause", tt.err, got, tt.want)
		}
	}
	if got := writeErr(pathErr(syscall.ENOSPC)); !errors.Is(got, storage.ErrUnavailable) {
		t.Errorf("writeErr(ENOSPC) = %v, want ErrUnavailable", got)
	}
}

func TestKeyClash(t *testing.T) {
	s := newStore(t)
	if _, err := s.Put(t.Context(), "a", strings.NewReader("x"), 1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), "a/b", strings.NewReader("x"), 1, storage.PutOptions{}); !errors.Is(err, storage.ErrInvalidKey) {
		t.Errorf("Put(a/b) over object a: error = %v, want ErrInvalidKey", err)
	}
	if _, err := s.Put(t.Context(), "c/d", strings.NewReader("x"), 1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), "c", strings.NewReader("x"), 1, storage.PutOptions{}); !errors.Is(err, storage.ErrInvalidKey) {
		t.Errorf("Put(c) over folder c/: error = %v, want ErrInvalidKey", err)
	}
	checkNoTemp(t, s)
}

func TestDeleteRemovesEmptyFolders(t *testing.T) {
	s := newStore(t)
	for _, k := range []string{"x/y/z", "x/keep"} {
		if _, err := s.Put(t.Context(), k, strings.NewReader("x"), 1, storage.PutOptions{ContentType: "text/plain"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(t.Context(), "x/y/z"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(s.dir, "x", "y"), filepath.Join(s.metaDir, "x", "y")} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists after its last object was deleted (err %v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(s.dir, "x", "keep")); err != nil {
		t.Errorf("sibling object gone: %v", err)
	}
}

// A sidecar whose Put failed before the data was renamed must not lend its
// content type to the object that is there.
func TestStaleSidecarIgnored(t *testing.T) {
	s := newStore(t)
	if _, err := s.Put(t.Context(), "k", strings.NewReader("old"), 3, storage.PutOptions{ContentType: "image/png"}); err != nil {
		t.Fatal(err)
	}
	tmp, fi, err := s.writeTemp(t.Context(), strings.NewReader("new!"), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(tmp)
	if err := s.writeMeta("k", "video/mp4", fi); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != defaultContentType {
		t.Errorf("ContentType = %q with a sidecar for another file, want %q", info.ContentType, defaultContentType)
	}
}

func TestStaleTempRemoved(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Config{Dir: dir, SigningKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	old, fresh := filepath.Join(s.tmpDir, "put-old"), filepath.Join(s.tmpDir, "put-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	longAgo := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(old, longAgo, longAgo); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Dir: dir, SigningKey: testKey}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temp file survived New: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file (maybe another process's Put) removed: %v", err)
	}
}

func TestPingUnavailable(t *testing.T) {
	s := newStore(t)
	if err := os.RemoveAll(s.dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("Ping with the folder gone = %v, want ErrUnavailable", err)
	}
}
