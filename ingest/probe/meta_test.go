package probe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// metaSamples are real files with descriptive metadata (see PROVENANCE.tsv).
var metaSamples = []string{
	"images/xmp_iptc/exiftool_ExtendedXMP.jpg",
	"images/xmp_iptc/exiv2_iptc-two-APP13-both-with-IPTC.jpg",
	"images/xmp_iptc/ianare_xmp_BlueSquare.jpg",
	"images/xmp_iptc/mde_Issue_600_1.jpg",
	"images/xmp_iptc/mde_Nikon_E995_iptc.jpg",
	"images/xmp_iptc/mde_Photoshop_3.jpg",
	"images/xmp_iptc/pillow_itxt_chunks.png",
	"images/xmp_iptc/pngsuite_ctjn0g04_japanese_itxt.png",
	"images/heic/ianare_iPhone_IMG_5195.HEIC",
	"images/tiff/ianare_Crémieux11.tiff",
	"images/formats/pngsuite_exif2c08.png",
}

// probeImageFile sniffs and probes an image file.
func probeImageFile(t *testing.T, path string) Info {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Sniff(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	info, err := Image(bytes.NewReader(b), int64(len(b)), f, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return info
}

// checkAgainstExiftool compares what we read from a file with exiftool's
// reading, and refuses metadata warnings.
func checkAgainstExiftool(t *testing.T, path string) Info {
	t.Helper()
	info := probeImageFile(t, path)
	for _, d := range sameMeta(info.Meta, oracle(exiftoolTags(t, path)).meta()) {
		t.Error(d)
	}
	for _, w := range info.Warnings {
		if strings.Contains(w, "XMP") || strings.Contains(w, "IPTC") || strings.Contains(w, "PNG") {
			t.Errorf("warning: %s", w)
		}
	}
	return info
}

// TestMetaMatchesExiftool compares, for every sample, each descriptive
// field with exiftool's reading of the same file.
func TestMetaMatchesExiftool(t *testing.T) {
	for _, rel := range metaSamples {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			checkAgainstExiftool(t, filepath.Join(media, rel))
		})
	}
}

// TestMetaSamples pins key values per sample, in case exiftool and this
// package were ever wrong the same way.
func TestMetaSamples(t *testing.T) {
	tests := []struct {
		file, field, want string
	}{
		{"exiv2_iptc-two-APP13-both-with-IPTC.jpg", "Credit", "This is credit number one"},
		{"ianare_xmp_BlueSquare.jpg", "Title", "[{x-default Blue Square Test File - .jpg}]"},
		{"ianare_xmp_BlueSquare.jpg", "Keywords", "[{ XMP} { Blue Square} { test file} { Photoshop} { .jpg}]"},
		{"mde_Issue_600_1.jpg", "DateCreated", "2009-09-09T17:00:00"},
		{"mde_Issue_600_1.jpg", "UsageTerms", "[{x-default Creative Commons Attribution 4.0 International License}]"},
		{"mde_Issue_600_1.jpg", "Credit", "NASA, ESA, Michael Wong (Space Telescope Science Institute, Baltimore, MD), " +
			"H. B. Hammel (Space Science Institute, Boulder, CO) and the Jupiter Impact Team"}, // XMP, not the 32-byte IIM one
		{"mde_Nikon_E995_iptc.jpg", "Description", "Dateigröße : 668.1 KB (684158 Byte)\nAufnahmedatum"}, // Latin-1 IIM
		{"mde_Photoshop_3.jpg", "Creator", "[Test author string for metadata-extractor]"},
		{"mde_Photoshop_3.jpg", "Rights", "[{x-default Test copyright string for metadata-extractor}]"},
		{"pillow_itxt_chunks.png", "Description", "[]"}, // "Created with GIMP" is a default, not a caption
		{"pngsuite_ctjn0g04_japanese_itxt.png", "Title", "[{ja PngSuite}]"},
		{"pngsuite_ctjn0g04_japanese_itxt.png", "Rights", "[{ja 著作権ウィレムヴァンシャイク、カナダ2011}]"},
		{"ianare_iPhone_IMG_5195.HEIC", "DateCreated", "2021-04-11T15:47:53"},
		{"ianare_Crémieux11.tiff", "Creator", "[Jean Cornillon]"},
		{"pngsuite_exif2c08.png", "Description", "[{ PngSuite}]"}, // EXIF UserComment
		{"pngsuite_exif2c08.png", "Rights", "[{ 2017 Willem van Schaik}]"},
	}
	for _, tt := range tests {
		info := probeImageFile(t, filepath.Join(media, sampleDir(tt.file), tt.file))
		if got := metaField(info.Meta, tt.field); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s = %s, want %s", tt.file, tt.field, got, tt.want)
		}
	}
}

func sampleDir(file string) string {
	for _, s := range metaSamples {
		if filepath.Base(s) == file {
			return filepath.Dir(s)
		}
	}
	return "images/xmp_iptc"
}

// TestExtendedXMPSample reassembles the sample's Extended XMP, which comes
// in two chunks stored in reverse order, and reads a value only the
// extension holds (pdf:Title; no Descriptive field maps pdf properties).
func TestExtendedXMPSample(t *testing.T) {
	path := filepath.Join(media, "images/xmp_iptc/exiftool_ExtendedXMP.jpg")
	b := readMedia(t, "images/xmp_iptc/exiftool_ExtendedXMP.jpg")
	var j jpegSegments
	var l metaLayers
	j.walk(src{bytes.NewReader(b), int64(len(b))}, &l)
	if j.guid != "04B9E48040A30A6308713BD1E4223B41" || len(j.ext.chunks[j.guid]) != 2 {
		t.Fatalf("GUID %q with %d chunks", j.guid, len(j.ext.chunks[j.guid]))
	}
	ext, err := j.ext.assemble(j.guid)
	if err != nil {
		t.Fatal(err)
	}
	root, err := parseXMLTree(ext)
	if err != nil {
		t.Fatal(err)
	}
	var title string
	for _, d := range descriptions(root) {
		for _, p := range fields(d) {
			if p.is("http://ns.adobe.com/pdf/1.3/", "Title") {
				title = value(p)
			}
		}
	}
	if want := exiftoolTags(t, path)["XMP-pdf:Title"]; title != want || title != "PDF Title" {
		t.Errorf("pdf:Title from the extension = %q, exiftool says %q", title, want)
	}
	if info := probeImageFile(t, path); len(info.Warnings) > 0 {
		t.Errorf("warnings: %q", info.Warnings)
	}
}
