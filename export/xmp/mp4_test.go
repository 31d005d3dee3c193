package xmp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const mp4Sample = "video/mp4ff_bbb_prog_10s.mp4" // moov after mdat

// appendTo runs AppendMP4 on the file at path and returns the new file's path.
func appendTo(t *testing.T, path string, m Metadata) string {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	outPath := filepath.Join(t.TempDir(), "out.mp4")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := AppendMP4(out, in, m); err != nil {
		t.Fatalf("AppendMP4(%s): %v", path, err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return outPath
}

// topBoxes lists the types of the top-level boxes of an MP4 file.
func topBoxes(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var types []string
	for first := true; ; first = false {
		h, err := readBoxHeader(r, first)
		if err == io.EOF {
			return types
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		types = append(types, h.typ)
		if _, err := io.CopyN(io.Discard, r, int64(h.size)-int64(len(h.raw))); err != nil {
			t.Fatalf("%s: box %s: %v", path, h.typ, err)
		}
	}
}

func probe(t *testing.T, path string) string {
	t.Helper()
	return string(run(t, "ffprobe", "-v", "error", "-of", "json",
		"-show_entries", "format=duration,nb_streams:stream=index,codec_type,codec_name,duration,nb_frames,width,height,sample_rate", path))
}

// TestAppendMP4 checks that exiftool reads both languages from the
// appended box, ffprobe sees the same streams and duration, and every
// byte of the original file is still there, in place.
func TestAppendMP4(t *testing.T) {
	src := media(mp4Sample)
	out := appendTo(t, src, sample())
	tg := readTags(t, out)
	for _, name := range []string{"XMP-dc:Title-vi", "XMP-dc:Title-en", "XMP-dc:Description-vi", "XMP-dc:Description-en",
		"XMP-iptcExt:LocationShownLocationName-en", "XMP-exif:GPSLatitude", "XMP-iptcExt:DigitalSourceType"} {
		if got := tg.str(name); got != wantTags[name] {
			t.Errorf("%s = %+q, want %+q", name, got, wantTags[name])
		}
	}
	if a, b := probe(t, src), probe(t, out); a != b {
		t.Errorf("ffprobe differs after AppendMP4:\n%s\nwant\n%s", b, a)
	}
	if w := warnings(t, out); len(w) > 0 {
		t.Errorf("exiftool -validate: %q", w)
	}
	in, _ := os.ReadFile(src)
	got, _ := os.ReadFile(out)
	box, _ := MP4Box(sample())
	if !bytes.Equal(got, append(in, box...)) {
		t.Errorf("output is not the input followed by MP4Box")
	}
}

// TestAppendMP4Faststart checks that a faststart file keeps moov before
// mdat and still plays in ffprobe's eyes.
func TestAppendMP4Faststart(t *testing.T) {
	fast := filepath.Join(t.TempDir(), "fast.mp4")
	run(t, "ffmpeg", "-v", "error", "-i", media(mp4Sample), "-map", "0", "-c", "copy", "-movflags", "+faststart", fast)
	before := topBoxes(t, fast)
	if slices.Index(before, "moov") > slices.Index(before, "mdat") {
		t.Fatalf("ffmpeg did not make a faststart file: %v", before)
	}
	out := appendTo(t, fast, sample())
	if after := topBoxes(t, out); !slices.Equal(after, append(before, "uuid")) {
		t.Errorf("boxes %v, want %v + uuid", after, before)
	}
	if a, b := probe(t, fast), probe(t, out); a != b {
		t.Errorf("ffprobe differs after AppendMP4:\n%s\nwant\n%s", b, a)
	}
	if got := readTags(t, out).str("XMP-dc:Title-en"); got != "Lak Lake at dawn" {
		t.Errorf("Title-en = %q", got)
	}
}

// TestAppendMP4Twice checks that appending again leaves only the new
// metadata readable and blanks the old box in place.
func TestAppendMP4Twice(t *testing.T) {
	first := appendTo(t, media(mp4Sample), sample())
	m := sample().WithoutLocation()
	m.Title = LangText{"vi": "Tháp Nhạn", "en": "Nhan Tower"}
	second := appendTo(t, first, m)
	tg := readTags(t, second)
	if tg.str("XMP-dc:Title-vi") != "Tháp Nhạn" || tg.str("XMP-dc:Title-en") != "Nhan Tower" {
		t.Errorf("titles %q / %q, want the second ones", tg.str("XMP-dc:Title-vi"), tg.str("XMP-dc:Title-en"))
	}
	b, _ := os.ReadFile(second)
	if bytes.Contains(b, []byte("Lak Lake at dawn")) || bytes.Contains(b, []byte("Liên Sơn Lắk")) || bytes.Contains(b, []byte("GPSLatitude")) {
		t.Error("the first title or location is still in the file")
	}
	if got, want := topBoxes(t, second), []string{"ftyp", "free", "mdat", "moov", "free", "uuid"}; !slices.Equal(got, want) {
		t.Errorf("boxes %v, want %v", got, want)
	}
	if a, b := probe(t, media(mp4Sample)), probe(t, second); a != b {
		t.Errorf("ffprobe differs after two appends:\n%s\nwant\n%s", b, a)
	}
}

func TestAppendMP4NotMP4(t *testing.T) {
	jpg, _ := os.ReadFile(media(jpegSamples[0]))
	mp4, _ := os.ReadFile(media(mp4Sample))
	cases := map[string][]byte{
		"empty":         nil,
		"JPEG":          jpg,
		"cut in header": mp4[:4],
		"cut in box":    mp4[:1000],
		"size to EOF":   append([]byte{0, 0, 0, 0}, mp4[4:]...),
	}
	for name, in := range cases {
		if err := AppendMP4(io.Discard, bytes.NewReader(in), sample()); !errors.Is(err, ErrNotMP4) {
			t.Errorf("%s: err = %v, want ErrNotMP4", name, err)
		}
	}
}
