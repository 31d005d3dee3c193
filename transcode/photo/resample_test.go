package photo

import (
	"image"
	"image/color"
	"sync"
	"testing"

	"github.com/disintegration/imaging"
)

// Our resampler must match imaging (the reference) closely.
const (
	minPSNRvsImaging = 45.0 // dB
	maxMADvsImaging  = 0.6  // mean absolute difference per channel, 0..255
)

var (
	photoOnce sync.Once
	photoFull *image.NRGBA // the 12 MP test photo (4032×3024)
	photoHalf *image.NRGBA // the same at 2000×1500, as a 1/2 scaled decode
)

// testPhoto returns the real 12 MP photo and a 2000×1500 version of it.
func testPhoto(t testing.TB) (full, half *image.NRGBA) {
	t.Helper()
	photoOnce.Do(func() {
		m := decodeFile(t, mediaPath("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"))
		photoFull = asNRGBA(m)
		photoHalf = imaging.Resize(photoFull, 2000, 1500, imaging.Box)
	})
	if photoFull == nil {
		t.Fatal("test photo not decoded")
	}
	return photoFull, photoHalf
}

func TestResampleMatchesImaging(t *testing.T) {
	full, half := testPhoto(t)
	web := imaging.Resize(half, 2048, 1536, imaging.Lanczos)
	cases := []struct {
		name   string
		src    image.Image
		w, h   int
		filter imaging.ResampleFilter
	}{
		{"full to web", full, 2048, 1536, imaging.Lanczos},
		{"half to web (enlarges 2.4%)", half, 2048, 1536, imaging.Lanczos},
		{"half to odd", half, 1001, 667, imaging.Lanczos},
		{"web to preview", web, 1280, 960, imaging.CatmullRom},
		{"web to thumb", web, 320, 240, imaging.CatmullRom},
		{"web to odd thumb", web, 317, 239, imaging.CatmullRom},
		{"only width", half, 1333, 1500, imaging.Lanczos},
		{"only height", half, 2000, 999, imaging.CatmullRom},
		{"1 px wide", half, 1, 750, imaging.Lanczos},
		{"1 px high", web, 640, 1, imaging.CatmullRom},
		{"1×1", web, 1, 1, imaging.Lanczos},
		{"enlarge 1.5×", imaging.Resize(half, 400, 300, imaging.Box), 600, 450, imaging.Lanczos},
		{"sub-image", half.SubImage(image.Rect(301, 199, 1500, 1000)), 600, 401, imaging.Lanczos},
		{"YCbCr (pure-Go decode)", decodeFile(t, mediaPath("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")), 2048, 1536, imaging.Lanczos},
	}
	for _, c := range cases {
		got := resample(c.src, c.w, c.h, c.filter)
		if got == nil {
			t.Fatalf("%s: resample refused %T", c.name, c.src)
		}
		if got.Rect != image.Rect(0, 0, c.w, c.h) {
			t.Fatalf("%s: got %v, want %dx%d", c.name, got.Rect, c.w, c.h)
		}
		for i := 3; i < len(got.Pix); i += 4 {
			if got.Pix[i] != 0xff {
				t.Fatalf("%s: alpha %d at byte %d", c.name, got.Pix[i], i)
			}
		}
		mad, psnr := rgbDiff(t, got, imaging.Resize(c.src, c.w, c.h, c.filter))
		t.Logf("%-28s %4dx%-4d vs imaging: %.2f dB, mean abs diff %.3f", c.name, c.w, c.h, psnr, mad)
		if psnr < minPSNRvsImaging || mad > maxMADvsImaging {
			t.Errorf("%s: %.2f dB, mean abs diff %.3f (want ≥ %.0f dB, ≤ %.1f)", c.name, psnr, mad, minPSNRvsImaging, maxMADvsImaging)
		}
	}
}

// TestResampleComparisonIsSensitive: the thresholds above catch a result
// off by one pixel or made with the wrong kernel, so wrong weights would
// fail TestResampleMatchesImaging.
func TestResampleComparisonIsSensitive(t *testing.T) {
	_, half := testPhoto(t)
	ref := imaging.Resize(half, 1280, 960, imaging.Lanczos)
	got := resample(half, 1280, 960, imaging.Lanczos)
	shifted := imaging.Clone(got) // one pixel to the left, last column repeated
	for y := range 960 {
		row := shifted.Pix[y*shifted.Stride : (y+1)*shifted.Stride]
		copy(row, got.Pix[y*got.Stride+4:(y+1)*got.Stride])
	}
	wrong := map[string]*image.NRGBA{
		"shifted by 1 px": shifted,
		"Linear kernel":   resample(half, 1280, 960, imaging.Linear),
		"Box kernel":      resample(half, 1280, 960, imaging.Box),
	}
	for name, m := range wrong {
		mad, psnr := rgbDiff(t, m, ref)
		t.Logf("%s vs imaging Lanczos: %.2f dB, mean abs diff %.3f", name, psnr, mad)
		if psnr >= minPSNRvsImaging && mad <= maxMADvsImaging {
			t.Errorf("%s passes the comparison (%.2f dB, %.3f)", name, psnr, mad)
		}
	}
}

// TestTapsSumToOne: every output's integer weights sum exactly to one, so
// flat areas stay flat, and no tap reads outside the source.
func TestTapsSumToOne(t *testing.T) {
	for _, c := range [][2]int{{2048, 3000}, {2048, 2000}, {1280, 2048}, {320, 1280}, {1, 1500}, {1, 1}, {7, 3}, {3000, 2}} {
		for _, f := range []imaging.ResampleFilter{imaging.Lanczos, imaging.CatmullRom} {
			tp := makeTaps(c[0], c[1], f)
			if !tp.fits() {
				t.Fatalf("%d→%d: weights do not fit the lanes", c[1], c[0])
			}
			for i := range c[0] {
				var sum int32
				for _, w := range tp.w[i*tp.n : (i+1)*tp.n] {
					sum += w
				}
				if sum != weightOne || tp.lo[i] < 0 || int(tp.lo[i])+tp.n > c[1] {
					t.Fatalf("%d→%d output %d: weights sum to %d, taps %d..%d", c[1], c[0], i, sum, tp.lo[i], int(tp.lo[i])+tp.n)
				}
			}
		}
	}
	flat := imaging.New(333, 211, color.NRGBA{10, 128, 250, 255})
	got := resample(flat, 101, 67, imaging.Lanczos)
	for i := 0; i < len(got.Pix); i += 4 {
		if p := got.Pix[i : i+4]; p[0] != 10 || p[1] != 128 || p[2] != 250 || p[3] != 255 {
			t.Fatalf("flat colour became %v at %d", p, i/4)
		}
	}
}

// TestClampLanes: the packed clamp gives, in every lane, what rounding and
// clamping that lane alone gives, for every sum the lanes can hold.
func TestClampLanes(t *testing.T) {
	for v := uint64(0); v <= laneMask; v++ {
		want := uint64(clampLane(v))
		if got := clampLanes(v * lanes); got != want*lanes {
			t.Fatalf("lane sum %d: got %#x, want %d in every lane", v, got, want)
		}
	}
}

// TestResampleLeavesTranslucentToImaging: pixels that are not opaque are
// refused (resize then uses imaging, which weights colour by alpha).
func TestResampleLeavesTranslucentToImaging(t *testing.T) {
	m := imaging.New(300, 200, color.NRGBA{200, 0, 0, 255})
	m.Pix[len(m.Pix)-1] = 128
	if resample(m, 100, 50, imaging.Lanczos) != nil {
		t.Fatal("resample took a translucent image")
	}
	if r := resize(m, image.Pt(100, 50), imaging.Lanczos); r.Bounds().Size() != image.Pt(100, 50) {
		t.Fatalf("resize fallback gave %v", r.Bounds())
	}
	if resample(image.NewPaletted(image.Rect(0, 0, 10, 10), nil), 5, 5, imaging.Lanczos) != nil {
		t.Fatal("resample took a paletted image")
	}
}

// BenchmarkResample compares our resampler with imaging on the first two
// cascade steps of a 24 MP photo decoded at 1/2.
func BenchmarkResample(b *testing.B) {
	full, _ := testPhoto(b)
	src := imaging.Resize(full, 3000, 2000, imaging.Box)
	web := imaging.Resize(src, 2048, 1365, imaging.Lanczos)
	steps := []struct {
		name   string
		src    *image.NRGBA
		w, h   int
		filter imaging.ResampleFilter
	}{
		{"3000x2000-2048x1365-Lanczos", src, 2048, 1365, imaging.Lanczos},
		{"2048x1365-1280x853-CatmullRom", web, 1280, 853, imaging.CatmullRom},
	}
	for _, s := range steps {
		b.Run(s.name+"/ours", func(b *testing.B) {
			b.SetBytes(int64(len(s.src.Pix)))
			for b.Loop() {
				resample(s.src, s.w, s.h, s.filter)
			}
		})
		b.Run(s.name+"/imaging", func(b *testing.B) {
			b.SetBytes(int64(len(s.src.Pix)))
			for b.Loop() {
				imaging.Resize(s.src, s.w, s.h, s.filter)
			}
		})
	}
}
