package probe

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

type gpsWant struct {
	lat, lon float64
	alt      any // nil: no altitude; float64: metres
}

// TestImageFiles checks Image against values read with `exiftool -n -s`.
// Times are RFC 3339; without a recorded offset the wall clock is in UTC.
func TestImageFiles(t *testing.T) {
	tests := []struct {
		file              string
		w, h, orientation int
		make, model       string
		time              string
		gps               *gpsWant
		warning           string // a warning that must be present
	}{
		{file: "images/exif_cameras/exiforg_kodak-dc210.jpg", w: 640, h: 480, orientation: 1,
			make: "Eastman Kodak Company", model: "DC210 Zoom (V05.00)", time: "2000-10-26T16:46:51Z"},
		{file: "images/exif_cameras/exiforg_olympus-c960.jpg", w: 640, h: 480, orientation: 1,
			make: "OLYMPUS OPTICAL CO.,LTD", model: "C960Z,D460Z", time: "2000-11-07T10:41:43Z"},
		{file: "images/exif_cameras/exiftool_Canon.jpg", w: 8, h: 8, orientation: 1,
			make: "Canon", model: "Canon EOS DIGITAL REBEL", time: "2003-12-04T06:46:52Z"},
		{file: "images/exif_cameras/exiftool_FujiFilm.jpg", w: 8, h: 8, orientation: 1,
			make: "FUJIFILM", model: "FinePix2400Zoom", time: "2001-05-19T18:36:41Z"},
		{file: "images/exif_cameras/exiftool_GoPro.jpg", w: 8, h: 8, orientation: 1,
			make: "GoPro", model: "HERO6 Black", time: "2017-10-03T10:58:29Z",
			gps: &gpsWant{40.6584191999722, -73.9933542999722, -3.983}},
		{file: "images/exif_cameras/exiftool_NikonD70.jpg", w: 71, h: 47, orientation: 1,
			make: "NIKON CORPORATION", model: "NIKON D70", time: "2005-01-14T08:57:59Z"},
		{file: "images/exif_cameras/exiftool_Sony.jpg", w: 8, h: 8, orientation: 1,
			make: "SONY", model: "DSC-F828", time: "2003-12-18T13:51:33Z"},
		{file: "images/exif_cameras/ianare_Canon_40D_photoshop_import.jpg", w: 100, h: 77, orientation: 1,
			time: "2008-07-31T10:05:49Z"}, // ModifyDate: no DateTimeOriginal
		{file: "images/exif_cameras/ianare_Canon_PowerShot_S40.jpg", w: 480, h: 360, orientation: 1,
			make: "Canon", model: "Canon PowerShot S40", time: "2003-12-14T12:01:44Z"},
		{file: "images/exif_cameras/ianare_Kodak_CX7530.jpg", w: 100, h: 78, orientation: 1,
			make: "EASTMAN KODAK COMPANY", model: "KODAK CX7530 ZOOM DIGITAL CAMERA", time: "2005-08-13T09:47:23Z",
			gps: &gpsWant{-0.3713, 36.0564166666667, nil}},
		{file: "images/exif_edgecases/baremedia_exif-empty.jpg", w: 150, h: 120},
		{file: "images/exif_edgecases/mde_Issue_508.jpg", w: 1, h: 1, make: "Apple", model: "iPhone XR",
			time: "2020-09-02T18:52:42Z", gps: &gpsWant{43.8594694444444, 15.5032833333333, 0.9}},
		{file: "images/exif_edgecases/pillow_broken_exif_dpi.jpg", w: 100, h: 100, orientation: 1,
			make: "NIKON CORPORATION", model: "NIKON D800", time: "2013-09-11T16:45:13Z"},
		// The Exif IFD pointer has type "string"; the IFD it points to is sound.
		{file: "images/exif_edgecases/pillow_exif_typeerror.jpg", w: 800, h: 531, time: "2010-07-11T13:53:00Z"},
		{file: "images/exif_edgecases/pillow_invalid-exif.jpg", w: 200, h: 200, warning: "EXIF block unreadable: "},
		{file: "images/formats/go_video-001.interlaced.gif", w: 150, h: 103},
		{file: "images/formats/go_video-001.progressive.jpeg", w: 150, h: 103},
		{file: "images/formats/go_video-001.q50.440.progressive.jpeg", w: 150, h: 103},
		{file: "images/formats/go_video-001.restart2.jpeg", w: 150, h: 103},
		{file: "images/formats/jxl_flower_small_non_interleaved.jpg", w: 510, h: 532},
		{file: "images/formats/mde_Multiple_ICC_segments.jpg", w: 140, h: 140, orientation: 1, time: "2014-12-18T17:45:02Z"},
		{file: "images/formats/mde_webp_Alpha_Lossless_2.webp", w: 386, h: 395},
		{file: "images/formats/pillow_exif.avif", w: 512, h: 512},
		{file: "images/formats/pillow_iss634_animated.webp", w: 245, h: 245},
		{file: "images/formats/pillow_pil_sample_cmyk.jpg", w: 100, h: 100, orientation: 1, time: "2009-03-06T22:15:00Z"},
		{file: "images/formats/pngsuite_basn6a16.png", w: 32, h: 32},
		{file: "images/formats/pngsuite_exif2c08.png", w: 32, h: 32, orientation: 1},
		{file: "images/gps/ianare_45-gps_ifd.jpg", w: 1600, h: 900, orientation: 1,
			make: "Polyphony Digital Inc.", model: "Gran Turismo 5", time: "2012-06-23T06:55:49Z"},
		{file: "images/gps/ianare_gps_DSCN0025.jpg", w: 640, h: 480, orientation: 1,
			make: "NIKON", model: "COOLPIX P6000", time: "2008-10-22T16:43:21Z",
			gps: &gpsWant{43.468365, 11.8816349999722, nil}},
		{file: "images/gps/mde_HTC_Desire.jpg", w: 776, h: 909, orientation: 1,
			make: "HTC", model: "HTC Desire", time: "2011-05-06T09:59:48Z",
			gps: &gpsWant{45.5006666666667, 9.11033333333333, 217.0}},
		// A 50 MP grid whose tiles were pruned to tiny (but well-formed) HEVC.
		{file: "images/heic/exiv2_Sony_ILCE-1.HIF", w: 8640, h: 5760, orientation: 1,
			make: "SONY", model: "ILCE-1", time: "2021-02-18T19:55:41Z"},
		{file: "images/heic/exiv2_iphoneXR_2021-02-13-1929.heic", w: 4032, h: 3024, orientation: 6,
			make: "Apple", model: "iPhone XR", time: "2021-02-13T11:03:31-06:00",
			gps: &gpsWant{30.5803666666667, -88.0739055555556, 2.902535678}},
		{file: "images/heic/ianare_iPhone_IMG_5195.HEIC", w: 2566, h: 3313, orientation: 1,
			make: "Apple", model: "iPhone 11 Pro Max", time: "2021-04-11T15:47:53-05:00",
			gps: &gpsWant{39.0513444444444, -94.2887722222222, 260.5606383}},
		{file: "images/heic/mde_IMG_1034.heic", w: 4032, h: 3024, orientation: 1,
			make: "Apple", model: "iPhone 8", time: "2018-02-05T15:11:44Z",
			gps: &gpsWant{23.1779166666667, 113.394316666667, 42.81033687}},
		{file: "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", w: 4032, h: 3024, orientation: 1,
			make: "samsung", model: "SM-G935L", time: "2017-02-09T19:51:38Z",
			gps: &gpsWant{48.8925, 2.23638888888889, 0.0}},
		// Orientation only in the Sony maker note, which we do not read.
		{file: "images/orientation/exiv2_sony_6_right_top.HIF", w: 4672, h: 7008,
			make: "SONY", model: "ILCE-7CM2", time: "2026-04-06T15:12:57+08:00"},
		{file: "images/orientation/pillow_avif_rot3mir1.avif", w: 427, h: 640, orientation: 5}, // irot=1, imir axis 0
		{file: "images/orientation/pillow_exif_imagemagick_orientation.png", w: 512, h: 512, orientation: 3},
		{file: "images/orientation/pillow_hopper_orientation_6.webp", w: 128, h: 128, orientation: 6},
		{file: "images/orientation/recurser_Landscape_0.jpg", w: 1800, h: 1200},
		{file: "images/orientation/recurser_Landscape_1.jpg", w: 1800, h: 1200, orientation: 1},
		{file: "images/orientation/recurser_Landscape_6.jpg", w: 1200, h: 1800, orientation: 6},
		{file: "images/orientation/recurser_Landscape_8.jpg", w: 1200, h: 1800, orientation: 8},
		{file: "images/orientation/recurser_Portrait_5.jpg", w: 1800, h: 1200, orientation: 5},
		{file: "images/png16/jxl_rawpixls_Nikon-D300-12bit_2020_g1_dt.png", w: 64, h: 64, orientation: 1,
			make: "NIKON CORPORATION", model: "NIKON D300", time: "2017-01-17T21:27:20Z"},
		{file: "images/tiff/ianare_Crémieux11.tiff", w: 199, h: 47, orientation: 1, time: "2012-01-09T22:52:11Z"},
		{file: "images/tiff/ianare_Jobagent.tiff", w: 264, h: 84, orientation: 1},
		{file: "images/tiff/pillow_tiff_16bit_RGB.tiff", w: 100, h: 40,
			warning: `EXIF date "2017:08:21 15:08:70" is not a valid date`},
	}
	for _, tt := range tests {
		info, err := File(context.Background(), filepath.Join(media, tt.file), Limits{}, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		got := fmt.Sprintf("%dx%d o=%d %q %q", info.Width, info.Height, info.Orientation, info.Make, info.Model)
		want := fmt.Sprintf("%dx%d o=%d %q %q", tt.w, tt.h, tt.orientation, tt.make, tt.model)
		if got != want {
			t.Errorf("%s: got %s, want %s", tt.file, got, want)
		}
		if gt := timeString(info.CaptureTime); gt != tt.time {
			t.Errorf("%s: capture time %q, want %q", tt.file, gt, tt.time)
		}
		if !gpsMatches(info.GPS, tt.gps) {
			t.Errorf("%s: GPS %s, want %+v", tt.file, gpsString(info.GPS), tt.gps)
		}
		if tt.warning != "" && !hasWarning(info, tt.warning) {
			t.Errorf("%s: warnings %q lack %q", tt.file, info.Warnings, tt.warning)
		}
		if tt.warning == "" && len(info.Warnings) > 0 {
			t.Errorf("%s: unexpected warnings %q", tt.file, info.Warnings)
		}
		if info.Format.Class != ClassImage {
			t.Errorf("%s: format %+v is not an image format", tt.file, info.Format)
		}
	}
}

func timeString(tm *time.Time) string {
	if tm == nil {
		return ""
	}
	return tm.Format(time.RFC3339)
}

func gpsMatches(g *GPS, w *gpsWant) bool {
	if g == nil || w == nil {
		return g == nil && w == nil
	}
	if !near(g.Lat, w.lat) || !near(g.Lon, w.lon) {
		return false
	}
	if w.alt == nil {
		return g.Alt == nil
	}
	return g.Alt != nil && near(*g.Alt, w.alt.(float64))
}

func gpsString(g *GPS) string {
	if g == nil {
		return "none"
	}
	s := fmt.Sprintf("%.10f,%.10f", g.Lat, g.Lon)
	if g.Alt != nil {
		s += fmt.Sprintf(" alt %.6f", *g.Alt)
	}
	return s
}

func hasWarning(info Info, prefix string) bool {
	for _, w := range info.Warnings {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// TestPixelLimit checks that every format refuses a declared size above the
// limit, from the header, before it would decode anything.
func TestPixelLimit(t *testing.T) {
	tests := []struct {
		file string
		max  int64 // 0: the default
		kind error
	}{
		{"malformed/imagetestsuite/png_bomb_309x15403836_817f9655.png", 0, ErrTooManyPixels},
		// 193 × 31237 = 6.0 MP: within the default limit, where its broken
		// scans make it corrupt; a lower limit refuses it from the header.
		{"malformed/imagetestsuite/jpeg_huge_dims_8e5e74db.jpg", 0, ErrCorrupt},
		{"malformed/imagetestsuite/jpeg_huge_dims_8e5e74db.jpg", 6_000_000, ErrTooManyPixels},
		{"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", 12_192_768, nil},
		{"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", 12_192_767, ErrTooManyPixels},
		{"images/heic/exiv2_Sony_ILCE-1.HIF", 0, nil},
		{"images/heic/exiv2_Sony_ILCE-1.HIF", 49_000_000, ErrTooManyPixels},
		{"images/heic/mde_IMG_1034.heic", 12_000_000, ErrTooManyPixels},
		{"images/formats/pillow_exif.avif", 512*512 - 1, ErrTooManyPixels},
		{"images/png16/jxl_rawpixls_Nikon-D300-12bit_2020_g1_dt.png", 4095, ErrTooManyPixels},
		{"images/formats/pillow_iss634_animated.webp", 245*245 - 1, ErrTooManyPixels},
		{"images/formats/mde_webp_Alpha_Lossless_2.webp", 1000, ErrTooManyPixels},
		{"images/orientation/pillow_hopper_orientation_6.webp", 1000, ErrTooManyPixels},
		{"images/formats/go_video-001.interlaced.gif", 1000, ErrTooManyPixels},
		{"images/tiff/ianare_Jobagent.tiff", 1000, ErrTooManyPixels},
	}
	for _, tt := range tests {
		_, err := File(context.Background(), filepath.Join(media, tt.file), Limits{MaxPixels: tt.max}, nil)
		if kindOf(err) != tt.kind {
			t.Errorf("%s (limit %d): %v; want kind %v", tt.file, tt.max, err, tt.kind)
		}
	}
}

// TestTruncated cuts good files short at several points; each cut must be
// reported as corrupt.
func TestTruncated(t *testing.T) {
	files := []string{
		"images/orientation/recurser_Landscape_1.jpg",
		"images/formats/go_video-001.progressive.jpeg",
		"images/formats/go_video-001.restart2.jpeg",
		"images/png16/jxl_rawpixls_Nikon-D300-12bit_2020_g1_dt.png",
		"images/formats/pngsuite_basn6a16.png",
		"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic",
		"images/heic/mde_IMG_1034.heic",
		"images/formats/pillow_exif.avif",
		"images/orientation/pillow_hopper_orientation_6.webp",
		"images/formats/pillow_iss634_animated.webp",
		"images/tiff/ianare_Jobagent.tiff",
		"images/formats/go_video-001.interlaced.gif",
	}
	for _, file := range files {
		data := readMedia(t, file)
		f, err := Sniff(data[:min(len(data), SniffSize)])
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		cuts := []int{20, 100, len(data) / 10, len(data) / 3, len(data) / 2, len(data) * 9 / 10, len(data) - 2}
		if f.Name != "gif" { // a GIF cut just before its trailer byte is whole; see TestGIFWithoutTrailer
			cuts = append(cuts, len(data)-1)
		}
		for _, n := range cuts {
			_, err := Image(bytes.NewReader(data[:n]), int64(n), f, Limits{})
			if kindOf(err) != ErrCorrupt {
				t.Errorf("%s cut to %d of %d bytes: %v; want corrupt", file, n, len(data), err)
			}
		}
	}
}

func TestGIFWithoutTrailer(t *testing.T) {
	data := readMedia(t, "images/formats/go_video-001.interlaced.gif")
	info, err := Image(bytes.NewReader(data[:len(data)-1]), int64(len(data)-1), FormatGIF, Limits{})
	if err != nil || !hasWarning(info, "GIF has no trailer byte") {
		t.Errorf("GIF without trailer: %v, warnings %q", err, info.Warnings)
	}
}

// TestTrailingData: data after a JPEG's end-of-image marker (an Ultra HDR
// gain map, an MPF second image) is fine. The sample pillow_ultrahdr.jpg
// is header-only (its scan is cut off), so the case is built here.
func TestTrailingData(t *testing.T) {
	main := readMedia(t, "images/exif_cameras/exiftool_Canon.jpg")
	second := readMedia(t, "images/formats/go_video-001.progressive.jpeg")
	data := append(append([]byte{}, main...), second...)
	info, err := Image(bytes.NewReader(data), int64(len(data)), FormatJPEG, Limits{})
	if err != nil || info.Width != 8 || info.Model != "Canon EOS DIGITAL REBEL" {
		t.Errorf("JPEG with a second JPEG appended: %+v, %v", info, err)
	}
	_, err = File(context.Background(), filepath.Join(media, "images/formats/pillow_ultrahdr.jpg"), Limits{}, nil)
	if kindOf(err) != ErrCorrupt {
		t.Errorf("header-only Ultra HDR sample: %v; want corrupt", err)
	}
}

func TestTextNamedJPEG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ảnh chụp.jpg")
	if err := os.WriteFile(path, []byte("Đây không phải là ảnh.\nThis is not a photo.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := File(context.Background(), path, Limits{}, nil)
	if kindOf(err) != ErrUnsupported || !strings.HasSuffix(err.Error(), ": plain text") {
		t.Errorf("text named .jpg: %v; want unsupported plain text", err)
	}
}

func TestImageWrongFormat(t *testing.T) {
	data := readMedia(t, "images/formats/pngsuite_basn6a16.png")
	tests := []struct {
		f    Format
		kind error
	}{
		{FormatJPEG, ErrCorrupt}, {FormatGIF, ErrCorrupt}, {FormatWebP, ErrCorrupt}, {FormatTIFF, ErrCorrupt},
		{FormatHEIC, ErrCorrupt}, {FormatMP4, ErrUnsupported}, {Format{Name: "bmp"}, ErrUnsupported},
	}
	for _, tt := range tests {
		if _, err := Image(bytes.NewReader(data), int64(len(data)), tt.f, Limits{}); kindOf(err) != tt.kind {
			t.Errorf("PNG read as %s: %v; want %v", tt.f.Name, err, tt.kind)
		}
	}
	if _, err := Image(bytes.NewReader(nil), 0, FormatPNG, Limits{}); kindOf(err) != ErrEmpty {
		t.Errorf("empty: %v", err)
	}
}

// TestImageMemory: probing a 4.2 MB photo allocates a small, fixed amount.
func TestImageMemory(t *testing.T) {
	for _, file := range []string{
		"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg",
		"images/heic/mde_IMG_1034.heic",
	} {
		f, err := os.Open(filepath.Join(media, file))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		format, _ := Sniff(head(t, f.Name()))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = Image(f, st.Size(), format, Limits{})
		runtime.ReadMemStats(&after)
		f.Close()
		if alloc := after.TotalAlloc - before.TotalAlloc; err != nil || alloc > 1<<20 {
			t.Errorf("%s (%d bytes): allocated %d bytes, err %v", file, st.Size(), alloc, err)
		}
	}
}

func TestParseExifTime(t *testing.T) {
	tests := []struct {
		in, offset string
		want       string // RFC 3339, "" for none
		valid      bool
	}{
		{"2021:02:13 11:03:31", "-06:00", "2021-02-13T11:03:31-06:00", true},
		{"2021:02:13 11:03:31", "", "2021-02-13T11:03:31Z", true},
		{"2010:07:11 13:53:00+02:00", "", "2010-07-11T13:53:00+02:00", true},
		{"2010-07-11T13:53:00", "+07:00", "2010-07-11T13:53:00+07:00", true},
		{"2017:01:17 21:27:20.25", "", "2017-01-17T21:27:20Z", true},
		{"0000:00:00 00:00:00", "", "", true},
		{"    :  :     :  :  ", "", "", true},
		{"", "", "", true},
		{"2017:08:21 15:08:70", "", "", false},
		{"yesterday", "", "", false},
		{"2021:02:13 11:03:31", "+99:00", "2021-02-13T11:03:31Z", true},
	}
	for _, tt := range tests {
		tm, ok, valid := parseExifTime(tt.in, tt.offset)
		got := ""
		if ok {
			got = tm.Format(time.RFC3339)
		}
		if got != tt.want || valid != tt.valid {
			t.Errorf("parseExifTime(%q, %q) = %q, valid %v; want %q, %v", tt.in, tt.offset, got, valid, tt.want, tt.valid)
		}
	}
}

func TestHEIFOrientation(t *testing.T) {
	tests := []struct{ angle, mirror, want int }{
		{0, -1, 1}, {1, -1, 8}, {2, -1, 3}, {3, -1, 6}, // irot is anti-clockwise
		{0, 1, 2}, {0, 0, 4}, // imir axis 1: left-right; 0: top-bottom
		{1, 0, 5}, {1, 1, 7}, {3, 1, 5}, {3, 0, 7}, {2, 1, 4}, {2, 0, 2},
	}
	for _, tt := range tests {
		if got := heifOrientation(tt.angle, tt.mirror); got != tt.want {
			t.Errorf("heifOrientation(%d, %d) = %d, want %d", tt.angle, tt.mirror, got, tt.want)
		}
	}
}

func TestCleanString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Canon\x00\x00\x00", "Canon"},
		{"  NIKON CORPORATION  ", "NIKON CORPORATION"},
		{"Cr\xe9mieux", "Crémieux"},      // Latin-1
		{"Quảng Bá\x00junk", "Quảng Bá"}, // UTF-8 kept
		{"a\x01b\tc", "abc"},
	}
	for _, tt := range tests {
		if got := cleanString([]byte(tt.in)); got != tt.want {
			t.Errorf("cleanString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCaptureTimeZone tells a camera wall clock (no zone recorded) from a
// time with an offset, so ingest can place the former in the local zone.
func TestCaptureTimeZone(t *testing.T) {
	tests := []struct {
		file     string
		zoneless bool
		utc      string
	}{
		{"images/exif_cameras/exiforg_kodak-dc210.jpg", true, "2000-10-26T16:46:51Z"},
		{"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic", false, "2021-02-13T17:03:31Z"},
	}
	for _, tt := range tests {
		info, err := File(context.Background(), filepath.Join(media, tt.file), Limits{}, nil)
		if err != nil || info.CaptureTime == nil {
			t.Fatalf("%s: %v, time %v", tt.file, err, info.CaptureTime)
		}
		if info.CaptureTimeZoneless != tt.zoneless || info.CaptureTime.UTC().Format(time.RFC3339) != tt.utc {
			t.Errorf("%s: zoneless=%v %s, want %v %s", tt.file, info.CaptureTimeZoneless, info.CaptureTime.UTC().Format(time.RFC3339), tt.zoneless, tt.utc)
		}
	}
}
