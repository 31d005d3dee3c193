package turbojpeg

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"strconv"
	"strings"
	"testing"
)

const photo = "../../../testdata/media/images/orientation/recurser_Landscape_1.jpg" // 1800x1200

func lib(t testing.TB) *Lib {
	t.Helper()
	l, err := Default()
	if err != nil {
		t.Fatalf("libjpeg-turbo must be installed for these tests (Debian libturbojpeg0): %v", err)
	}
	return l
}

func readPhoto(t testing.TB) []byte {
	data, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOpenMissing: a library that is not there fails cleanly.
func TestOpenMissing(t *testing.T) {
	l, err := Open("libturbojpeg-does-not-exist.so.0")
	if err == nil || l != nil || !strings.Contains(err.Error(), "libturbojpeg-does-not-exist") {
		t.Fatalf("Open = %v, %v", l, err)
	}
	if _, err := Open("libc.so.6"); err == nil || !strings.Contains(err.Error(), "tjInitDecompress") {
		t.Fatalf("a library without the symbols: %v", err)
	}
}

// TestScaledDecode: header and every fast scale give the sizes libjpeg
// promises, and the pixels match the stdlib decoder's.
func TestScaledDecode(t *testing.T) {
	l, data := lib(t), readPhoto(t)
	hdr, err := l.DecodeHeader(data)
	if err != nil || hdr.Width != 1800 || hdr.Height != 1200 || hdr.ColorSpace != YCbCr {
		t.Fatalf("header %+v, %v", hdr, err)
	}
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Scales {
		m, err := l.Decode(data, s)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Bounds().Size(); got != image.Pt(s.Apply(1800), s.Apply(1200)) {
			t.Errorf("scale %v: %v", s, got)
		}
		if s == Scales[0] {
			if d := meanDiff(m, ref); d > 1.5 {
				t.Errorf("full-scale pixels differ from the stdlib decoder's by %.2f", d)
			}
		}
	}
}

func meanDiff(a *image.NRGBA, b image.Image) float64 {
	var sum float64
	bb := b.Bounds()
	for y := 0; y < bb.Dy(); y += 7 {
		for x := 0; x < bb.Dx(); x += 7 {
			r, g, bl, _ := b.At(x, y).RGBA()
			p := a.Pix[a.PixOffset(x, y):]
			sum += abs(int(p[0])-int(r>>8)) + abs(int(p[1])-int(g>>8)) + abs(int(p[2])-int(bl>>8))
		}
	}
	return sum / float64(3*((bb.Dy()+6)/7)*((bb.Dx()+6)/7))
}

func abs(v int) float64 { return float64(max(v, -v)) }

// TestEncode: output decodes with the stdlib at the right size and close to
// the input, carries only JFIF (no EXIF), and grayscale input works.
func TestEncode(t *testing.T) {
	l, data := lib(t), readPhoto(t)
	m, err := l.Decode(data, Scale{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Encode(m, 85)
	if err != nil {
		t.Fatal(err)
	}
	back, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if back.Bounds().Size() != m.Bounds().Size() {
		t.Fatalf("encoded %v, decoded %v", m.Bounds(), back.Bounds())
	}
	if d := meanDiff(m, back); d > 4 {
		t.Errorf("re-encoded pixels differ by %.2f", d)
	}
	if bytes.Contains(out[:64], []byte("Exif")) || !bytes.Contains(out[:20], []byte("JFIF")) {
		t.Errorf("unexpected header % x", out[:32])
	}
	var gray bytes.Buffer
	if err := jpeg.Encode(&gray, image.NewGray(image.Rect(0, 0, 50, 40)), nil); err != nil {
		t.Fatal(err)
	}
	if g, err := l.Decode(gray.Bytes(), Scales[0]); err != nil || g.Bounds().Dx() != 50 {
		t.Errorf("grayscale: %v", err)
	}
}

// TestDamagedAndBroken: damaged scan data is only a warning (decodes);
// a broken header or empty input is a fatal *Error.
func TestDamagedAndBroken(t *testing.T) {
	l, data := lib(t), readPhoto(t)
	damaged := append([]byte{}, data...)
	sos := bytes.Index(damaged, []byte{0xFF, 0xDA})
	for i := sos + 2000; i < sos+2100; i++ {
		if damaged[i] != 0xFF && damaged[i-1] != 0xFF {
			damaged[i] = 0x5A
		}
	}
	if _, err := l.Decode(damaged, Scales[0]); err != nil {
		t.Errorf("damaged scan data: %v", err)
	}
	for name, in := range map[string][]byte{"empty": nil, "header cut": data[:40], "not jpeg": []byte("GIF89a nothing here")} {
		_, err := l.Decode(in, Scales[0])
		var e *Error
		if !errors.As(err, &e) || !e.Fatal {
			t.Errorf("%s: %v, want a fatal *Error", name, err)
		}
	}
}

// TestNoLeak: decoding and encoding in a loop keeps the resident set flat;
// a missed tjFree of the ~450 KB output would grow it by over 100 MB.
func TestNoLeak(t *testing.T) {
	l, data := lib(t), readPhoto(t)
	cycle := func() {
		m, err := l.Decode(data, Scales[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Encode(m, 85); err != nil {
			t.Fatal(err)
		}
		l.Decode([]byte("not a jpeg"), Scales[0])
	}
	for range 20 {
		cycle()
	}
	before := rssMB(t)
	for range 300 {
		cycle()
	}
	grew := rssMB(t) - before
	t.Logf("resident set grew by %d MB", grew)
	if grew > 25 {
		t.Errorf("resident set grew by %d MB over 300 decode+encode cycles", grew)
	}
}

func rssMB(t testing.TB) int {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := strconv.Atoi(strings.Fields(string(b))[1])
	return pages * os.Getpagesize() >> 20
}
