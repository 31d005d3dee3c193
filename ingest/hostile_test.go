package ingest_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/unicode/norm"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/testenv"
)

// Bounds of the hostile-input run.
const (
	hostileCallLimit = 10 * time.Second // each ingest call, by context deadline
	hostileHeapLimit = 512 << 20        // peak HeapInuse over the whole run
)

// hostileCase is one file sent through both entry points.
type hostileCase struct {
	label string // for the table
	name  string // Request.FileName: what the uploader called it
	data  []byte
	// want is the outcome expected of a generated case: a refusal code or
	// "accepted"; "" for the samples, which only must end in a specific
	// code (or be accepted when they are really valid).
	want string
}

// heapSampler records the peak of HeapInuse, overall and since the last
// reset, every few milliseconds.
type heapSampler struct {
	peak, casePeak atomic.Uint64
	stop           chan struct{}
	done           sync.WaitGroup
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{})}
	s.sample()
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *heapSampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	for _, p := range []*atomic.Uint64{&s.peak, &s.casePeak} {
		for old := p.Load(); m.HeapInuse > old && !p.CompareAndSwap(old, m.HeapInuse); old = p.Load() {
		}
	}
}

func (s *heapSampler) close() {
	close(s.stop)
	s.done.Wait()
	s.sample()
}

// outcome is what one ingest call gave.
type outcome struct {
	code  string // refusal code, "accepted" or "duplicate"
	asset catalog.Asset
	err   error
	took  time.Duration
}

func (o outcome) short() string {
	if o.code == "duplicate" {
		return "accepted"
	}
	return o.code
}

// ingestBounded runs one ingest call under a context deadline, turning a
// panic into a failure naming the case.
func ingestBounded(t *testing.T, label string, call func(ctx context.Context) (ingest.Result, error)) (o outcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileCallLimit)
	defer cancel()
	start := time.Now()
	defer func() {
		o.took = time.Since(start)
		if p := recover(); p != nil {
			t.Errorf("%s: panic: %v\n%s", label, p, debug.Stack())
			o.code = "panic"
		}
	}()
	res, err := call(ctx)
	switch {
	case err != nil:
		var ie *ingest.Error
		if errors.As(err, &ie) {
			return outcome{code: ie.Code, err: err}
		}
		return outcome{code: "untyped", err: err}
	case res.Duplicate:
		return outcome{code: "duplicate", asset: res.Asset}
	}
	return outcome{code: "accepted", asset: res.Asset}
}

// specificRefusals are the codes a hostile file may be refused with: each
// says what is wrong with the file itself.
var specificRefusals = map[string]bool{
	ingest.CodeEmpty: true, ingest.CodeUnsupported: true, ingest.CodeCorrupt: true,
	ingest.CodeTooManyPixels: true, ingest.CodeTooLarge: true, ingest.CodeKindMismatch: true,
}

// TestHostileInput sends every file of testdata/media/malformed and a set
// of generated hostile files (bombs, lies about the type, absurd names)
// through the real ingest, in place (IngestFile) and streamed (Ingest).
// Each must end, within hostileCallLimit, in a specific refusal or, when
// the file is really valid, in an asset whose stored name is sanitized
// and whose raw name is kept; the two entry points must agree; and the
// heap must stay under hostileHeapLimit. It logs a table of the outcomes.
func TestHostileInput(t *testing.T) {
	cases := malformedCases(t)
	cases = append(cases, generatedCases(t)...)
	// One catalogue per entry point, so that both probe every file (in a
	// shared one the second would find the first's duplicate).
	e := testenv.New(t, testenv.LocalStore(t), nil)
	org := e.Org(t, "Sở VHTTDL Đắk Lắk")
	es := testenv.New(t, testenv.LocalStore(t), nil)
	orgs := es.Org(t, "Sở VHTTDL Đắk Lắk")
	dir := t.TempDir()

	runtime.GC()
	heap := startHeapSampler()
	var rows, names []string
	counts := map[string]int{}
	var slowest outcome
	slowestLabel := ""
	start := time.Now()
	for i, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("case-%03d", i))
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		heap.casePeak.Store(0)
		heap.sample()
		req := ingest.Request{Org: org, FileName: c.name}
		inPlace := ingestBounded(t, c.label, func(ctx context.Context) (ingest.Result, error) {
			return e.Ingest.IngestFile(ctx, req, path)
		})
		streamed := ingestBounded(t, c.label+" (stream)", func(ctx context.Context) (ingest.Result, error) {
			return es.Ingest.Ingest(ctx, ingest.Request{Org: orgs, FileName: c.name}, bytes.NewReader(c.data))
		})
		heap.sample()
		peak := heap.casePeak.Load()

		for _, o := range []outcome{inPlace, streamed} {
			checkHostileOutcome(t, c, o)
			if o.took > slowest.took {
				slowest, slowestLabel = o, c.label
			}
		}
		if inPlace.short() != streamed.short() {
			t.Errorf("%s: in place %s, streamed %s", c.label, inPlace.code, streamed.code)
		}
		if inPlace.code == "accepted" {
			checkStoredName(t, e.DB, c, path, inPlace.asset)
			if strings.HasPrefix(c.label, "gen/name") {
				names = append(names, fmt.Sprintf("%-40.40q → stored %q, raw kept as %q", c.name, inPlace.asset.FileName, inPlace.asset.RawFileName))
			}
		}
		if streamed.code == "accepted" && c.name != "" {
			checkStoredName(t, es.DB, c, path, streamed.asset)
		}
		counts[inPlace.short()]++
		rows = append(rows, fmt.Sprintf("%-72.72s %-17s %7.1f ms %7.1f ms %6.1f MB", c.label, inPlace.short(),
			ms(inPlace.took), ms(streamed.took), float64(peak)/(1<<20)))
	}
	heap.close()
	total := time.Since(start)

	var b strings.Builder
	fmt.Fprintf(&b, "\n%-72s %-17s %10s %10s %9s\n", "file", "outcome / code", "in place", "streamed", "heap peak")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("\nnames as uploaded → as catalogued:\n")
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	fmt.Fprintf(&b, "\n%d files, each ingested in place and streamed, in %v:", len(cases), total.Round(time.Millisecond))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d;", k, counts[k])
	}
	fmt.Fprintf(&b, "\nslowest call: %s (%s) %.1f ms; heap in use peak over the run: %.1f MB (limit %d MB)\n",
		slowestLabel, slowest.code, ms(slowest.took), float64(heap.peak.Load())/(1<<20), hostileHeapLimit>>20)
	t.Log(b.String())

	if p := heap.peak.Load(); p > hostileHeapLimit {
		t.Errorf("heap in use peaked at %d MB, limit %d MB", p>>20, hostileHeapLimit>>20)
	}
	if slowest.took > hostileCallLimit {
		t.Errorf("%s took %v", slowestLabel, slowest.took)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// checkHostileOutcome: a specific refusal, bilingual, or the expected
// outcome of a generated case; never a panic, an untyped or internal
// error, or a deadline.
func checkHostileOutcome(t *testing.T, c hostileCase, o outcome) {
	t.Helper()
	if o.took > hostileCallLimit {
		t.Errorf("%s: took %v (limit %v)", c.label, o.took, hostileCallLimit)
	}
	switch {
	case o.code == "accepted" || o.code == "duplicate":
	case specificRefusals[o.code]:
		var ie *ingest.Error
		if errors.As(o.err, &ie) && (ie.Vi == "" || ie.En == "" || ie.Vi == ie.En) {
			t.Errorf("%s: refusal not in both languages: %q / %q", c.label, ie.Vi, ie.En)
		}
	default:
		t.Errorf("%s: %s: %v; want a specific refusal or an asset", c.label, o.code, o.err)
	}
	if c.want != "" && o.short() != c.want {
		t.Errorf("%s: %s (%v), want %s", c.label, o.code, o.err, c.want)
	}
}

// checkStoredName: the catalogued name is safe (no path, no "..", no
// control character, NFC, bounded) and the name as uploaded is kept for
// display.
func checkStoredName(t *testing.T, db *catalog.DB, c hostileCase, path string, a catalog.Asset) {
	t.Helper()
	stored, err := db.Asset(context.Background(), a.ID)
	if err != nil {
		t.Errorf("%s: asset %s: %v", c.label, a.ID, err)
		return
	}
	n := stored.FileName
	bad := n == "" || len(n) > 200 || strings.ContainsAny(n, `/\`) || strings.HasPrefix(n, ".") ||
		strings.Contains(n, "..") || !utf8.ValidString(n) || !norm.NFC.IsNormalString(n)
	for _, r := range n {
		bad = bad || unicode.IsControl(r) || r == '\u202e'
	}
	if bad {
		t.Errorf("%s: stored file name %q is not sanitized", c.label, n)
	}
	raw := c.name
	if raw == "" { // IngestFile names the file after its path
		raw = filepath.Base(path)
	}
	if want := ingest.DisplayName(raw); stored.RawFileName != want && (want != "" || stored.RawFileName != n) {
		t.Errorf("%s: raw file name %q, want %q", c.label, stored.RawFileName, want)
	}
	if !norm.NFC.IsNormalString(stored.RawFileName) || !utf8.ValidString(stored.RawFileName) {
		t.Errorf("%s: raw file name %q is not NFC UTF-8", c.label, stored.RawFileName)
	}
}

// malformedCases are the files of testdata/media/malformed (recursively).
func malformedCases(t *testing.T) []hostileCase {
	var cases []hostileCase
	root := media + "malformed"
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		want := ""
		if validDespiteName[filepath.Base(p)] {
			want = "accepted"
		}
		cases = append(cases, hostileCase{label: "malformed/" + rel, name: filepath.Base(p), data: b, want: want})
		return nil
	})
	if err != nil || len(cases) < 38 {
		t.Fatalf("malformed samples: %d files, %v", len(cases), err)
	}
	return cases
}

// generatedCases are hostile files built here: bombs, type lies, broken
// videos and hostile names (on a valid photo, so they are catalogued).
func generatedCases(t *testing.T) []hostileCase {
	jpeg, err := os.ReadFile(media + "images/formats/go_video-001.q50.440.progressive.jpeg")
	if err != nil {
		t.Fatal(err)
	}
	mp4, err := os.ReadFile(media + "video/mp4ff_bbb_prog_10s.mp4")
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(9, 9))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rnd.UintN(256))
	}
	random[0], random[1] = 0x13, 0x37 // not by chance an MP3 or AAC frame header
	srt := "1\r\n00:00:01,000 --> 00:00:03,000\r\nLễ hội cà phê Buôn Ma Thuột\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\nHồ Lắk\r\n"
	utf16 := append([]byte{0xff, 0xfe}, utf16LE(srt)...)
	utf32le, _ := utf32.UTF32(utf32.LittleEndian, utf32.UseBOM).NewEncoder().Bytes([]byte(srt))

	cases := []hostileCase{
		{label: "gen/png 100000×100000 header (bomb)", name: "bomb.png", data: pngBomb(t, 100_000, 100_000, 0), want: ingest.CodeTooManyPixels},
		{label: "gen/png 14000×14000 of zeros (zlib bomb)", name: "zlib-bomb.png", data: pngBomb(t, 14_000, 14_000, 14_000), want: "accepted"},
		{label: "gen/png 14000×14000, 100 rows of data", name: "short-bomb.png", data: pngBomb(t, 14_000, 14_000, 100), want: ingest.CodeCorrupt},
		{label: "gen/jpeg SOF 65535×65535", name: "huge.jpg", data: jpegSOF(65535, 65535), want: ingest.CodeTooManyPixels},
		{label: "gen/jpeg SOF 0×0", name: "zero.jpg", data: jpegSOF(0, 0), want: ingest.CodeCorrupt},
		{label: "gen/mp4 truncated at 64 KB", name: "cut.mp4", data: mp4[:64<<10], want: ingest.CodeCorrupt},
		{label: "gen/mp4 truncated at 1 KB", name: "cut1k.mp4", data: mp4[:1024], want: ingest.CodeCorrupt},
		{label: "gen/mp4 moov declares 10^9 samples", name: "samples.mp4", data: mp4Samples(t, mp4, 1_000_000_000)},
		{label: "gen/0-byte file", name: "empty.jpg", data: nil, want: ingest.CodeEmpty},
		{label: "gen/random bytes named .jpg", name: "random.jpg", data: random, want: ingest.CodeUnsupported},
		{label: "gen/valid JPEG named .mp4", name: "clip.mp4", data: uniqueJPEG(jpeg, "named-mp4"), want: "accepted"},
		{label: "gen/UTF-16 subtitles named .srt", name: "phu-de.srt", data: utf16, want: ingest.CodeUnsupported},
		{label: "gen/UTF-32 subtitles named .mp4", name: "phu-de.mp4", data: utf32le, want: ingest.CodeUnsupported},
		{label: "gen/UTF-8 subtitles named .jpg", name: "phu-de.jpg", data: []byte(srt), want: ingest.CodeUnsupported},
	}
	names := []struct{ label, name string }{
		{"name ../../etc/passwd.jpg", "../../etc/passwd.jpg"},
		{"name ..\\..\\Windows\\win.ini.jpg", `..\..\Windows\win.ini.jpg`},
		{"name /etc/shadow.jpg (absolute)", "/etc/shadow.jpg"},
		{"name C:\\Users\\x\\ảnh.jpg (absolute)", `C:\Users\x\ảnh.jpg`},
		{"name NFD Vietnamese", "Ho\u0302\u0300 La\u0306\u0301k lu\u0301c bi\u0300nh minh.jpg"},
		{"name control characters", "a\x00b\x1b[31mc\r\nd\x7f\u0085.jpg"},
		{"name right-to-left override", "\u202egpj.exe"},
		{"name 300 bytes", strings.Repeat("ắ", 98) + "x.jpg"},
		{"name 300 bytes, long extension", "a." + strings.Repeat("e", 298)},
		{"name only dots", "...."},
		{"name ..", ".."},
		{"name dots and slashes", "../.././/."},
		{"name shell and reserved", "$(rm -rf ~);`id`|<x>:\"?*.jpg"},
		{"name invalid UTF-8", "\xff\xfe\xc3(.jpg"},
		{"name leading dash", "-rf --help.jpg"},
		{"name empty", ""},
	}
	for _, n := range names {
		cases = append(cases, hostileCase{label: "gen/" + n.label, name: n.name, data: uniqueJPEG(jpeg, n.label), want: "accepted"})
	}
	return cases
}

// uniqueJPEG is jpeg with a comment segment after SOI, so every case has
// its own bytes (and is catalogued rather than found a duplicate).
func uniqueJPEG(jpeg []byte, comment string) []byte {
	seg := []byte{0xff, 0xfe, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(comment)))
	out := append([]byte{}, jpeg[:2]...)
	out = append(out, seg...)
	out = append(out, comment...)
	return append(out, jpeg[2:]...)
}

func utf16LE(s string) []byte {
	var out []byte
	for _, r := range s {
		if r > 0xffff {
			r = '?'
		}
		out = binary.LittleEndian.AppendUint16(out, uint16(r))
	}
	return out
}

// pngBomb is an 8-bit grey PNG declaring w×h pixels whose IDAT inflates to
// rows of zeros (each row a filter byte and w zeros): a few hundred KB
// that inflate to rows×(w+1) bytes.
func pngBomb(t *testing.T, w, h uint32, rows int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, w+1)
	for range rows {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	for b := z.Bytes(); len(b) > 0; {
		n := min(len(b), 1<<20)
		chunk("IDAT", b[:n])
		b = b[n:]
	}
	chunk("IEND", nil)
	return out.Bytes()
}

// jpegSOF is a baseline JPEG header declaring w×h, with one scan of a few
// bytes of entropy data.
func jpegSOF(w, h uint16) []byte {
	b := []byte{0xff, 0xd8}
	b = append(b, 0xff, 0xdb, 0, 67, 0) // DQT, table 0, all ones
	b = append(b, bytes.Repeat([]byte{1}, 64)...)
	b = append(b, 0xff, 0xc0, 0, 11, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 1, 1, 0x11, 0)
	b = append(b, 0xff, 0xc4, 0, 20, 0x00, 1) // DHT DC 0: one code of length 1, symbol 0
	b = append(b, make([]byte, 15)...)
	b = append(b, 0)
	b = append(b, 0xff, 0xc4, 0, 20, 0x10, 1) // DHT AC 0: one code of length 1, symbol 0 (EOB)
	b = append(b, make([]byte, 15)...)
	b = append(b, 0)
	b = append(b, 0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0) // SOS
	b = append(b, 0x00, 0x00, 0x00, 0x00)
	return append(b, 0xff, 0xd9)
}

// mp4Samples rewrites the sample tables of a real MP4 to declare n
// samples: stts says n samples of one tick, stsz n samples (with its table
// of sizes running far past the end of the file).
func mp4Samples(t *testing.T, mp4 []byte, n uint32) []byte {
	out := append([]byte{}, mp4...)
	patched := 0
	for _, box := range []string{"stts", "stsz"} {
		for off := 0; ; {
			i := bytes.Index(out[off:], []byte(box))
			if i < 0 {
				break
			}
			i += off
			off = i + 4
			p := i + 4 + 4 // after type: version+flags
			switch box {
			case "stts": // entry_count, then (count, delta)
				if p+12 <= len(out) && binary.BigEndian.Uint32(out[p:]) >= 1 {
					binary.BigEndian.PutUint32(out[p+4:], n)
					patched++
				}
			case "stsz": // sample_size, sample_count
				if p+8 <= len(out) {
					binary.BigEndian.PutUint32(out[p:], 0)
					binary.BigEndian.PutUint32(out[p+4:], n)
					patched++
				}
			}
		}
	}
	if patched == 0 {
		t.Fatal("no sample table found in the MP4 sample")
	}
	return out
}
