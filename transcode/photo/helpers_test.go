package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// media is the shared test media folder (see testdata/media/PROVENANCE.tsv).
const media = "../../testdata/media"

func mediaPath(rel string) string { return filepath.Join(media, rel) }

// jpegPaths are the two JPEG code paths every pixel test runs through.
var jpegPaths = []struct {
	name string
	opts Options
}{
	{"turbo", Options{}},
	{"purego", Options{NoTurbo: true}},
}

// requireTurbo fails (never skips) when libjpeg-turbo cannot be loaded:
// the fast path is what production runs.
func requireTurbo(t testing.TB) {
	t.Helper()
	if !TurboAvailable() {
		t.Fatal("libjpeg-turbo (libturbojpeg.so.0, Debian libturbojpeg0) is not loadable; install it")
	}
}

func render(t testing.TB, path string, opts Options) []Output {
	t.Helper()
	outs, err := Render(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Render(%s): %v", path, err)
	}
	return outs
}

func output(t testing.TB, outs []Output, name string) Output {
	t.Helper()
	for _, o := range outs {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no %q rendition in %d outputs", name, len(outs))
	return Output{}
}

// decodeOutput decodes an output with the stdlib and checks its size.
func decodeOutput(t testing.TB, o Output) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(o.JPEG))
	if err != nil {
		t.Fatalf("%s: stdlib cannot decode the output: %v", o.Name, err)
	}
	if got := m.Bounds().Size(); got != image.Pt(o.Width, o.Height) {
		t.Fatalf("%s: JPEG is %v, Output says %dx%d", o.Name, got, o.Width, o.Height)
	}
	return m
}

// jpegMarkers lists the segment markers before the first scan.
func jpegMarkers(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, fmt.Errorf("no SOI")
	}
	var ms []byte
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return ms, fmt.Errorf("no marker at %d", i)
		}
		m := data[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			return ms, nil
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return ms, fmt.Errorf("no SOS")
}

// rgbDiff returns the mean absolute difference per channel (0..255) and the
// PSNR in dB of two images of the same size.
func rgbDiff(t testing.TB, a, b image.Image) (mad, psnr float64) {
	t.Helper()
	na, nb := asNRGBA(a), asNRGBA(b)
	if na.Rect.Size() != nb.Rect.Size() {
		t.Fatalf("comparing %v with %v", na.Rect.Size(), nb.Rect.Size())
	}
	var sum, sq float64
	n := 0
	w, h := na.Rect.Dx(), na.Rect.Dy()
	for y := 0; y < h; y++ {
		pa, pb := na.Pix[y*na.Stride:], nb.Pix[y*nb.Stride:]
		for x := 0; x < w*4; x++ {
			if x%4 == 3 {
				continue
			}
			d := float64(pa[x]) - float64(pb[x])
			sum += math.Abs(d)
			sq += d * d
			n++
		}
	}
	return sum / float64(n), 10 * math.Log10(255*255/max(sq/float64(n), 1e-10))
}

// writeTemp writes data to a file in a test's temporary folder.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeFile(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return m
}
