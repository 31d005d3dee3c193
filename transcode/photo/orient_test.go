package photo

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/quangba/quangba/ingest/probe"
)

// maxOrientDiff separates "same picture, different JPEG encode" (≈1-3)
// from a picture turned or mirrored the wrong way (≥ 20 on these images).
const maxOrientDiff = 6

// TestOrientation: each EXIF orientation comes out upright, compared by
// pixels with the preview of the upright original. Orientations 3 and 7
// (absent from the sample set) are made here from Landscape_1.
func TestOrientation(t *testing.T) {
	requireTurbo(t)
	cases := []struct{ file, ref string }{}
	for _, n := range []int{0, 1, 2, 4, 5, 6, 8} {
		cases = append(cases, struct{ file, ref string }{fmt.Sprintf("images/orientation/recurser_Landscape_%d.jpg", n), "Landscape_1"})
	}
	cases = append(cases, struct{ file, ref string }{"images/orientation/recurser_Portrait_5.jpg", "Portrait_1"})
	gen := map[int]string{3: orientedCopy(t, 3), 7: orientedCopy(t, 7)}
	for _, p := range jpegPaths {
		refs := map[string]image.Image{}
		for _, r := range []string{"Landscape_1", "Portrait_1"} {
			refs[r] = preview(t, mediaPath("images/orientation/recurser_"+r+".jpg"), p.opts)
		}
		for _, c := range cases {
			checkUpright(t, p.name+" "+c.file, preview(t, mediaPath(c.file), p.opts), refs[c.ref])
		}
		for o, path := range gen {
			checkUpright(t, fmt.Sprintf("%s generated orientation %d", p.name, o), preview(t, path, p.opts), refs["Landscape_1"])
		}
	}
}

func preview(t *testing.T, path string, opts Options) image.Image {
	return decodeOutput(t, output(t, render(t, path, opts), "preview"))
}

func checkUpright(t *testing.T, name string, got, ref image.Image) {
	t.Helper()
	if got.Bounds().Size() != ref.Bounds().Size() {
		t.Errorf("%s: preview is %v, the upright original's is %v", name, got.Bounds().Size(), ref.Bounds().Size())
		return
	}
	mad, _ := rgbDiff(t, got, ref)
	t.Logf("%s: mean abs diff %.2f", name, mad)
	if mad > maxOrientDiff {
		t.Errorf("%s: mean abs diff %.1f to the upright original, want ≤ %d", name, mad, maxOrientDiff)
	}
}

// TestOrientationCheckCatchesMistakes: the comparison used above fails for
// outputs left mirrored or turned, so it does prove uprightness.
func TestOrientationCheckCatchesMistakes(t *testing.T) {
	ref := preview(t, mediaPath("images/orientation/recurser_Landscape_1.jpg"), Options{})
	for name, wrong := range map[string]image.Image{
		"mirrored":   imaging.FlipH(ref),
		"flipped":    imaging.FlipV(ref),
		"turned 180": imaging.Rotate180(ref),
	} {
		mad, _ := rgbDiff(t, wrong, ref)
		t.Logf("%s: mean abs diff %.1f", name, mad)
		if mad <= 3*maxOrientDiff {
			t.Errorf("%s: mean abs diff only %.1f, the check would not catch it", name, mad)
		}
	}
	// A wrong turn by 90° changes the size, which checkUpright reports.
	if imaging.Rotate90(ref).Bounds().Size() == ref.Bounds().Size() {
		t.Error("a 90° turn keeps the size")
	}
}

// orientedCopy stores Landscape_1's upright pixels transformed so that
// EXIF orientation o undoes it, as a JPEG tagged with o.
func orientedCopy(t *testing.T, o int) string {
	upright := decodeFile(t, mediaPath("images/orientation/recurser_Landscape_1.jpg"))
	// Orientations 3 (turn 180°) and 7 (transverse) are their own inverse.
	stored := orient(upright, o)
	data := withOrientation(encodeJPEG(t, stored, 95), o)
	path := writeTemp(t, fmt.Sprintf("landscape_%d.jpg", o), data)
	info, err := probe.File(context.Background(), path, probe.Limits{}, nil)
	if err != nil || info.Orientation != o {
		t.Fatalf("generated file: probe reads orientation %d (%v), want %d", info.Orientation, err, o)
	}
	return path
}

// withOrientation inserts after SOI a minimal APP1 EXIF segment: a
// big-endian TIFF header and one IFD holding only Orientation (0x0112).
func withOrientation(jpeg []byte, o int) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")  // header, IFD0 at offset 8
	tiff = binary.BigEndian.AppendUint16(tiff, 1) // one entry
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112)
	tiff = binary.BigEndian.AppendUint16(tiff, 3) // SHORT
	tiff = binary.BigEndian.AppendUint32(tiff, 1) // count
	tiff = binary.BigEndian.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0)                     // value padding
	tiff = binary.BigEndian.AppendUint32(tiff, 0) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(2+len(payload)))
	seg = append(seg, payload...)
	out := append([]byte{}, jpeg[:2]...)
	return append(append(out, seg...), jpeg[2:]...)
}

// TestEXIFOrientationOtherFormats: PNG eXIf and WebP EXIF orientations are
// applied like JPEG's: the output equals the decoded pixels turned by the
// orientation probe reads (and differs from the unturned ones).
func TestEXIFOrientationOtherFormats(t *testing.T) {
	for _, c := range []struct {
		file string
		o    int
	}{
		{"images/orientation/pillow_exif_imagemagick_orientation.png", 3},
		{"images/orientation/pillow_hopper_orientation_6.webp", 6},
	} {
		path := mediaPath(c.file)
		info, err := probe.File(context.Background(), path, probe.Limits{}, nil)
		if err != nil || info.Orientation != c.o {
			t.Fatalf("%s: probe orientation %d (%v), want %d", c.file, info.Orientation, err, c.o)
		}
		raw := decodeFile(t, path)
		got := decodeOutput(t, output(t, render(t, path, Options{Renditions: []Rendition{{"full", 4096}}}), "full"))
		good, _ := rgbDiff(t, got, orient(raw, c.o))
		bad, _ := rgbDiff(t, got, raw)
		if good > maxOrientDiff || bad < 2*maxOrientDiff {
			t.Errorf("%s: mean abs diff %.1f to the turned pixels (want ≤ %d), %.1f to the stored ones", c.file, good, maxOrientDiff, bad)
		}
	}
}

// TestHEIFOrientationNotAppliedTwice: libheif applies irot/imir itself;
// the output matches heif-convert's own upright pixels and not those turned
// again by the orientation probe derives from irot/imir.
func TestHEIFOrientationNotAppliedTwice(t *testing.T) {
	for _, file := range []string{"images/orientation/pillow_avif_rot3mir1.avif", "images/heic/exiv2_iphoneXR_2021-02-13-1929.heic"} {
		path := mediaPath(file)
		info, err := probe.File(context.Background(), path, probe.Limits{}, nil)
		if err != nil || info.Orientation < 2 {
			t.Fatalf("%s: probe orientation %d (%v), want a transform", file, info.Orientation, err)
		}
		upright := heifConvertPixels(t, path)
		got := decodeOutput(t, output(t, render(t, path, Options{}), "thumb"))
		size := got.Bounds().Size()
		want := imaging.Resize(upright, size.X, size.Y, imaging.Lanczos)
		twice := imaging.Resize(orient(upright, info.Orientation), size.X, size.Y, imaging.Lanczos)
		good, _ := rgbDiff(t, got, want)
		if good > maxOrientDiff {
			t.Errorf("%s: mean abs diff %.1f to libheif's upright pixels, want ≤ %d", file, good, maxOrientDiff)
		}
		if twice.Bounds().Size() == size {
			if bad, _ := rgbDiff(t, got, twice); bad < 3*maxOrientDiff {
				t.Errorf("%s: output also matches orientation %d applied twice (%.1f)", file, info.Orientation, bad)
			}
		}
	}
}

func heifConvertPixels(t *testing.T, path string) image.Image {
	dir := t.TempDir()
	if err := runHeifConvert(context.Background(), Options{}.withDefaults(), path, dir+"/out.jpg"); err != nil {
		t.Fatal(err)
	}
	m := decodeFile(t, dir+"/out.jpg")
	os.RemoveAll(dir)
	return m
}
