// Package storagetest is the conformance suite that every storage.Store
// backend passes.
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quangba/quangba/storage"
)

// LargeSize is the size of the streamed objects: big enough to need several
// multipart parts of 16 MiB.
const LargeSize = 40 << 20

// Run runs the suite. newStore returns an empty store for one subtest; it
// cleans up after itself with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Missing", testMissing},
		{"InvalidKeys", testInvalidKeys},
		{"List", testList},
		{"ListStops", testListStops},
		{"Large", testLarge},
		{"FailingReader", testFailingReader},
		{"FailedOverwriteKeepsOld", testFailedOverwriteKeepsOld},
		{"ShortReader", testShortReader},
		{"Cancelled", testCancelled},
		{"SignedURL", testSignedURL},
		{"Concurrent", testConcurrent},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	tests := []struct {
		key  string
		size int
		ct   string
	}{
		{"empty", 0, ""},
		{"one", 1, "text/plain"},
		{"a/b/c.jpg", 1000, "image/jpeg"},
		{"originals/ab/abcdef", 3<<20 + 7, "video/mp4"},
	}
	for _, tt := range tests {
		for _, known := range []bool{true, false} {
			data := Bytes(uint64(tt.size), int64(tt.size))
			size := int64(len(data))
			if !known {
				size = -1
			}
			info, err := s.Put(t.Context(), tt.key, onlyReader{bytes.NewReader(data)}, size, storage.PutOptions{ContentType: tt.ct})
			if err != nil {
				t.Fatalf("Put(%q, size %d): %v", tt.key, size, err)
			}
			want := storage.Info{Key: tt.key, Size: int64(len(data)), ContentType: contentType(tt.ct)}
			checkInfo(t, "Put", info, want)
			got, info := read(t, s, tt.key)
			checkInfo(t, "Open", info, want)
			if !bytes.Equal(got, data) {
				t.Errorf("Open(%q) after Put with size %d: got %d bytes, want %d (content differs)", tt.key, size, len(got), len(data))
			}
			info, err = s.Stat(t.Context(), tt.key)
			if err != nil {
				t.Fatalf("Stat(%q): %v", tt.key, err)
			}
			checkInfo(t, "Stat", info, want)
		}
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	put(t, s, "k", []byte("first version, longer"), storage.PutOptions{ContentType: "text/plain"})
	put(t, s, "k", []byte("second"), storage.PutOptions{})
	got, info := read(t, s, "k")
	if string(got) != "second" {
		t.Errorf("Open after overwrite = %q, want %q", got, "second")
	}
	checkInfo(t, "Open", info, storage.Info{Key: "k", Size: 6, ContentType: contentType("")})
}

func testMissing(t *testing.T, s storage.Store) {
	put(t, s, "there", []byte("x"), storage.PutOptions{})
	for _, key := range []string{"missing", "there/below", "the"} {
		if rc, _, err := s.Open(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Open(%q) error = %v, want ErrNotFound", key, err)
			if rc != nil {
				rc.Close()
			}
		}
		if _, err := s.Stat(t.Context(), key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Stat(%q) error = %v, want ErrNotFound", key, err)
		}
		if err := s.Delete(t.Context(), key); err != nil {
			t.Errorf("Delete(%q) of a missing key = %v, want nil", key, err)
		}
	}
	if err := s.Delete(t.Context(), "there"); err != nil {
		t.Fatalf("Delete(there): %v", err)
	}
	if _, err := s.Stat(t.Context(), "there"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after Delete: error = %v, want ErrNotFound", err)
	}
	if err := s.Delete(t.Context(), "there"); err != nil {
		t.Errorf("second Delete = %v, want nil", err)
	}
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	keys := []string{"", "../x", "/a", "a/", "a//b", "a/./b", "a/../b", "..", ".", "a b", "a\\b", "ä", "a?b", "a%2fb", strings.Repeat("k", 1025)}
	for _, key := range keys {
		ops := map[string]error{}
		_, ops["Put"] = s.Put(t.Context(), key, strings.NewReader("x"), 1, storage.PutOptions{})
		_, _, ops["Open"] = s.Open(t.Context(), key)
		_, ops["Stat"] = s.Stat(t.Context(), key)
		ops["Delete"] = s.Delete(t.Context(), key)
		_, ops["SignedURL"] = s.SignedURL(t.Context(), key, storage.URLOptions{})
		for op, err := range ops {
			if !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("%s(%.40q) error = %v, want ErrInvalidKey", op, key, err)
			}
		}
	}
	checkList(t, s, "", nil)
}

// listKeys sort differently as keys than as a tree of folders: "a-c" and
// "a.d" come before "a/b" because '-' and '.' sort before '/'.
var listKeys = []string{"a/b", "a-c", "a/c/d", "a.d", "ab", "b", "a/c/e", "a/c-f", "b0/x"}

func testList(t *testing.T, s storage.Store) {
	for i, k := range listKeys {
		put(t, s, k, Bytes(uint64(i), int64(i)), storage.PutOptions{})
	}
	for _, prefix := range []string{"", "a", "a/", "a/c", "a/c/", "a/c/d", "b", "c", "a/c/d/"} {
		var want []string
		for _, k := range listKeys {
			if strings.HasPrefix(k, prefix) {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		checkList(t, s, prefix, want)
	}
	err := s.List(t.Context(), "", func(info storage.Info) error {
		if want := int64(slices.Index(listKeys, info.Key)); info.Size != want {
			t.Errorf("List: %s has size %d, want %d", info.Key, info.Size, want)
		}
		if info.ModTime.IsZero() {
			t.Errorf("List: %s has no ModTime", info.Key)
		}
		return nil
	})
	if err != nil {
		t.Errorf("List: %v", err)
	}
}

func testListStops(t *testing.T, s storage.Store) {
	for _, k := range listKeys {
		put(t, s, k, []byte(k), storage.PutOptions{})
	}
	stop := errors.New("enough")
	var seen []string
	err := s.List(t.Context(), "", func(info storage.Info) error {
		seen = append(seen, info.Key)
		if len(seen) == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("List error = %v, want the error returned by fn", err)
	}
	if want := []string{"a-c", "a.d", "a/b"}; !slices.Equal(seen, want) {
		t.Errorf("List called fn for %q, want %q and then stop", seen, want)
	}
}

func testLarge(t *testing.T, s storage.Store) {
	data := Bytes(3, LargeSize)
	want := sha256.Sum256(data)
	file := filepath.Join(t.TempDir(), "large")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	data = nil
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"unknown size", NewReader(3, LargeSize), -1},
		{"known size", NewReader(3, LargeSize), LargeSize},
		{"file", f, LargeSize}, // an io.ReaderAt with known size: S3 uploads parts in parallel
	}
	for i, tt := range tests {
		key := fmt.Sprintf("large/%d", i)
		info, err := s.Put(t.Context(), key, tt.r, tt.size, storage.PutOptions{ContentType: "video/mp4"})
		if err != nil {
			t.Fatalf("%s: Put: %v", tt.name, err)
		}
		if info.Size != LargeSize {
			t.Errorf("%s: Put size = %d, want %d", tt.name, info.Size, LargeSize)
		}
		rc, info, err := s.Open(t.Context(), key)
		if err != nil {
			t.Fatalf("%s: Open: %v", tt.name, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: read: %v", tt.name, err)
		}
		if n != LargeSize || info.Size != LargeSize {
			t.Errorf("%s: read %d bytes, Info.Size %d, want %d", tt.name, n, info.Size, LargeSize)
		}
		if !bytes.Equal(h.Sum(nil), want[:]) {
			t.Errorf("%s: SHA-256 of the stored object differs from what was put", tt.name)
		}
	}
}

var errBoom = errors.New("storagetest: reader failed")

func testFailingReader(t *testing.T, s storage.Store) {
	tests := []struct {
		name        string
		total, fail int64
	}{
		{"small", 2000, 1000},
		{"at start", 2000, 0},
		{"large", LargeSize, LargeSize/2 + 12345},
	}
	for _, tt := range tests {
		for _, size := range []int64{tt.total, -1} {
			key := fmt.Sprintf("fail/%s/%d", strings.ReplaceAll(tt.name, " ", "-"), size)
			r := &failingReader{r: NewReader(4, tt.total), after: tt.fail}
			_, err := s.Put(t.Context(), key, r, size, storage.PutOptions{})
			if !errors.Is(err, errBoom) || errors.Is(err, storage.ErrUnavailable) {
				t.Errorf("Put(%s, size %d) from a failing reader: error = %v, want the reader's error and not ErrUnavailable", key, size, err)
			}
			checkAbsent(t, s, key)
		}
	}
	checkList(t, s, "", nil)
}

func testFailedOverwriteKeepsOld(t *testing.T, s storage.Store) {
	put(t, s, "k", []byte("old"), storage.PutOptions{})
	r := &failingReader{r: NewReader(5, 1000), after: 500}
	if _, err := s.Put(t.Context(), "k", r, 1000, storage.PutOptions{}); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if got, _ := read(t, s, "k"); string(got) != "old" {
		t.Errorf("after a failed overwrite Open = %q, want %q", got, "old")
	}
}

func testShortReader(t *testing.T, s storage.Store) {
	for _, n := range []int64{0, 500, LargeSize / 2} {
		key := fmt.Sprintf("short/%d", n)
		size := n + 500
		if n == LargeSize/2 {
			size = LargeSize
		}
		_, err := s.Put(t.Context(), key, NewReader(6, n), size, storage.PutOptions{})
		if err == nil || errors.Is(err, storage.ErrUnavailable) {
			t.Errorf("Put(%s) of %d bytes with size %d: error = %v, want an error that is not ErrUnavailable", key, n, size, err)
		}
		checkAbsent(t, s, key)
	}
}

func testCancelled(t *testing.T, s storage.Store) {
	c, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Put(c, "before", strings.NewReader("data"), 4, storage.PutOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: error = %v, want context.Canceled", err)
	}
	checkAbsent(t, s, "before")

	// Cancelled while the data flows; the reader goes on as if nothing happened.
	for _, size := range []int64{LargeSize, -1, 100 << 10} {
		key := fmt.Sprintf("during/%d", size)
		c, cancel := context.WithCancel(t.Context())
		total := size
		if total < 0 {
			total = LargeSize
		}
		r := &cancellingReader{r: NewReader(7, total), after: total / 2, cancel: cancel}
		_, err := s.Put(c, key, r, size, storage.PutOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Put(%s) cancelled midway: error = %v, want context.Canceled", key, err)
		}
		checkAbsent(t, s, key)
	}
	checkList(t, s, "", nil)
}

func testSignedURL(t *testing.T, s storage.Store) {
	data := Bytes(8, 100<<10)
	put(t, s, "signed/photo.jpg", data, storage.PutOptions{ContentType: "image/jpeg"})
	opts := storage.URLOptions{TTL: time.Minute, FileName: "Hồ Lắk.jpg", ContentType: "image/jpeg"}
	u, err := s.SignedURL(t.Context(), "signed/photo.jpg", opts)
	if err != nil {
		t.Fatalf("SignedURL: %v", err)
	}
	if u == "" {
		t.Fatal("SignedURL returned an empty URL")
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return // served by our own handler; the backend's tests check it
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET signed URL: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET signed URL: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET signed URL: status %s, %d bytes, want 200 and the %d bytes put", resp.Status, len(got), len(data))
	}
	if cd, want := resp.Header.Get("Content-Disposition"), storage.ContentDisposition(opts.FileName); cd != want {
		t.Errorf("Content-Disposition = %q, want %q", cd, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != opts.ContentType {
		t.Errorf("Content-Type = %q, want %q", ct, opts.ContentType)
	}
}

func testConcurrent(t *testing.T, s storage.Store) {
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			size := int64(-1)
			if i%2 == 0 {
				size = 1<<20 + int64(i)
			}
			_, errs[i] = s.Put(t.Context(), fmt.Sprintf("c/%d", i), NewReader(uint64(i), 1<<20+int64(i)), size, storage.PutOptions{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put c/%d: %v", i, err)
		}
	}
	for i := range n {
		got, _ := read(t, s, fmt.Sprintf("c/%d", i))
		if !bytes.Equal(got, Bytes(uint64(i), 1<<20+int64(i))) {
			t.Errorf("c/%d: content differs", i)
		}
	}
}

func testPing(t *testing.T, s storage.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
