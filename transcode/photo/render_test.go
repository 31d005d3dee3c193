package photo

import (
	"image"
	"image/color"
	"slices"
	"testing"
)

// Upright source sizes; outputs must fit them to each rendition.
var formatCases = []struct {
	file string
	w, h int // upright size of the source
}{
	{"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", 4032, 3024},
	{"images/formats/go_video-001.progressive.jpeg", 150, 103},
	{"images/formats/go_video-001.q50.440.progressive.jpeg", 150, 103},
	{"images/formats/jxl_flower_small_non_interleaved.jpg", 510, 532},
	{"images/formats/pillow_pil_sample_cmyk.jpg", 100, 100},
	{"images/gps/ianare_45-gps_ifd.jpg", 1600, 900},
	{"images/orientation/recurser_Landscape_6.jpg", 1800, 1200},
	{"images/formats/pngsuite_basn6a16.png", 32, 32},
	{"images/png16/jxl_rawpixls_Nikon-D300-12bit_2020_g1_dt.png", 64, 64},
	{"images/orientation/pillow_exif_imagemagick_orientation.png", 512, 512},
	{"images/tiff/pillow_tiff_16bit_RGB.tiff", 100, 40},
	{"images/tiff/ianare_Jobagent.tiff", 264, 84},
	{"images/formats/mde_webp_Alpha_Lossless_2.webp", 386, 395},
	{"images/orientation/pillow_hopper_orientation_6.webp", 128, 128},
	{"images/formats/go_video-001.interlaced.gif", 150, 103},
	{"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic", 3024, 4032}, // irot 90° CW, EXIF orientation 6
	{"images/heic/ianare_iPhone_IMG_5195.HEIC", 2566, 3313},
	{"images/heic/mde_IMG_1034.heic", 4032, 3024},              // grid-tiled
	{"images/orientation/pillow_avif_rot3mir1.avif", 640, 427}, // ispe 427x640, irot 270° + imir
	{"images/formats/pillow_exif.avif", 512, 512},
}

// TestRenderFormats: every format renders on both JPEG paths to valid,
// metadata-free JPEGs of the right upright size, never upscaled, in the
// order asked for.
func TestRenderFormats(t *testing.T) {
	requireTurbo(t)
	rs := []Rendition{{"thumb", 320}, {"web", 2048}, {"preview", 1280}} // not sorted on purpose
	for _, p := range jpegPaths {
		for _, c := range formatCases {
			t.Run(p.name+"/"+c.file, func(t *testing.T) {
				opts := p.opts
				opts.Renditions = rs
				outs := render(t, mediaPath(c.file), opts)
				for i, o := range outs {
					if o.Name != rs[i].Name {
						t.Errorf("output %d is %q, want %q", i, o.Name, rs[i].Name)
					}
					checkOutput(t, o, rs[i].LongEdge, c.w, c.h)
				}
			})
		}
	}
}

func checkOutput(t *testing.T, o Output, longEdge, srcW, srcH int) {
	t.Helper()
	decodeOutput(t, o)
	wantLong := min(longEdge, max(srcW, srcH))
	if got := max(o.Width, o.Height); got != wantLong {
		t.Errorf("%s: long edge %d, want %d (source %dx%d)", o.Name, got, wantLong, srcW, srcH)
	}
	if (o.Width >= o.Height) != (srcW >= srcH) && srcW != srcH {
		t.Errorf("%s: %dx%d is not upright like the %dx%d source", o.Name, o.Width, o.Height, srcW, srcH)
	}
	// Aspect within one pixel: the short edge the long edge implies.
	short := float64(min(srcW, srcH)) * float64(wantLong) / float64(max(srcW, srcH))
	if d := float64(min(o.Width, o.Height)) - short; d > 1 || d < -1 {
		t.Errorf("%s: %dx%d does not keep the %dx%d aspect", o.Name, o.Width, o.Height, srcW, srcH)
	}
	ms, err := jpegMarkers(o.JPEG)
	if err != nil {
		t.Fatalf("%s: %v", o.Name, err)
	}
	for _, m := range ms {
		if (m >= 0xE1 && m <= 0xEF) || m == 0xFE {
			t.Errorf("%s: output carries marker %#x (metadata must be stripped), markers %x", o.Name, m, ms)
		}
	}
}

// TestDefaultRenditions: the documented set, and a 1000 px source is not
// enlarged for web and preview.
func TestDefaultRenditions(t *testing.T) {
	want := []Rendition{{"web", 2048}, {"preview", 1280}, {"thumb", 320}}
	if got := DefaultRenditions(); !slices.Equal(got, want) {
		t.Fatalf("DefaultRenditions() = %v", got)
	}
	src := image.NewNRGBA(image.Rect(0, 0, 1000, 750))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	path := writeTemp(t, "k.jpg", encodeJPEG(t, src, 90))
	for _, p := range jpegPaths {
		outs := render(t, path, p.opts)
		for _, o := range outs {
			checkOutput(t, o, map[string]int{"web": 2048, "preview": 1280, "thumb": 320}[o.Name], 1000, 750)
		}
		if o := output(t, outs, "web"); o.Width != 1000 || o.Height != 750 {
			t.Errorf("%s: web of a 1000x750 source is %dx%d", p.name, o.Width, o.Height)
		}
	}
}

// TestGrayscaleJPEG: a one-component JPEG renders on both paths as grey.
func TestGrayscaleJPEG(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 640 * 255 / 640)
	}
	path := writeTemp(t, "gray.jpg", encodeJPEG(t, src, 90))
	for _, p := range jpegPaths {
		o := output(t, render(t, path, p.opts), "thumb")
		m := decodeOutput(t, o)
		r, g, b, _ := m.At(200, 100).RGBA()
		if r != g || g != b || r>>8 < 150 || r>>8 > 170 {
			t.Errorf("%s: pixel (200,100) = %d,%d,%d, want grey ≈160", p.name, r>>8, g>>8, b>>8)
		}
	}
}

// TestCMYKColours: the YCCK sample (Adobe APP14 transform=2, stored
// inverted) comes out in the colours the stdlib decoder sees; an inverted
// result would fail the same comparison.
func TestCMYKColours(t *testing.T) {
	path := mediaPath("images/formats/pillow_pil_sample_cmyk.jpg")
	ref := decodeFile(t, path) // *image.CMYK, Adobe inversion undone
	inverted := invert(asNRGBA(ref))
	for _, p := range jpegPaths {
		got := decodeOutput(t, output(t, render(t, path, p.opts), "thumb"))
		mad, _ := rgbDiff(t, got, ref)
		bad, _ := rgbDiff(t, got, inverted)
		if mad > 10 || bad < 40 {
			t.Errorf("%s: mean abs diff %.1f to the reference (want ≤ 10), %.1f to its inverse (want ≥ 40)", p.name, mad, bad)
		}
	}
}

func invert(n *image.NRGBA) *image.NRGBA {
	out := image.NewNRGBA(n.Rect)
	for i, v := range n.Pix {
		out.Pix[i] = 255 - v
		if i%4 == 3 {
			out.Pix[i] = v
		}
	}
	return out
}

// TestAlphaOnWhite: transparency is composited onto white (checked against
// a float reference of the whole image; onto black would fail), and a
// fully transparent pixel becomes white.
func TestAlphaOnWhite(t *testing.T) {
	for _, file := range []string{"images/formats/pngsuite_basn6a16.png", "images/formats/mde_webp_Alpha_Lossless_2.webp"} {
		src := decodeFile(t, mediaPath(file))
		got := decodeOutput(t, output(t, render(t, mediaPath(file), Options{Renditions: []Rendition{{"full", 4096}}}), "full"))
		onWhite, _ := rgbDiff(t, got, composite(src, 1))
		onBlack, _ := rgbDiff(t, got, composite(src, 0))
		if onWhite > 8 || onBlack < 40 {
			t.Errorf("%s: mean abs diff %.1f to src over white (want ≤ 8), %.1f to src over black (want ≥ 40)", file, onWhite, onBlack)
		}
	}
	src := decodeFile(t, mediaPath("images/formats/mde_webp_Alpha_Lossless_2.webp"))
	if _, _, _, a := src.At(20, 20).RGBA(); a != 0 {
		t.Fatalf("test pixel is not transparent (alpha %d)", a)
	}
	got := decodeOutput(t, output(t, render(t, mediaPath("images/formats/mde_webp_Alpha_Lossless_2.webp"), Options{Renditions: []Rendition{{"full", 4096}}}), "full"))
	if r, g, b, _ := got.At(20, 20).RGBA(); r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
		t.Errorf("transparent pixel became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

// composite puts m over a grey background of level bg (0 black, 1 white)
// in float arithmetic.
func composite(m image.Image, bg float64) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.NRGBA64Model.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			a := float64(c.A) / 0xffff
			mix := func(v uint16) uint8 { return uint8((float64(v)/0xffff*a+bg*(1-a))*255 + 0.5) }
			out.SetNRGBA(x, y, color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 255})
		}
	}
	return out
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
