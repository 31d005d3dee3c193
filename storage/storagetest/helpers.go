package storagetest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/quangba/quangba/storage"
)

// NewReader returns n deterministic pseudo-random bytes from seed. It is
// a plain io.Reader: no ReadAt, no Seek, no WriteTo.
func NewReader(seed uint64, n int64) io.Reader {
	return &io.LimitedReader{R: rand.NewChaCha8(seedBytes(seed)), N: n}
}

// Bytes returns what NewReader(seed, n) reads.
func Bytes(seed uint64, n int64) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(seedBytes(seed)).Read(b)
	return b
}

func seedBytes(seed uint64) (s [32]byte) {
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return s
}

// onlyReader hides everything but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// failingReader returns errBoom once after bytes have been read.
type failingReader struct {
	r     io.Reader
	after int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errBoom
	}
	if int64(len(p)) > f.after {
		p = p[:f.after]
	}
	n, err := f.r.Read(p)
	f.after -= int64(n)
	return n, err
}

// cancellingReader calls cancel once after bytes have been read and then
// goes on reading as if nothing happened.
type cancellingReader struct {
	r      io.Reader
	after  int64
	cancel func()
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.after -= int64(n)
	if c.after <= 0 {
		c.cancel()
	}
	return n, err
}

func contentType(ct string) string {
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}

func put(t *testing.T, s storage.Store, key string, data []byte, opts storage.PutOptions) {
	t.Helper()
	if _, err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), opts); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func read(t *testing.T, s storage.Store, key string) ([]byte, storage.Info) {
	t.Helper()
	rc, info, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b, info
}

// checkInfo compares the fields a backend must fill; ModTime must be recent.
func checkInfo(t *testing.T, op string, got, want storage.Info) {
	t.Helper()
	if got.Key != want.Key || got.Size != want.Size || got.ContentType != want.ContentType {
		t.Errorf("%s(%q) Info = {Key %q, Size %d, ContentType %q}, want {%q, %d, %q}",
			op, want.Key, got.Key, got.Size, got.ContentType, want.Key, want.Size, want.ContentType)
	}
	if d := time.Since(got.ModTime); d < -time.Minute || d > time.Hour {
		t.Errorf("%s(%q) ModTime = %v, want about now", op, want.Key, got.ModTime)
	}
}

// checkAbsent checks that no object, whole or partial, exists under key.
func checkAbsent(t *testing.T, s storage.Store, key string) {
	t.Helper()
	if info, err := s.Stat(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(%q) = %+v, %v; want ErrNotFound", key, info, err)
	}
	checkList(t, s, key, nil)
}

func checkList(t *testing.T, s storage.Store, prefix string, want []string) {
	t.Helper()
	var got []string
	err := s.List(t.Context(), prefix, func(info storage.Info) error {
		got = append(got, info.Key)
		return nil
	})
	if err != nil {
		t.Errorf("List(%q): %v", prefix, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List(%q) = %q, want %q", prefix, got, want)
	}
}
