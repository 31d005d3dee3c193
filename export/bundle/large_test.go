package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

const mib = 1 << 20

// pattern returns a cheap, non-trivial 1 MiB chunk.
func pattern() []byte {
	p := make([]byte, mib)
	for i := range p {
		p[i] = byte(i*7 + 13 + i>>12)
	}
	return p
}

// zip64Sink receives a zip holding one stored entry whose payload is
// `size` bytes of pat repeated. It keeps the first 64 KiB verbatim, checks
// every payload byte after that against pat instead of storing it, and keeps
// everything after the payload (data descriptor, central directory). As an
// io.ReaderAt it then reproduces the whole zip, so archive/zip can read it
// without 4 GiB on disk or in memory.
type zip64Sink struct {
	pat       []byte
	size      int64
	head      []byte
	dataStart int64 // offset of the payload, parsed from the local header
	off       int64
	tail      []byte
}

const sinkHead = 64 << 10

func (s *zip64Sink) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		switch {
		case s.off < sinkHead:
			k := min(int64(len(p)), sinkHead-s.off)
			s.head = append(s.head, p[:k]...)
			s.off += k
			p = p[k:]
		case s.off < s.dataStart+s.size || s.dataStart == 0:
			if s.dataStart == 0 {
				if binary.LittleEndian.Uint32(s.head) != 0x04034b50 {
					return 0, errors.New("no local file header")
				}
				s.dataStart = 30 + int64(binary.LittleEndian.Uint16(s.head[26:])) + int64(binary.LittleEndian.Uint16(s.head[28:]))
				continue
			}
			k := min(int64(len(p)), s.dataStart+s.size-s.off)
			if !s.matches(p[:k], s.off-s.dataStart) {
				return 0, fmt.Errorf("payload differs from the pattern near offset %d", s.off)
			}
			s.off += k
			p = p[k:]
		default:
			if len(s.tail)+len(p) > mib {
				return 0, errors.New("more than 1 MiB after the payload")
			}
			s.tail = append(s.tail, p...)
			s.off += int64(len(p))
			p = nil
		}
	}
	return n, nil
}

// matches reports whether b equals the payload at payload offset q.
func (s *zip64Sink) matches(b []byte, q int64) bool {
	for len(b) > 0 {
		i := q % int64(len(s.pat))
		k := min(int64(len(b)), int64(len(s.pat))-i)
		if !bytes.Equal(b[:k], s.pat[i:i+k]) {
			return false
		}
		b, q = b[k:], q+k
	}
	return true
}

func (s *zip64Sink) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for len(b) > 0 {
		var k int
		switch tailStart := s.dataStart + s.size; {
		case off >= s.off:
			return n, io.EOF
		case off < int64(len(s.head)):
			k = copy(b, s.head[off:])
		case off < tailStart:
			q := off - s.dataStart
			i := q % int64(len(s.pat))
			k = copy(b[:min(int64(len(b)), tailStart-off)], s.pat[i:])
		default:
			k = copy(b, s.tail[off-tailStart:])
		}
		b, off, n = b[k:], off+int64(k), n+k
	}
	return n, nil
}

func TestZip64(t *testing.T) {
	start := time.Now()
	const size = 4<<30 + mib
	sink := &zip64Sink{pat: pattern(), size: size}
	w, err := New(sink, Options{Format: Zip, Modified: testTime})
	if err != nil {
		t.Fatal(err)
	}
	fw, err := w.Create("big.mp4")
	if err != nil {
		t.Fatal(err)
	}
	for range size / mib {
		if _, err := fw.Write(sink.pat); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s := w.Sums(); len(s) != 1 || s[0].Size != size {
		t.Fatalf("sums %+v", s)
	}
	wrote := time.Since(start)

	// Right after the payload: a zip64 data descriptor (signature, CRC,
	// 8-byte compressed and uncompressed sizes).
	tl := sink.tail
	if len(tl) < 24 || binary.LittleEndian.Uint32(tl) != 0x08074b50 ||
		binary.LittleEndian.Uint64(tl[8:]) != size || binary.LittleEndian.Uint64(tl[16:]) != size {
		t.Fatalf("no zip64 data descriptor after the payload: % x", tl[:min(len(tl), 24)])
	}
	if !bytes.Contains(tl, []byte{'P', 'K', 6, 6}) || !bytes.Contains(tl, []byte{'P', 'K', 6, 7}) {
		t.Fatal("no zip64 end of central directory record/locator")
	}

	r, err := zip.NewReader(sink, sink.off)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 1 {
		t.Fatalf("%d entries", len(r.File))
	}
	f := r.File[0]
	if f.Name != "big.mp4" || f.Method != zip.Store || f.UncompressedSize64 != size || f.CompressedSize64 != size || f.UncompressedSize != 0xffffffff {
		t.Fatalf("header %+v", f.FileHeader)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	// archive/zip checks the CRC-32 (and the data descriptor) at EOF.
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if n != size {
		t.Fatalf("read %d bytes, want %d", n, size)
	}
	t.Logf("zip64: wrote %d bytes in %v, total %v", sink.off, wrote.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// TestStreamingMemory writes 512 MiB (half stored, half deflated) into a bag
// and checks that the heap does not grow with the data.
func TestStreamingMemory(t *testing.T) {
	pat := pattern()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	w, err := New(io.Discard, testOptions(BagIt))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"video/a.mp4", "data/b.json"} {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		for range 256 {
			if _, err := fw.Write(pat); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.ReadMemStats(&after)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	const limit = 32 * mib
	if after.HeapInuse > limit {
		t.Errorf("HeapInuse after 512 MiB = %d MiB, want < 32 MiB", after.HeapInuse/mib)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > limit {
		t.Errorf("allocated %d MiB while writing 512 MiB, want < 32 MiB", d/mib)
	}
	t.Logf("HeapInuse %.1f MiB, allocated %.1f MiB while writing 512 MiB",
		float64(after.HeapInuse)/mib, float64(after.TotalAlloc-before.TotalAlloc)/mib)
}

// BenchmarkBag writes 1 GiB (one stored file) per iteration through a bag.
func BenchmarkBag(b *testing.B) {
	pat := pattern()
	b.SetBytes(1 << 30)
	b.ReportAllocs()
	for b.Loop() {
		w, err := New(io.Discard, testOptions(BagIt))
		if err != nil {
			b.Fatal(err)
		}
		fw, err := w.Create("video/clip.mp4")
		if err != nil {
			b.Fatal(err)
		}
		for range 1024 {
			if _, err := fw.Write(pat); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBagCopy is BenchmarkBag fed by io.Copy from a reader returning
// at most 32 KiB per Read.
func BenchmarkBagCopy(b *testing.B) {
	pat := pattern()
	b.SetBytes(1 << 30)
	b.ReportAllocs()
	for b.Loop() {
		w, err := New(io.Discard, testOptions(BagIt))
		if err != nil {
			b.Fatal(err)
		}
		fw, err := w.Create("video/clip.mp4")
		if err != nil {
			b.Fatal(err)
		}
		// io.Copy with a 32 KiB-reading source goes through ReadFrom.
		src := io.LimitReader(&repeatReader{pat: pat}, 1<<30)
		if _, err := io.Copy(fw, struct{ io.Reader }{src}); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

type repeatReader struct {
	pat []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p[:min(len(p), 32<<10)], r.pat[r.off:])
	r.off = (r.off + n) % len(r.pat)
	return n, nil
}
