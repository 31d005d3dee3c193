package probe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	"images/exif_cameras/exiftool_Canon.jpg",
	"images/exif_cameras/exiftool_GoPro.jpg",
	"images/formats/go_video-001.q50.440.progressive.jpeg",
	"images/formats/pngsuite_basn6a16.png",
	"images/formats/pngsuite_exif2c08.png",
	"images/orientation/pillow_hopper_orientation_6.webp",
	"images/formats/pillow_exif.avif",
	"images/tiff/ianare_Jobagent.tiff",
	"malformed/exiv2_poc/issue_1841_poc.webp",
	"malformed/exiv2_poc/issue_2320_poc_tiff_named.jpg",
	"malformed/exiv2_poc/ghsa_g44w_q3vm_gwjq_poc.jpg",
	"malformed/imagetestsuite/jpeg_huge_dims_8e5e74db.jpg",
	"malformed/images/pngsuite_xcsn0g01.png",
	"images/xmp_iptc/exiftool_ExtendedXMP.jpg",
	"images/xmp_iptc/exiv2_iptc-two-APP13-both-with-IPTC.jpg",
	"images/xmp_iptc/pngsuite_ctjn0g04_japanese_itxt.png",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		b, err := os.ReadFile(filepath.Join(media, s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzImage feeds arbitrary bytes to every image parser. Image recovers
// from panics, so a recovered panic ("internal error") is a failure here.
func FuzzImage(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatJPEG, FormatPNG, FormatGIF, FormatWebP, FormatTIFF, FormatHEIC, FormatAVIF} {
			start := time.Now()
			info, err := Image(bytes.NewReader(data), int64(len(data)), format, Limits{MaxPixels: 1 << 24})
			if took := time.Since(start); took > time.Second {
				t.Fatalf("%s: took %v on %d bytes", format.Name, took, len(data))
			}
			if err != nil {
				if strings.Contains(err.Error(), "internal error") {
					t.Fatalf("%s: %v", format.Name, err)
				}
				if k := kindOf(err); k == errNoKind || k == errManyKinds {
					t.Fatalf("%s: %v: %v", format.Name, k, err)
				}
				continue
			}
			if info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > 1<<24 {
				t.Fatalf("%s: accepted %dx%d", format.Name, info.Width, info.Height)
			}
		}
	})
}

func FuzzSniff(f *testing.F) {
	addSeeds(f)
	f.Add([]byte("\x1a\x45\xdf\xa3\x84\x42\x82\x81w"))
	f.Add([]byte("\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00avif"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := Sniff(data)
		if err != nil {
			if k := kindOf(err); k == errNoKind || k == errManyKinds {
				t.Fatalf("%v: %v", k, err)
			}
			return
		}
		if format.Name == "" || format.MIME == "" || (format.Class != ClassImage && format.Class != ClassVideo) {
			t.Fatalf("incomplete format %+v", format)
		}
	})
}
