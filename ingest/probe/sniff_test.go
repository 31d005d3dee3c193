package probe

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSniffFiles sniffs every sample file. Files under malformed/ are
// covered by TestMalformed.
func TestSniffFiles(t *testing.T) {
	want := map[string]string{ // sub-path → format name, or "!" + kind detail
		"images/exif_cameras/exiforg_kodak-dc210.jpg":                "jpeg",
		"images/exif_cameras/exiforg_olympus-c960.jpg":               "jpeg",
		"images/exif_cameras/exiftool_Canon.jpg":                     "jpeg",
		"images/exif_cameras/exiftool_FujiFilm.jpg":                  "jpeg",
		"images/exif_cameras/exiftool_GoPro.jpg":                     "jpeg",
		"images/exif_cameras/exiftool_NikonD70.jpg":                  "jpeg",
		"images/exif_cameras/exiftool_Sony.jpg":                      "jpeg",
		"images/exif_cameras/ianare_Canon_40D_photoshop_import.jpg":  "jpeg",
		"images/exif_cameras/ianare_Canon_PowerShot_S40.jpg":         "jpeg",
		"images/exif_cameras/ianare_Kodak_CX7530.jpg":                "jpeg",
		"images/exif_edgecases/baremedia_exif-empty.jpg":             "jpeg",
		"images/exif_edgecases/mde_Issue_508.jpg":                    "jpeg",
		"images/exif_edgecases/pillow_broken_exif_dpi.jpg":           "jpeg",
		"images/exif_edgecases/pillow_exif_typeerror.jpg":            "jpeg",
		"images/exif_edgecases/pillow_invalid-exif.jpg":              "jpeg",
		"images/formats/exiftool_CanonRaw.cr2":                       "!camera raw (CR2)",
		"images/formats/go_video-001.interlaced.gif":                 "gif",
		"images/formats/go_video-001.progressive.jpeg":               "jpeg",
		"images/formats/go_video-001.q50.440.progressive.jpeg":       "jpeg",
		"images/formats/go_video-001.restart2.jpeg":                  "jpeg",
		"images/formats/jxl_flower_small_non_interleaved.jpg":        "jpeg",
		"images/formats/mde_Multiple_ICC_segments.jpg":               "jpeg",
		"images/formats/mde_webp_Alpha_Lossless_2.webp":              "webp",
		"images/formats/pillow_exif.avif":                            "avif",
		"images/formats/pillow_iss634_animated.webp":                 "webp",
		"images/formats/pillow_pil_sample_cmyk.jpg":                  "jpeg",
		"images/formats/pillow_ultrahdr.jpg":                         "jpeg",
		"images/formats/pngsuite_basn6a16.png":                       "png",
		"images/formats/pngsuite_exif2c08.png":                       "png",
		"images/gps/ianare_45-gps_ifd.jpg":                           "jpeg",
		"images/gps/ianare_gps_DSCN0025.jpg":                         "jpeg",
		"images/gps/mde_HTC_Desire.jpg":                              "jpeg",
		"images/heic/exiv2_Sony_ILCE-1.HIF":                          "heic",
		"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic":            "heic",
		"images/heic/ianare_iPhone_IMG_5195.HEIC":                    "heic",
		"images/heic/mde_IMG_1034.heic":                              "heic",
		"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg":     "jpeg",
		"images/orientation/exiv2_sony_6_right_top.HIF":              "heic",
		"images/orientation/pillow_avif_rot3mir1.avif":               "avif",
		"images/orientation/pillow_exif_imagemagick_orientation.png": "png",
		"images/orientation/pillow_hopper_orientation_6.webp":        "webp",
		"images/orientation/recurser_Landscape_0.jpg":                "jpeg",
		"images/orientation/recurser_Landscape_1.jpg":                "jpeg",
		"images/orientation/recurser_Landscape_2.jpg":                "jpeg",
		"images/orientation/recurser_Landscape_4.jpg":                "jpeg",
		"images/orientation/recurser_Landscape_5.jpg":                "jpeg",
		"images/orientation/recurser_Portrait_1.jpg":                 "jpeg",
		"images/orientation/recurser_Landscape_6.jpg":                "jpeg",
		"images/orientation/recurser_Landscape_8.jpg":                "jpeg",
		"images/orientation/recurser_Portrait_5.jpg":                 "jpeg",
		"images/png16/jxl_rawpixls_Nikon-D300-12bit_2020_g1_dt.png":  "png",
		"images/tiff/ianare_Crémieux11.tiff":                         "tiff",
		"images/tiff/ianare_Jobagent.tiff":                           "tiff",
		"images/tiff/pillow_tiff_16bit_RGB.tiff":                     "tiff",
		"images/xmp_iptc/exiftool_ExtendedXMP.jpg":                   "jpeg",
		"images/xmp_iptc/exiv2_iptc-two-APP13-both-with-IPTC.jpg":    "jpeg",
		"images/xmp_iptc/ianare_xmp_BlueSquare.jpg":                  "jpeg",
		"images/xmp_iptc/mde_Issue_600_1.jpg":                        "jpeg",
		"images/xmp_iptc/mde_Nikon_E995_iptc.jpg":                    "jpeg",
		"images/xmp_iptc/mde_Photoshop_3.jpg":                        "jpeg",
		"images/xmp_iptc/pillow_itxt_chunks.png":                     "png",
		"images/xmp_iptc/pngsuite_ctjn0g04_japanese_itxt.png":        "png",
		"video/generated/generated_h264_aac_srt_176x144.mkv":         "mkv",
		"video/generated/generated_h264_aac_tagged_96x64.mkv":        "mkv",
		"video/generated/generated_vp9_opus_160x120.webm":            "webm",
		"video/mde_Sony_A7M3_1080p50.mts":                            "mts",
		"video/mde_iphone_with-gps_rot90.mov":                        "mov",
		"video/mde_kodak_100_0306.AVI":                               "avi",
		"video/mde_xmp480qt_noaudio.mov":                             "mov",
		"video/mp4ff_bbb_prog_10s.mp4":                               "mp4",
		"video/mp4ff_hevc_1080p50_noaudio.mp4":                       "mp4",
		"video/mp4ff_vvc_720p_2s.mp4":                                "mp4",
		"video/rotation/baremedia_orientation-90-hflip.mov":          "mov",
		"video/rotation/baremedia_orientation-hflip.mov":             "mov",
		"video/with_subtitles/mp4ff_main_1_cea608.mp4":               "mp4",
	}
	seen := 0
	err := filepath.WalkDir(media, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".tsv") {
			return err
		}
		rel, _ := filepath.Rel(media, path)
		if strings.HasPrefix(rel, "malformed") || strings.HasPrefix(rel, "subtitles") { // subtitles are not uploaded as assets
			return nil
		}
		seen++
		w, ok := want[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("%s: no expectation in the table", rel)
			return nil
		}
		f, err := Sniff(head(t, path))
		switch {
		case strings.HasPrefix(w, "!"):
			if !errors.Is(err, ErrUnsupported) || !strings.HasSuffix(err.Error(), ": "+w[1:]) {
				t.Errorf("%s: Sniff = %v, %v; want unsupported %q", rel, f, err, w[1:])
			}
		case err != nil || f.Name != w:
			t.Errorf("%s: Sniff = %v, %v; want %s", rel, f, err, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("found %d sample files, the table has %d", seen, len(want))
	}
}

func head(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(len(b), SniffSize)]
}

func TestSniffContent(t *testing.T) {
	ts := func(size, first int) []byte {
		b := make([]byte, 4096)
		for p := first; p < len(b); p += size {
			b[p] = 0x47
		}
		return b
	}
	ebml := func(doc string) []byte {
		return append([]byte{0x1a, 0x45, 0xdf, 0xa3, 0x80 | byte(3+len(doc)), 0x42, 0x82, 0x80 | byte(len(doc))}, doc...)
	}
	tests := []struct {
		name string
		head []byte
		want string // format name, or the error's detail after "kind: "
		kind error
	}{
		{"empty", nil, "the file has no bytes", ErrEmpty},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n"), "PDF", ErrUnsupported},
		{"exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), "Windows executable", ErrUnsupported},
		{"elf", []byte("\x7fELF\x02\x01\x01"), "Linux executable (ELF)", ErrUnsupported},
		{"ico", []byte{0, 0, 1, 0, 1, 0, 16, 16}, "ICO", ErrUnsupported},
		{"bmp", append([]byte("BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00"), 40, 0, 0, 0), "BMP", ErrUnsupported},
		{"zip", []byte("PK\x03\x04\x14\x00"), "ZIP archive (or an Office document)", ErrUnsupported},
		{"mp3", []byte("ID3\x04\x00\x00"), "MP3 audio", ErrUnsupported},
		{"mp3 frame", []byte{0xff, 0xfb, 0x90, 0x64}, "MP3 audio", ErrUnsupported},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), "WAV audio", ErrUnsupported},
		{"m4a", []byte("\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom"), "M4A audio", ErrUnsupported},
		{"cr3", []byte("\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom"), "camera raw (CR3)", ErrUnsupported},
		{"orf", []byte("IIRO\x08\x00\x00\x00"), "camera raw (ORF)", ErrUnsupported},
		{"text", []byte("Xin chào, đây là văn bản.\n"), "plain text", ErrUnsupported},
		{"windows-1258 text", []byte("Vi\xd2t Nam\r\n"), "plain text", ErrUnsupported},
		{"html", []byte("  <!DOCTYPE html><html>"), "HTML", ErrUnsupported},
		{"svg", []byte("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"), "SVG", ErrUnsupported},
		{"binary", []byte{0x00, 0x01, 0x02, 0x03, 0xfe}, "unrecognised binary content", ErrUnsupported},
		{"damaged png", []byte("\x89PNG\n\n\x1a\n\x00\x00\x00\x0dIHDR"), "PNG signature is damaged (the file was probably copied in text mode)", ErrCorrupt},
		{"jpeg", []byte{0xff, 0xd8, 0xff, 0xe0}, "jpeg", nil},
		{"heif mif1", []byte("\x00\x00\x00\x10ftypmif1\x00\x00\x00\x00"), "heif", nil},
		{"heic via compat", []byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"), "heic", nil},
		{"avif via compat", []byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif"), "avif", nil},
		{"avis", []byte("\x00\x00\x00\x10ftypavis\x00\x00\x00\x00"), "avif", nil},
		{"mp4 M4V", []byte("\x00\x00\x00\x10ftypM4V \x00\x00\x00\x00"), "mp4", nil},
		{"qt", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), "mov", nil},
		{"old quicktime", []byte("\x00\x00\x00\x08wide\x00\x01\x00\x00mdat"), "mov", nil},
		{"webm", ebml("webm"), "webm", nil},
		{"matroska", ebml("matroska"), "mkv", nil},
		{"other ebml", ebml("xyz"), `EBML document of type "xyz"`, ErrUnsupported},
		{"ts", ts(188, 0), "mts", nil},
		{"m2ts", ts(192, 4), "mts", nil},
		{"avi", []byte("RIFF\x00\x10\x00\x00AVI LIST"), "avi", nil},
	}
	for _, tt := range tests {
		f, err := Sniff(tt.head)
		if tt.kind == nil {
			if err != nil || f.Name != tt.want {
				t.Errorf("%s: Sniff = %+v, %v; want %s", tt.name, f, err, tt.want)
			}
			continue
		}
		if kindOf(err) != tt.kind || !strings.HasSuffix(err.Error(), ": "+tt.want) {
			t.Errorf("%s: Sniff error = %v; want %v with detail %q", tt.name, err, tt.kind, tt.want)
		}
	}
}

func TestSniffMIME(t *testing.T) {
	want := map[string]string{
		"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "webp": "image/webp",
		"heic": "image/heic", "heif": "image/heif", "avif": "image/avif", "gif": "image/gif",
		"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska", "webm": "video/webm",
		"mts": "video/mp2t", "avi": "video/x-msvideo",
	}
	all := []Format{FormatJPEG, FormatPNG, FormatTIFF, FormatWebP, FormatHEIC, FormatHEIF, FormatAVIF, FormatGIF,
		FormatMP4, FormatMOV, FormatMKV, FormatWebM, FormatMTS, FormatAVI}
	for _, f := range all {
		if want[f.Name] != f.MIME {
			t.Errorf("%s: MIME %q, want %q", f.Name, f.MIME, want[f.Name])
		}
		if video := strings.HasPrefix(f.MIME, "video/"); video != (f.Class == ClassVideo) {
			t.Errorf("%s: class %q does not match MIME %q", f.Name, f.Class, f.MIME)
		}
	}
	if len(all) != len(want) {
		t.Errorf("%d formats, %d MIME types", len(all), len(want))
	}
	if _, err := Sniff(bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 3000)); err != nil {
		t.Errorf("Sniff on more than SniffSize bytes: %v", err)
	}
}
