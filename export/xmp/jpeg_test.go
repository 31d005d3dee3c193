package xmp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

var jpegSamples = []string{
	"images/exif_cameras/exiftool_Canon.jpg",                    // EXIF, no XMP
	"images/xmp_iptc/mde_Photoshop_3.jpg",                       // Photoshop XMP, IPTC, IRB, ICC
	"images/exif_cameras/ianare_Canon_40D_photoshop_import.jpg", // JFIF, EXIF, ICC
	"images/formats/go_video-001.progressive.jpeg",              // JFIF, many scans
}

// embed runs EmbedJPEG on a sample and returns input and output bytes.
func embed(t *testing.T, rel string, m Metadata) (in, out []byte) {
	t.Helper()
	in, err := os.ReadFile(media(rel))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EmbedJPEG(&buf, bytes.NewReader(in), m); err != nil {
		t.Fatalf("EmbedJPEG(%s): %v", rel, err)
	}
	return in, buf.Bytes()
}

// wantTags is what exiftool must read back from sample(), byte for byte.
var wantTags = map[string]string{
	"XMP-dc:Title":                             "Hồ Lắk lúc bình minh",
	"XMP-dc:Title-vi":                          "Hồ Lắk lúc bình minh",
	"XMP-dc:Title-en":                          "Lak Lake at dawn",
	"XMP-dc:Description":                       captionVi,
	"XMP-dc:Description-vi":                    captionVi,
	"XMP-dc:Description-en":                    captionEn,
	"XMP-dc:Rights-vi":                         "© 2026 Sở VHTTDL Đắk Lắk",
	"XMP-dc:Rights-en":                         "© 2026 Dak Lak Department of Culture",
	"XMP-xmpRights:UsageTerms-vi":              "Được dùng để quảng bá du lịch",
	"XMP-xmpRights:UsageTerms-en":              "For tourism promotion",
	"XMP-iptcCore:AltTextAccessibility":        "Mặt hồ phẳng lặng, thuyền độc mộc",
	"XMP-iptcCore:AltTextAccessibility-vi":     "Mặt hồ phẳng lặng, thuyền độc mộc",
	"XMP-iptcCore:AltTextAccessibility-en":     "A calm lake with a dugout canoe",
	"XMP-photoshop:Credit":                     "Sở VHTTDL Đắk Lắk",
	"XMP-photoshop:DateCreated":                "2026:03:10 06:05:00+07:00",
	"XMP-iptcCore:Location":                    "Hồ Lắk",
	"XMP-photoshop:City":                       "Liên Sơn Lắk",
	"XMP-photoshop:State":                      "Đắk Lắk",
	"XMP-photoshop:Country":                    "Việt Nam",
	"XMP-iptcCore:CountryCode":                 "VN",
	"XMP-iptcExt:LocationShownLocationName-vi": "Hồ Lắk, Liên Sơn Lắk, Đắk Lắk, Việt Nam",
	"XMP-iptcExt:LocationShownLocationName-en": "Lak Lake, Lien Son Lak, Dak Lak, Vietnam",
	"XMP-iptcExt:LocationShownSublocation":     "Hồ Lắk",
	"XMP-iptcExt:LocationShownCity":            "Liên Sơn Lắk",
	"XMP-iptcExt:LocationShownProvinceState":   "Đắk Lắk",
	"XMP-iptcExt:LocationShownCountryName":     "Việt Nam",
	"XMP-iptcExt:LocationShownCountryCode":     "VN",
	"XMP-exif:GPSLatitude":                     "12.41875",
	"XMP-exif:GPSLongitude":                    "108.1975",
	"XMP-exif:GPSAltitude":                     "412.5",
	"XMP-exif:GPSAltitudeRef":                  "0",
	"XMP-iptcExt:DigitalSourceType":            digitalCapture,
	"IPTC:CodedCharacterSet":                   "\x1b%G",
	"IPTC:ApplicationRecordVersion":            "4",
	"IPTC:ObjectName":                          "Hồ Lắk lúc bình minh",
	"IPTC:Caption-Abstract":                    captionVi,
	"IPTC:Credit":                              "Sở VHTTDL Đắk Lắk",
	"IPTC:CopyrightNotice":                     "© 2026 Sở VHTTDL Đắk Lắk",
	"IPTC:DateCreated":                         "2026:03:10",
	"IPTC:City":                                "Liên Sơn Lắk",
	"IPTC:Sub-location":                        "Hồ Lắk",
	"IPTC:Province-State":                      "Đắk Lắk",
	"IPTC:Country-PrimaryLocationCode":         "VNM",
	"IPTC:Country-PrimaryLocationName":         "Việt Nam",
}

var wantLists = map[string][]string{
	"XMP-dc:Subject": {"hồ Lắk", "bình minh", "Lak Lake", "dawn"},
	"IPTC:Keywords":  {"hồ Lắk", "bình minh", "Lak Lake", "dawn"},
	"XMP-dc:Creator": {"Nguyễn Thị Hương", "Y Bhim Niê"},
	"IPTC:By-line":   {"Nguyễn Thị Hương", "Y Bhim Niê"},
}

// TestEmbedJPEGExiftool proves that exiftool, reading IPTC without being
// told the character set, gets every field back in both languages, NFC.
func TestEmbedJPEGExiftool(t *testing.T) {
	for _, rel := range jpegSamples {
		_, out := embed(t, rel, sample())
		tg := readTags(t, writeTemp(t, "out.jpg", out))
		for name, want := range wantTags {
			if got := tg.str(name); got != want {
				t.Errorf("%s: %s = %+q, want %+q", rel, name, got, want)
			}
		}
		for name, want := range wantLists {
			if got := tg.list(name); !slices.Equal(got, want) {
				t.Errorf("%s: %s = %q, want %q", rel, name, got, want)
			}
		}
	}
}

// TestEmbedJPEGValidate checks that exiftool -validate finds nothing new
// to complain about in what we wrote.
func TestEmbedJPEGValidate(t *testing.T) {
	for _, rel := range jpegSamples {
		_, out := embed(t, rel, sample())
		if before, after := warnings(t, media(rel)), warnings(t, writeTemp(t, "out.jpg", out)); !slices.Equal(before, after) {
			t.Errorf("%s: exiftool -validate warnings %q, before %q", rel, after, before)
		}
	}
}

// TestEmbedJPEGReplacesOld checks that the Photoshop sample's own XMP and
// IPTC are gone while its EXIF survives.
func TestEmbedJPEGReplacesOld(t *testing.T) {
	const stale = "metadata-extractor" // in every old title, caption and keyword
	_, out := embed(t, "images/xmp_iptc/mde_Photoshop_3.jpg", sample())
	tg := readTags(t, writeTemp(t, "out.jpg", out))
	for name := range tg {
		if (strings.HasPrefix(name, "XMP") || strings.HasPrefix(name, "IPTC:") || strings.HasPrefix(name, "Photoshop:")) &&
			strings.Contains(tg.str(name), stale) {
			t.Errorf("stale %s = %q", name, tg.str(name))
		}
	}
	if got := tg.str("IFD0:Copyright"); got != "Test copyright string for metadata-extractor" {
		t.Errorf("EXIF copyright = %q, want the original kept", got)
	}
	if got := tg.str("IFD0:Software"); got != "Adobe Photoshop CS6 (Windows)" {
		t.Errorf("EXIF software = %q, want the original kept", got)
	}
}

// TestEmbedJPEGSegments checks the segment layout: ours once each, after
// JFIF and EXIF, and every other segment in its original order.
func TestEmbedJPEGSegments(t *testing.T) {
	for _, rel := range jpegSamples {
		in, out := embed(t, rel, sample())
		before, after := headerSegments(t, in), headerSegments(t, out)
		var kept []string
		for _, s := range before {
			if !s.oldMetadata() {
				kept = append(kept, s.name())
			}
		}
		var rest []string
		var ours []int
		for i, s := range after {
			if s.oldMetadata() {
				ours = append(ours, i)
			} else {
				rest = append(rest, s.name())
			}
		}
		if len(ours) != 2 || ours[1] != ours[0]+1 || !slices.Equal(rest, kept) {
			t.Fatalf("%s: ours at %v, others %v; want 2 adjacent and %v", rel, ours, rest, kept)
		}
		isLeading := func(s segment) bool { return s.name() == "APP0 JFIF" || s.name() == "APP1 Exif" }
		for _, s := range after[:ours[0]] {
			if !isLeading(s) {
				t.Errorf("%s: ours come after %s, want them right after JFIF and EXIF", rel, s.name())
			}
		}
		if isLeading(after[ours[0]+2]) {
			t.Errorf("%s: %s follows ours, want it before", rel, after[ours[0]+2].name())
		}
	}
}

// TestEmbedJPEGPixels checks that the image data is copied byte for byte
// and still decodes to the same pixels.
func TestEmbedJPEGPixels(t *testing.T) {
	for _, rel := range jpegSamples {
		in, out := embed(t, rel, sample())
		if !bytes.Equal(imageData(t, in), imageData(t, out)) {
			t.Errorf("%s: image data changed", rel)
		}
		a, b := decode(t, in), decode(t, out)
		if a.Bounds() != b.Bounds() {
			t.Fatalf("%s: bounds %v, want %v", rel, b.Bounds(), a.Bounds())
		}
		for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
			for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
				if a.At(x, y) != b.At(x, y) {
					t.Fatalf("%s: pixel %d,%d is %v, was %v", rel, x, y, b.At(x, y), a.At(x, y))
				}
			}
		}
	}
}

// TestEmbedJPEGWithoutLocation checks, through exiftool, that a border
// rendition carries province and country but no GPS, commune or place.
func TestEmbedJPEGWithoutLocation(t *testing.T) {
	_, out := embed(t, jpegSamples[0], sample().WithoutLocation())
	tg := readTags(t, writeTemp(t, "out.jpg", out))
	for name := range tg {
		if strings.Contains(name, "GPS") || strings.Contains(name, "City") || strings.Contains(name, "ublocation") ||
			name == "XMP-iptcCore:Location" || strings.Contains(tg.str(name), "Liên Sơn") || strings.Contains(tg.str(name), "Hồ Lắk,") {
			t.Errorf("WithoutLocation still has %s = %q", name, tg.str(name))
		}
	}
	want := map[string]string{
		"XMP-photoshop:State":                      "Đắk Lắk",
		"XMP-photoshop:Country":                    "Việt Nam",
		"IPTC:Province-State":                      "Đắk Lắk",
		"XMP-iptcExt:LocationShownLocationName-en": "Dak Lak, Vietnam",
		"XMP-dc:Title-en":                          "Lak Lake at dawn",
	}
	for name, w := range want {
		if got := tg.str(name); got != w {
			t.Errorf("%s = %q, want %q", name, got, w)
		}
	}
}

func TestEmbedJPEGNotJPEG(t *testing.T) {
	png, err := os.ReadFile(media("images/formats/pngsuite_basn6a16.png"))
	if err != nil {
		t.Fatal(err)
	}
	jpg, _ := os.ReadFile(media(jpegSamples[0]))
	cases := map[string][]byte{
		"empty":            nil,
		"PNG":              png,
		"SOI only":         {0xff, 0xd8},
		"header cut short": jpg[:300],
		"EOI before image": {0xff, 0xd8, 0xff, 0xd9},
		"garbage marker":   {0xff, 0xd8, 0x00, 0x10},
		"bad length":       {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01},
	}
	for name, in := range cases {
		err := EmbedJPEG(io.Discard, bytes.NewReader(in), sample())
		if !errors.Is(err, ErrNotJPEG) {
			t.Errorf("%s: err = %v, want ErrNotJPEG", name, err)
		}
	}
}

// name describes s for messages: "APP1 Exif", "APP2 ICC_PROFILE", "0xdb".
func (s segment) name() string {
	n := fmt.Sprintf("%#02x", s.marker)
	if s.marker >= markAPP0 && s.marker <= 0xef {
		n = fmt.Sprintf("APP%d", s.marker-markAPP0)
	}
	for _, h := range []string{xmpHeader, exifHeader, psHeader, "JFIF\x00", "ICC_PROFILE\x00", "Ducky", "Adobe"} {
		if bytes.HasPrefix(s.payload, []byte(h)) {
			return n + " " + strings.TrimRight(h, "\x00")
		}
	}
	return n
}

// headerSegments lists the segments between SOI and SOS (inclusive).
func headerSegments(t *testing.T, b []byte) []segment {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(b[2:]))
	var out []segment
	for {
		s, err := readSegment(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
		if s.marker == markSOS {
			return out
		}
	}
}

// imageData returns the bytes after the SOS segment's header.
func imageData(t *testing.T, b []byte) []byte {
	t.Helper()
	n := 2
	for _, s := range headerSegments(t, b) {
		n += 4 + len(s.payload)
	}
	return b[n:]
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	return img
}
