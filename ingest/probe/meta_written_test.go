package probe

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// metaField formats one field of d by name.
func metaField(d Descriptive, name string) string {
	return fmt.Sprint(reflect.ValueOf(d).FieldByName(name).Interface())
}

// writtenFile is a test file: built here from a real image, or written by
// exiftool itself.
type writtenFile struct {
	name  string
	build func(t *testing.T, path string)
	pins  map[string]string // field → formatted value
}

func writeBytes(b func(t *testing.T) []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		if err := os.WriteFile(path, b(t), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// exiftoolWrite copies a sample to path with exiftool setting tags.
func exiftoolWrite(sample string, tags ...string) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		args := append([]string{"-q", "-o", path}, tags...)
		out, err := exec.Command("exiftool", append(args, filepath.Join(media, sample))...).CombinedOutput()
		if err != nil {
			t.Fatalf("exiftool (it must be on PATH): %v: %s", err, out)
		}
	}
}

func latin1Bytes(t *testing.T, s string) string {
	b, err := charmap.ISO8859_1.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var writtenFiles = []writtenFile{
	{name: "vietnamese_xmp.jpg", build: writeBytes(func(t *testing.T) []byte {
		return withSegments(readMedia(t, metaBaseJPEG), xmpSegment(vietnamesePacket()))
	}), pins: map[string]string{
		"Title":   "[{x-default Hồ Lắk buổi sáng} {vi Hồ Lắk buổi sáng} {en Lak Lake in the morning}]",
		"State":   "[{x-default Đắk Lắk} {en Dak Lak}]",
		"Creator": "[Nguyễn Thị Hoà Y Niê Kdăm]",
	}},
	{name: "extended_xmp.jpg", build: writeBytes(extendedXMPJPEG), pins: map[string]string{
		"Title":       "[{x-default Nhà dài Ê Đê} {vi Nhà dài Ê Đê} {en Ede longhouse}]", // only in the extension
		"Description": "[{x-default Ảnh chính}]",                                         // only in the main packet
	}},
	{name: "latin1_iim.jpg", build: writeBytes(func(t *testing.T) []byte {
		iim := iimSet(2, 5, latin1Bytes(t, "Café Müller")) // no 1:90: Latin-1 by guess
		iim = append(iim, iimSet(2, 25, latin1Bytes(t, "Bücher"))...)
		iim = append(iim, iimSet(2, 25, latin1Bytes(t, "Genève"))...)
		iim = append(iim, iimSet(2, 55, "20240305")...)
		iim = append(iim, iimSet(2, 60, "080910+0700")...)
		return withSegments(readMedia(t, metaBaseJPEG), app13(irbResource(irbIPTC, iim)))
	}), pins: map[string]string{
		"Title": "[{ Café Müller}]", "Keywords": "[{ Bücher} { Genève}]", "DateCreated": "2024-03-05T08:09:10+07:00",
	}},
	{name: "split_app13.jpg", build: writeBytes(splitAPP13JPEG), pins: map[string]string{
		"City": "[{ Buôn Ma Thuột}]", "Country": "[{ Việt Nam}]", "Credit": "Sở VHTTDL Đắk Lắk",
	}},
	{name: "exiftool_xp.jpg", build: exiftoolWrite(metaBaseJPEG, "-XPTitle=Tiêu đề XP", "-XPComment=Chú thích XP",
		"-XPKeywords=một;hai", "-ImageDescription=OLYMPUS DIGITAL CAMERA", "-Artist=Nguyễn A", "-Copyright=© Sở"),
		pins: map[string]string{"Description": "[{ Chú thích XP}]", "Keywords": "[{ một} { hai}]", "Title": "[{ Tiêu đề XP}]"}},
	{name: "exiftool_usercomment.jpg", build: exiftoolWrite(metaBaseJPEG, "-UserComment=Lễ hội cồng chiêng", "-XPAuthor=An; Bình"),
		pins: map[string]string{"Description": "[{ Lễ hội cồng chiêng}]", "Creator": "[An Bình]"}},
	{name: "exiftool.tif", build: exiftoolWrite("images/tiff/ianare_Jobagent.tiff", "-XMP-dc:Description-vi=Mô tả",
		"-IPTC:CodedCharacterSet=UTF8", "-IPTC:Keywords=cồng chiêng", "-IPTC:Keywords=Tây Nguyên", "-IPTC:By-line=Y Niê",
		"-IPTC:City=Buôn Ma Thuột"), pins: map[string]string{"Description": "[{vi Mô tả}]", "City": "[{ Buôn Ma Thuột}]"}},
	{name: "exiftool.png", build: exiftoolWrite("images/formats/pngsuite_basn6a16.png", "-PNG:Title=Thác Dray Nur",
		"-PNG:Author=Lê Văn B", "-XMP-dc:Description-vi=Thác nước", "-XMP-dc:Description=Thác nước"),
		pins: map[string]string{"Title": "[{ Thác Dray Nur}]", "Description": "[{x-default Thác nước} {vi Thác nước}]"}},
	{name: "exiftool.heic", build: exiftoolWrite("images/heic/mde_IMG_1034.heic", "-XMP-dc:Title-vi=Hồ Lắk",
		"-XMP-dc:Title=Hồ Lắk", "-XMP-dc:Subject=hồ", "-XMP-dc:Subject=thuyền"),
		pins: map[string]string{"Title": "[{x-default Hồ Lắk} {vi Hồ Lắk}]"}},
	{name: "xmp.webp", build: writeBytes(webpWithXMP), pins: map[string]string{"City": "[{ Buôn Ma Thuột}]"}},
}

// TestMetaWrittenMatchesExiftool builds files with known metadata in each
// container and compares our reading with exiftool's and with the values
// written.
func TestMetaWrittenMatchesExiftool(t *testing.T) {
	dir := t.TempDir()
	for _, w := range writtenFiles {
		t.Run(w.name, func(t *testing.T) {
			path := filepath.Join(dir, w.name)
			w.build(t, path)
			info := checkAgainstExiftool(t, path)
			for field, want := range w.pins {
				if got := metaField(info.Meta, field); got != want {
					t.Errorf("%s = %s, want %s", field, got, want)
				}
			}
		})
	}
}

// extendedXMPJPEG puts the title and keywords in Extended XMP, split into
// chunks stored last first.
func extendedXMPJPEG(t *testing.T) []byte {
	ext := xmpPacket(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Nhà dài Ê Đê</rdf:li><rdf:li xml:lang="vi">Nhà dài Ê Đê</rdf:li>
  <rdf:li xml:lang="en">Ede longhouse</rdf:li></rdf:Alt></dc:title>
 <dc:subject><rdf:Bag><rdf:li>nhà dài</rdf:li><rdf:li>kiến trúc</rdf:li></rdf:Bag></dc:subject>
</rdf:Description>`)
	guid, segs := extendedXMPSegments(ext, 200)
	if len(segs) < 3 {
		t.Fatalf("extension in %d chunks", len(segs))
	}
	main := xmpPacket(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="` + guid + `">
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Ảnh chính</rdf:li></rdf:Alt></dc:description>
</rdf:Description>`)
	all := append([][]byte{segs[0], xmpSegment(main)}, segs[1:]...)
	return withSegments(readMedia(t, metaBaseJPEG), all...)
}

// splitAPP13JPEG spreads one IPTC resource over two APP13 segments, as
// writers do when it is larger than a segment.
func splitAPP13JPEG(t *testing.T) []byte {
	iim := iimSet(1, 90, "\x1b%G")
	for _, ds := range []struct {
		num byte
		v   string
	}{{90, "Buôn Ma Thuột"}, {101, "Việt Nam"}, {100, "VNM"}, {110, "Sở VHTTDL Đắk Lắk"}, {92, "Hồ Ea Kao"}, {95, "Đắk Lắk"}} {
		iim = append(iim, iimSet(2, ds.num, ds.v)...)
	}
	res := irbResource(irbIPTC, iim)
	half := len(res) / 2
	return withSegments(readMedia(t, metaBaseJPEG),
		segment(mAPP13, []byte(irbSignature), res[:half]), segment(mAPP13, []byte(irbSignature), res[half:]))
}

// webpWithXMP appends an XMP chunk to an extended-format WebP sample.
func webpWithXMP(t *testing.T) []byte {
	b := readMedia(t, "images/orientation/pillow_hopper_orientation_6.webp")
	packet := xmpPacket(`<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  photoshop:City="Buôn Ma Thuột"/>`)
	chunk := binary.LittleEndian.AppendUint32([]byte("XMP "), uint32(len(packet)))
	chunk = append(chunk, packet...)
	if len(packet)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append(append([]byte(nil), b...), chunk...)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	out[20] |= 0x04 // VP8X flag: XMP present
	return out
}
