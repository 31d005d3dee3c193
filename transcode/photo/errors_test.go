package photo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/photo/turbojpeg"
)

var kinds = []error{ErrCorrupt, ErrUnsupported, ErrTooManyPixels, ErrToolMissing}

// TestErrorKinds: broken, hostile and foreign files fail with exactly one
// kind, on both paths, without a panic.
func TestErrorKinds(t *testing.T) {
	cases := []struct {
		file string
		opts Options
		want error
	}{
		{"malformed/images/zero_bytes.jpg", Options{}, ErrCorrupt},
		{"malformed/images/go_video-001.progressive.truncated.jpeg", Options{}, ErrCorrupt},
		{"malformed/imagetestsuite/jpeg_premature_end_32d08f4a.jpg", Options{}, ErrCorrupt},
		{"malformed/imagetestsuite/jpeg_bad_restart_marker_40bb78b1.jpg", Options{}, ErrCorrupt},
		{"malformed/imagetestsuite/jpeg_huge_dims_8e5e74db.jpg", Options{}, ErrCorrupt},
		{"malformed/images/pillow_broken_data_stream.png", Options{}, ErrCorrupt},
		{"malformed/images/go_png_invalid-zlib.png", Options{}, ErrCorrupt},
		{"malformed/images/pngsuite_xcsn0g01.png", Options{}, ErrCorrupt},
		{"malformed/exiv2_poc/issue_791_poc1.webp", Options{}, ErrCorrupt},
		{"malformed/exiv2_poc/cve_2017_18005_reproducer.tiff", Options{}, ErrCorrupt},
		{"malformed/images/mde_NullPointerException.HeifPictureHandler.processBox.heif", Options{}, ErrCorrupt},
		{"malformed/imagetestsuite/png_bomb_309x15403836_817f9655.png", Options{}, ErrTooManyPixels},
		{"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", Options{MaxPixels: 10_000_000}, ErrTooManyPixels},
		{"images/heic/mde_IMG_1034.heic", Options{MaxPixels: 10_000_000}, ErrTooManyPixels},
		{"malformed/images/pillow_decompression_bomb.ico", Options{}, ErrUnsupported},
		{"images/formats/exiftool_CanonRaw.cr2", Options{}, ErrUnsupported},
		{"video/generated/generated_vp9_opus_160x120.webm", Options{}, ErrUnsupported},
		{"images/heic/ianare_iPhone_IMG_5195.HEIC", Options{HeifConvert: "heif-convert-not-installed"}, ErrToolMissing},
	}
	for _, c := range cases {
		for _, p := range jpegPaths {
			opts := c.opts
			opts.NoTurbo = p.opts.NoTurbo
			_, err := Render(context.Background(), mediaPath(c.file), opts)
			checkKind(t, p.name+" "+c.file, err, c.want)
		}
	}
}

func checkKind(t *testing.T, name string, err, want error) {
	t.Helper()
	var got []error
	for _, k := range kinds {
		if errors.Is(err, k) {
			got = append(got, k)
		}
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("%s: error %v has kinds %v, want exactly %v", name, err, got, want)
	}
}

// TestMissingFileIsNoKind: an I/O failure is not a verdict on the content.
func TestMissingFileIsNoKind(t *testing.T) {
	_, err := Render(context.Background(), filepath.Join(t.TempDir(), "absent.jpg"), Options{})
	if !errors.Is(err, os.ErrNotExist) || slices.ContainsFunc(kinds, func(k error) bool { return errors.Is(err, k) }) {
		t.Errorf("err = %v, want os.ErrNotExist and none of the kinds", err)
	}
}

// TestDamagedJPEGStillRenders: entropy data damaged in the middle (the
// structure intact) makes libjpeg-turbo warn; a warning must not fail.
func TestDamagedJPEGStillRenders(t *testing.T) {
	requireTurbo(t)
	data := damagedJPEG(t)
	path := writeTemp(t, "damaged.jpg", data)
	if _, err := probe.File(context.Background(), path, probe.Limits{}, nil); err != nil {
		t.Fatalf("damaged file should pass probe: %v", err)
	}
	outs := render(t, path, Options{})
	decodeOutput(t, output(t, outs, "web"))
	// The pure-Go decoder may refuse it, but only as corrupt.
	if _, err := Render(context.Background(), path, Options{NoTurbo: true}); err != nil {
		checkKind(t, "purego damaged", err, ErrCorrupt)
	}
}

// damagedJPEG overwrites bytes in the middle of a real photo's scan data
// with a value that cannot form a marker.
func damagedJPEG(t *testing.T) []byte {
	data, err := os.ReadFile(mediaPath("images/orientation/recurser_Landscape_1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	sos := bytes.Index(data, []byte{0xFF, 0xDA})
	mid := sos + (len(data)-sos)/2
	for i := mid; i < mid+64; i++ {
		if data[i] != 0xFF && data[i-1] != 0xFF {
			data[i] = 0x5A
		}
	}
	return data
}

// TestDecodersOnTruncatedData: fed directly (without probe's check), every
// decoder returns an image or a kind for data cut anywhere; never a panic.
func TestDecodersOnTruncatedData(t *testing.T) {
	lib, err := turbojpeg.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file   string
		format probe.Format
	}{
		{"images/formats/go_video-001.progressive.jpeg", probe.FormatJPEG},
		{"images/formats/pillow_pil_sample_cmyk.jpg", probe.FormatJPEG},
		{"images/formats/pngsuite_basn6a16.png", probe.FormatPNG},
		{"images/formats/go_video-001.interlaced.gif", probe.FormatGIF},
		{"images/tiff/pillow_tiff_16bit_RGB.tiff", probe.FormatTIFF},
		{"images/formats/mde_webp_Alpha_Lossless_2.webp", probe.FormatWebP},
	} {
		data, err := os.ReadFile(mediaPath(c.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 2, 10, 100, len(data) / 3, len(data) / 2, len(data) - 2} {
			src := &source{path: c.file, format: c.format, data: data[:n]}
			for _, nt := range []bool{false, true} {
				_, err := decode(context.Background(), src, 2048, Options{NoTurbo: nt})
				if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s cut at %d: %v has no kind", c.file, n, err)
				}
			}
		}
		if c.format == probe.FormatJPEG {
			if _, _, err := decodeJPEG(data[:20], 2048, lib); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s cut in the header: %v, want ErrCorrupt", c.file, err)
			}
		}
	}
}

// TestTurboFallback: when libjpeg-turbo cannot be loaded, Render takes the
// pure-Go path and produces exactly what NoTurbo produces.
func TestTurboFallback(t *testing.T) {
	saved := loadTurbo
	defer func() { loadTurbo = saved }()
	loadTurbo = func() (*turbojpeg.Lib, error) { return turbojpeg.Open("libturbojpeg-does-not-exist.so.0") }
	if TurboAvailable() {
		t.Fatal("TurboAvailable with a library that does not exist")
	}
	path := mediaPath("images/orientation/recurser_Landscape_6.jpg")
	got := render(t, path, Options{})
	want := render(t, path, Options{NoTurbo: true})
	for i := range want {
		if !bytes.Equal(got[i].JPEG, want[i].JPEG) {
			t.Errorf("%s differs from the pure-Go output", want[i].Name)
		}
	}
}

// TestHeifArgs: the command line, as data; a path can never be an option.
func TestHeifArgs(t *testing.T) {
	for _, c := range []struct {
		in, out string
		want    []string
	}{
		{"/photos/a.heic", "/scratch/out.jpg", []string{"--quiet", "-q", "95", "/photos/a.heic", "/scratch/out.jpg"}},
		{"a.heic", "out.jpg", []string{"--quiet", "-q", "95", "./a.heic", "./out.jpg"}},
		{"-rf.heic", "--help.jpg", []string{"--quiet", "-q", "95", "./-rf.heic", "./--help.jpg"}},
	} {
		if got := heifArgs(c.in, c.out); !slices.Equal(got, c.want) {
			t.Errorf("heifArgs(%q, %q) = %q, want %q", c.in, c.out, got, c.want)
		}
	}
}

// TestHeifConvertFailures: a file heif-convert cannot read fails as corrupt
// with its message kept, a timeout keeps the context error, and neither
// leaves scratch files behind.
func TestHeifConvertFailures(t *testing.T) {
	jpegFile := mediaPath("images/orientation/recurser_Landscape_1.jpg")
	for _, c := range []struct {
		name    string
		timeout time.Duration
		check   func(error) bool
	}{
		{"not heif", time.Minute, func(err error) bool { return errors.Is(err, ErrCorrupt) && len(err.Error()) > 60 }},
		{"timeout", time.Nanosecond, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
	} {
		scratch := t.TempDir()
		opts := Options{TempDir: scratch, Timeout: c.timeout}.withDefaults()
		src := &source{path: jpegFile, format: probe.FormatHEIC}
		_, _, err := decodeHEIF(context.Background(), src, 2048, opts)
		if !c.check(err) {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if left, _ := os.ReadDir(scratch); len(left) != 0 {
			t.Errorf("%s: scratch files left: %v", c.name, left)
		}
	}
}

// TestPickScale: the smallest fast DCT scale that still covers the largest
// rendition (within scaleSlack), never below a small source's own size.
func TestPickScale(t *testing.T) {
	for _, c := range []struct {
		w, h, long int
		want       turbojpeg.Scale
	}{
		{6000, 4000, 2048, turbojpeg.Scale{Num: 1, Denom: 2}},
		{4000, 3000, 2048, turbojpeg.Scale{Num: 1, Denom: 2}}, // 2000: within the slack
		{3000, 4000, 2048, turbojpeg.Scale{Num: 1, Denom: 2}},
		{3800, 2500, 2048, turbojpeg.Scale{Num: 1, Denom: 1}},
		{7600, 5700, 2048, turbojpeg.Scale{Num: 1, Denom: 2}},
		{8200, 6000, 2048, turbojpeg.Scale{Num: 1, Denom: 4}},
		{20000, 10000, 320, turbojpeg.Scale{Num: 1, Denom: 8}},
		{1800, 1200, 2048, turbojpeg.Scale{Num: 1, Denom: 1}},
	} {
		if got := pickScale(image.Pt(c.w, c.h), c.long); got != c.want {
			t.Errorf("pickScale(%dx%d, %d) = %v, want %v", c.w, c.h, c.long, got, c.want)
		}
	}
}
