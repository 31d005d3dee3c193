package probe

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// Bounds the hostile-input fuzz targets hold every call to.
const (
	fuzzCallLimit = 2 * time.Second // a call running longer is a hang
	fuzzAllocBase = 64 << 20        // a 1 KB input may allocate at most this
	fuzzAllocPerB = 256             // plus this much per input byte beyond 1 KB
	fuzzSeedBytes = 16 << 10        // sample files up to this size become whole seeds
)

// boundedCall runs fn and fails t when it panics, runs longer than
// fuzzCallLimit or allocates more than the bound for an input of n bytes.
// A hung call is left running: the fuzzer reports the input and stops.
func boundedCall(t *testing.T, what string, n int, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	type outcome struct {
		panic any
		stack []byte
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{p, debug.Stack()}
				return
			}
			done <- outcome{}
		}()
		fn()
	}()
	timer := time.NewTimer(fuzzCallLimit)
	defer timer.Stop()
	select {
	case o := <-done:
		if o.panic != nil {
			t.Fatalf("%s on %d bytes: panic: %v\n%s", what, n, o.panic, o.stack)
		}
	case <-timer.C:
		t.Fatalf("%s on %d bytes: still running after %v", what, n, fuzzCallLimit)
	}
	runtime.ReadMemStats(&after)
	limit := uint64(fuzzAllocBase)
	if n > 1024 {
		limit += uint64(n-1024) * fuzzAllocPerB
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Fatalf("%s on %d bytes: allocated %d MB (limit %d MB)", what, n, got>>20, limit>>20)
	}
}

// hostileSeeds adds every sample under testdata/media/images, video and
// malformed: small files whole, larger ones by their first fuzzSeedBytes
// (which is where headers and metadata live), plus the first 1 KB of each,
// the size the allocation bound is stated for.
func hostileSeeds(f *testing.F, dirs ...string) [][]byte {
	var seeds [][]byte
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(media, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if len(b) > fuzzSeedBytes {
				b = b[:fuzzSeedBytes]
			}
			seeds = append(seeds, b)
			if len(b) > 1024 {
				seeds = append(seeds, b[:1024])
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no seed files")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	return seeds
}

var (
	imageFormats = []Format{FormatJPEG, FormatPNG, FormatTIFF, FormatWebP, FormatHEIC, FormatHEIF, FormatAVIF, FormatGIF}
	videoFormats = []Format{FormatMP4, FormatMOV, FormatMKV, FormatWebM, FormatMTS, FormatAVI}
)

// FuzzSniffClass: Sniff never panics, is decided by the first SniffSize
// bytes only, refuses with exactly one kind, and a recognised format is one
// of the accepted formats, whole, with the class its probe agrees with:
// image formats have an image probe, video formats do not.
func FuzzSniffClass(f *testing.F) {
	hostileSeeds(f, "images", "video", "malformed")
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0x47, 1, 2, 3}, 47*5))
	f.Add([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var format Format
		var err error
		boundedCall(t, "Sniff", len(data), func() { format, err = Sniff(data) })
		if len(data) > SniffSize {
			f2, err2 := Sniff(data[:SniffSize])
			if f2 != format || (err == nil) != (err2 == nil) {
				t.Fatalf("Sniff looks past SniffSize: %+v/%v vs %+v/%v", format, err, f2, err2)
			}
		}
		if err != nil {
			if k := kindOf(err); k == errNoKind || k == errManyKinds {
				t.Fatalf("%v: %v", k, err)
			}
			if len(data) == 0 && !errors.Is(err, ErrEmpty) {
				t.Fatalf("empty input: %v", err)
			}
			if format != (Format{}) {
				t.Fatalf("refusal with a format: %+v", format)
			}
			return
		}
		known := false
		for _, k := range imageFormats {
			known = known || k == format
		}
		for _, k := range videoFormats {
			known = known || k == format
		}
		if !known {
			t.Fatalf("Sniff returned a format that is not one of ours: %+v", format)
		}
		_, hasProbe := imageProbes[format.Name]
		if hasProbe != (format.Class == ClassImage) {
			t.Fatalf("class %q of %s disagrees with the image probes", format.Class, format.Name)
		}
		if want := strings.HasPrefix(format.MIME, string(format.Class)+"/"); !want {
			t.Fatalf("MIME %s does not match class %s", format.MIME, format.Class)
		}
	})
}

// FuzzImageBounded feeds arbitrary bytes to Image (structure, header, EXIF,
// XMP, IPTC-IIM and PNG text) for every image format, the sniffed one
// first: no panic (Image recovers them into an "internal error"), no hang,
// no allocation blow-up, refusals of exactly one kind, and what is
// accepted is within the pixel limit with clean text.
func FuzzImageBounded(f *testing.F) {
	hostileSeeds(f, "images", "malformed")
	f.Fuzz(func(t *testing.T, data []byte) {
		formats := imageFormats
		if sniffed, err := Sniff(data); err == nil && sniffed.Class == ClassImage {
			formats = append([]Format{sniffed}, imageFormats...)
		}
		lim := Limits{MaxPixels: 1 << 26}
		infos := make([]Info, len(formats))
		errs := make([]error, len(formats))
		// One bounded call for all formats: the bound on time and
		// allocation holds for the sum.
		boundedCall(t, "Image", len(data), func() {
			for i, format := range formats {
				infos[i], errs[i] = Image(bytes.NewReader(data), int64(len(data)), format, lim)
			}
		})
		for i, format := range formats {
			info, err := infos[i], errs[i]
			if err != nil {
				if strings.Contains(err.Error(), "internal error") {
					t.Fatalf("%s: %v", format.Name, err)
				}
				if k := kindOf(err); k == errNoKind || k == errManyKinds {
					t.Fatalf("%s: %v: %v", format.Name, k, err)
				}
				continue
			}
			if info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > lim.MaxPixels {
				t.Fatalf("%s: accepted %d×%d", format.Name, info.Width, info.Height)
			}
			if info.Format != format {
				t.Fatalf("%s: info says %+v", format.Name, info.Format)
			}
			if info.Orientation < 0 || info.Orientation > 8 {
				t.Fatalf("%s: orientation %d", format.Name, info.Orientation)
			}
			checkClean(t, info.Meta)
		}
	})
}

// FuzzMetaReaders feeds one block to each descriptive-metadata reader on
// its own (EXIF/TIFF IFDs, XMP, Extended XMP, Photoshop resources,
// IPTC-IIM, PNG text chunks), each call bounded in time and allocation,
// with clean text out.
func FuzzMetaReaders(f *testing.F) {
	for _, p := range sampleSegments(f, "Exif\x00\x00") {
		f.Add(p)
	}
	for _, p := range sampleSegments(f, xmpSig) {
		f.Add(p)
	}
	for _, p := range sampleSegments(f, irbSignature) {
		f.Add(p)
	}
	f.Add([]byte(vietnamesePacket()))
	f.Add(iimSet(2, 120, "Hồ Lắk lúc bình minh"))
	f.Add([]byte("Title\x00\x00\x00vi\x00Tiêu đề\x00Hồ Lắk"))
	f.Add([]byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x0e\x00\x02\xff\xff\xff\xff\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data)
		var x exifData
		boundedCall(t, "readExifBytes", n, func() { x, _ = readExifBytes(data) })
		checkClean(t, x.meta)
		if x.orientation < 0 || x.orientation > 8 {
			t.Fatalf("EXIF orientation %d", x.orientation)
		}
		if g := x.gps; g != nil && !validPosition(g.Lat, g.Lon) {
			t.Fatalf("EXIF GPS out of range: %+v", g)
		}
		var xd xmpData
		var xerr error
		boundedCall(t, "readXMP", n, func() { xd, xerr = readXMP(data) })
		if xerr == nil {
			checkClean(t, xd.meta)
		}
		boundedCall(t, "xmpExtension", n, func() {
			var e xmpExtension
			if e.add(data) == nil && len(data) >= xmpExtHeader {
				_, _ = e.assemble(string(data[:32]))
			}
		})
		var iim []Descriptive
		boundedCall(t, "readIIM+irbIPTCData", n, func() {
			d, _ := readIIM(data)
			iim = append(iim, d)
			blocks, _ := irbIPTCData(data)
			for _, b := range blocks {
				d, _ := readIIM(b)
				iim = append(iim, d)
			}
		})
		for _, d := range iim {
			checkClean(t, d)
		}
		for _, typ := range []string{"tEXt", "zTXt", "iTXt"} {
			var l metaLayers
			boundedCall(t, "parsePNGText/"+typ, n, func() {
				if c, err := parsePNGText(typ, data); err == nil {
					l.addPNGText(c)
				}
			})
			checkClean(t, l.text)
			checkClean(t, Descriptive{Description: l.comment})
		}
	})
}
