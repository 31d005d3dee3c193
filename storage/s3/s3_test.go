package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/storagetest"
)

var bucketSeq atomic.Int64

func config(srv *miniotest.Server, bucket string) Config {
	return Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket}
}

// newStore returns a Store on srv, on a new bucket unless cfg names one.
func newStore(t testing.TB, srv *miniotest.Server, cfg Config) *Store {
	t.Helper()
	if cfg.Endpoint == "" {
		cfg.Endpoint, cfg.AccessKey, cfg.SecretKey = srv.Endpoint, srv.AccessKey, srv.SecretKey
	}
	if cfg.Bucket == "" {
		cfg.Bucket = fmt.Sprintf("test-%04d", bucketSeq.Add(1))
	}
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// rawClient is a plain minio-go client, to look at the bucket behind the
// Store's back.
func rawClient(t testing.TB, srv *miniotest.Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNoUploads checks that no incomplete multipart upload is left in the
// bucket: a failed Put must abort its upload.
func checkNoUploads(t *testing.T, srv *miniotest.Server, bucket string) {
	t.Helper()
	for u := range rawClient(t, srv).ListIncompleteUploads(context.Background(), bucket, "", true) {
		if u.Err != nil {
			t.Errorf("list incomplete uploads: %v", u.Err)
			continue
		}
		t.Errorf("incomplete multipart upload left behind: key %s, upload %s", u.Key, u.UploadID)
	}
}

func TestConformance(t *testing.T) {
	srv := miniotest.Start(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s := newStore(t, srv, Config{})
		t.Cleanup(func() { checkNoUploads(t, srv, s.cfg.Bucket) })
		return s
	})
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Endpoint: "127.0.0.1:9000", Bucket: "b"}
	tests := []struct {
		name    string
		mod     func(c *Config)
		wantErr string
	}{
		{"defaults", func(c *Config) {}, ""},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "Endpoint is required"},
		{"scheme", func(c *Config) { c.Endpoint = "http://127.0.0.1:9000" }, "without a scheme"},
		{"no bucket", func(c *Config) { c.Bucket = "" }, "Bucket is required"},
		{"tiny parts", func(c *Config) { c.PartSize = 1 << 20 }, "PartSize"},
	}
	for _, tt := range tests {
		c := ok
		tt.mod(&c)
		err := c.withDefaults().Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: Validate = %v, want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestPartSize(t *testing.T) {
	s := &Store{cfg: Config{PartSize: 16 << 20}}
	tests := []struct {
		size int64
		want uint64
	}{
		{-1, 16 << 20},
		{0, 16 << 20},
		{4 << 30, 16 << 20},
		{10000 * 16 << 20, 16 << 20},
		{10000*16<<20 + 1, 17 << 20},
		{1 << 40, 105 << 20}, // 1 TiB in at most 10,000 parts of whole MiB
	}
	for _, tt := range tests {
		got := s.partSize(tt.size)
		if got != tt.want {
			t.Errorf("partSize(%d) = %d MiB, want %d MiB", tt.size, got>>20, tt.want>>20)
		}
		if tt.size > 0 && uint64(tt.size) > got*maxParts {
			t.Errorf("partSize(%d) = %d needs more than %d parts", tt.size, got, maxParts)
		}
	}
}

func TestReadUpTo(t *testing.T) {
	for _, n := range []int64{0, 1, 64 << 10, 64<<10 + 1, 1 << 20, 3 << 20} {
		data := storagetest.Bytes(uint64(n), n)
		got, err := readUpTo(t.Context(), bytes.NewReader(data), 1<<20)
		want := data[:min(n, 1<<20)]
		if err != nil || !bytes.Equal(got, want) || cap(got) > 1<<20 {
			t.Errorf("readUpTo(%d bytes, 1 MiB) = %d bytes (cap %d), %v; want the first %d bytes", n, len(got), cap(got), err, len(want))
		}
	}
}

// slowReader hands out data slowly once it has read `after` bytes, and
// closes reached at that point.
type slowReader struct {
	data    []byte
	off     int64
	after   int64
	reached chan struct{}
}

func newSlowReader(data []byte, after int64) *slowReader {
	return &slowReader{data: data, after: after, reached: make(chan struct{})}
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	if r.off >= r.after {
		select {
		case <-r.reached:
		default:
			close(r.reached)
		}
		time.Sleep(10 * time.Millisecond)
		p = p[:min(len(p), 64<<10)]
	}
	n := copy(p, r.data[r.off:])
	r.off += int64(n)
	return n, nil
}

// slowFile is a slowReader that is also an io.ReaderAt and io.Seeker, so
// Put takes the parallel path for files.
type slowFile struct{ *slowReader }

func (f slowFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.after {
		select {
		case <-f.reached:
		default:
			close(f.reached)
		}
		time.Sleep(10 * time.Millisecond)
		p = p[:min(len(p), 64<<10)]
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f slowFile) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekCurrent {
		return 0, errors.New("slowFile: only Seek(0, SeekCurrent)")
	}
	return 0, nil
}

// TestStorageGoesAway stops MinIO while a Put is streaming: Put must fail
// with ErrUnavailable, nothing may be visible after a restart, and the same
// Put must then succeed. Retries are cut to 2 so that Put gives up in well
// under a second instead of about 8 (see TestStorageBlip for the default).
func TestStorageGoesAway(t *testing.T) {
	srv := miniotest.Start(t)
	s := newStore(t, srv, Config{PartSize: 5 << 20, MaxRetries: 2})
	const size = 24 << 20
	data := storagetest.Bytes(9, size)
	// r returns the reader and a channel closed when it has read `slow`
	// bytes and slows down.
	tests := []struct {
		name string
		size int64
		r    func(slow int64) (io.Reader, <-chan struct{})
	}{
		{"unknown size", -1, func(slow int64) (io.Reader, <-chan struct{}) {
			r := newSlowReader(data, slow)
			return r, r.reached
		}},
		{"known size", size, func(slow int64) (io.Reader, <-chan struct{}) {
			r := newSlowReader(data, slow)
			return r, r.reached
		}},
		{"file", size, func(slow int64) (io.Reader, <-chan struct{}) {
			r := slowFile{newSlowReader(data, slow)}
			return r, r.reached
		}},
	}
	for _, tt := range tests {
		key := "outage/" + strings.ReplaceAll(tt.name, " ", "-")
		r, reached := tt.r(12 << 20)
		errc := make(chan error, 1)
		go func() {
			_, err := s.Put(t.Context(), key, r, tt.size, storage.PutOptions{})
			errc <- err
		}()
		select {
		case <-reached:
		case err := <-errc:
			t.Fatalf("%s: Put returned before the outage: %v", tt.name, err)
		case <-time.After(time.Minute):
			t.Fatalf("%s: Put did not read 12 MiB in a minute", tt.name)
		}
		stopAt := time.Now()
		srv.Stop()
		t.Logf("%s: stop took %s", tt.name, time.Since(stopAt))
		var err error
		select {
		case err = <-errc:
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s: Put still running 2 minutes after MinIO stopped", tt.name)
		}
		t.Logf("%s: Put failed %s after the stop began: %v", tt.name, time.Since(stopAt), err)
		if !errors.Is(err, storage.ErrUnavailable) {
			t.Errorf("%s: Put during an outage: error = %v, want ErrUnavailable", tt.name, err)
		}
		checkNoMinioTypes(t, err)
		srv.Restart(t)

		if info, err := s.Stat(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: Stat after the failed Put = %+v, %v; want ErrNotFound", tt.name, info, err)
		}
		n := 0
		if err := s.List(t.Context(), key, func(storage.Info) error { n++; return nil }); err != nil || n != 0 {
			t.Errorf("%s: List after the failed Put: %d objects, %v; want none", tt.name, n, err)
		}
		// Not checked: the upload's parts. minio-go's abort ran while the
		// server was down; MinIO expires such uploads after 24 hours.
		for u := range rawClient(t, srv).ListIncompleteUploads(t.Context(), s.cfg.Bucket, key, false) {
			t.Logf("%s: incomplete upload left for MinIO to expire: %s (err %v)", tt.name, u.UploadID, u.Err)
		}

		r, _ = tt.r(size) // at full speed

		if _, err := s.Put(t.Context(), key, r, tt.size, storage.PutOptions{}); err != nil {
			t.Fatalf("%s: Put after restart: %v", tt.name, err)
		}
		rc, _, err := s.Open(t.Context(), key)
		if err != nil {
			t.Fatalf("%s: Open after retry: %v", tt.name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: object after retry: %d bytes, %v; want the %d bytes put", tt.name, len(got), err, size)
		}
	}
}

// TestStorageBlip restarts MinIO while a Put is streaming: with the default
// retries minio-go resends the interrupted part and the Put succeeds.
func TestStorageBlip(t *testing.T) {
	srv := miniotest.Start(t)
	s := newStore(t, srv, Config{PartSize: 5 << 20})
	const size = 24 << 20
	data := storagetest.Bytes(11, size)
	r := newSlowReader(data, 12<<20)
	errc := make(chan error, 1)
	go func() {
		_, err := s.Put(t.Context(), "blip", r, size, storage.PutOptions{})
		errc <- err
	}()
	select {
	case <-r.reached:
	case err := <-errc:
		t.Fatalf("Put returned before the restart: %v", err)
	}
	srv.Restart(t)
	if err := <-errc; err != nil {
		t.Fatalf("Put across a quick restart: %v", err)
	}
	rc, _, err := s.Open(t.Context(), "blip")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("object after the restart: %d bytes, %v; want the %d bytes put", len(got), err, size)
	}
	checkNoUploads(t, srv, s.cfg.Bucket)
}

func TestPingOutage(t *testing.T) {
	srv := miniotest.Start(t)
	s := newStore(t, srv, Config{})
	// Without retries, errors come straight from the refused connections
	// instead of from a deadline.
	quick := newStore(t, srv, Config{Bucket: s.cfg.Bucket, MaxRetries: 1})
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	srv.Stop()
	start := time.Now()
	err := s.Ping(t.Context())
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("Ping while stopped = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > pingTimeout+5*time.Second {
		t.Errorf("Ping while stopped took %s, want about %s at most", d, pingTimeout)
	}
	checkNoMinioTypes(t, err)
	ops := map[string]func(ctx context.Context) error{
		"Ping":   quick.Ping,
		"Stat":   func(ctx context.Context) error { _, err := quick.Stat(ctx, "k"); return err },
		"Open":   func(ctx context.Context) error { _, _, err := quick.Open(ctx, "k"); return err },
		"Delete": func(ctx context.Context) error { return quick.Delete(ctx, "k") },
		"List": func(ctx context.Context) error {
			return quick.List(ctx, "", func(storage.Info) error { return nil })
		},
		"Put": func(ctx context.Context) error {
			_, err := quick.Put(ctx, "k", strings.NewReader("x"), 1, storage.PutOptions{})
			return err
		},
		"Put unknown size": func(ctx context.Context) error {
			_, err := quick.Put(ctx, "k", strings.NewReader("x"), -1, storage.PutOptions{})
			return err
		},
	}
	for name, op := range ops {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := op(ctx)
		cancel()
		if !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s while stopped = %v, want ErrUnavailable from the refused connection", name, err)
		}
		checkNoMinioTypes(t, err)
	}
	srv.Restart(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping after restart: %v", err)
	}
}

func TestNewUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, err = New(ctx, Config{Endpoint: addr, AccessKey: "a", SecretKey: "b", Bucket: "unreachable"})
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("New on a closed port = %v, want ErrUnavailable", err)
	}
	checkNoMinioTypes(t, err)
}

func TestNewBadCredentials(t *testing.T) {
	srv := miniotest.Start(t)
	cfg := config(srv, "creds")
	cfg.SecretKey = "wrong-secret"
	_, err := New(t.Context(), cfg)
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("New with a wrong secret = %v, want ErrUnavailable", err)
	}
	checkNoMinioTypes(t, err)
}

func TestNewCreatesBucket(t *testing.T) {
	srv := miniotest.Start(t)
	for range 2 { // the second New finds the bucket
		newStore(t, srv, config(srv, "made-by-new"))
	}
	ok, err := rawClient(t, srv).BucketExists(t.Context(), "made-by-new")
	if err != nil || !ok {
		t.Errorf("bucket made-by-new exists = %v, %v; want true", ok, err)
	}
}

func TestErrorsCarryNoMinioTypes(t *testing.T) {
	srv := miniotest.Start(t)
	s := newStore(t, srv, Config{})
	_, err := s.Stat(t.Context(), "missing")
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(missing) = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "missing") {
		t.Errorf("Stat(missing) error %q does not name the key", err)
	}
	checkNoMinioTypes(t, err)
	_, _, err = s.Open(t.Context(), "missing")
	checkNoMinioTypes(t, err)
}

// checkNoMinioTypes walks err's tree and fails on any value whose type
// comes from minio-go.
func checkNoMinioTypes(t *testing.T, err error) {
	t.Helper()
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		typ := reflect.TypeOf(e)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if strings.Contains(typ.PkgPath(), "minio-go") {
			t.Errorf("error %q carries the minio-go type %s", err, typ)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
}

func TestPresignedDownload(t *testing.T) {
	srv := miniotest.Start(t)
	s := newStore(t, srv, Config{})
	data := storagetest.Bytes(10, 12345)
	if _, err := s.Put(t.Context(), "p/x", bytes.NewReader(data), int64(len(data)), storage.PutOptions{ContentType: "application/octet-stream"}); err != nil {
		t.Fatal(err)
	}
	u, err := s.SignedURL(t.Context(), "p/x", storage.URLOptions{TTL: time.Minute, FileName: "Hồ Lắk.jpg", ContentType: "image/jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET presigned: %s, %d bytes; want 200 and %d bytes", resp.Status, len(got), len(data))
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "Hồ Lắk.jpg" {
		t.Errorf("Content-Disposition %q: filename %q (%v), want %q", resp.Header.Get("Content-Disposition"), params["filename"], err, "Hồ Lắk.jpg")
	}
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type = %q, want image/jpeg", ct)
	}

	// The response headers are signed: changing one breaks the URL.
	tampered := strings.Replace(u, "image%2Fjpeg", "text%2Fhtml", 1)
	if tampered == u {
		t.Fatalf("URL %s has no response-content-type to tamper with", u)
	}
	resp, err = http.Get(tampered)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET tampered URL: %s, want 403", resp.Status)
	}
}
