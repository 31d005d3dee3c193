package probe

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestXMPVietnameseLangAlt reads the packet this project writes, given in
// NFD: every value comes back in NFC with its language, x-default first.
func TestXMPVietnameseLangAlt(t *testing.T) {
	packet := vietnamesePacket()
	if norm.NFC.IsNormalString(packet) {
		t.Fatal("the test packet should be in NFD")
	}
	x, err := readXMP([]byte(packet))
	if err != nil || len(x.warn) > 0 {
		t.Fatal(err, x.warn)
	}
	want := Descriptive{
		Title:       []Text{{"x-default", "Hồ Lắk buổi sáng"}, {"vi", "Hồ Lắk buổi sáng"}, {"en", "Lak Lake in the morning"}},
		Description: []Text{{"x-default", "Thuyền độc mộc trên hồ Lắk lúc bình minh."}, {"vi", "Thuyền độc mộc trên hồ Lắk lúc bình minh."}, {"en", "Dugout canoes on Lak Lake at dawn."}},
		AltText:     []Text{{"x-default", "Hai thuyền gỗ trên mặt hồ phẳng lặng, núi phía sau."}, {"vi", "Hai thuyền gỗ trên mặt hồ phẳng lặng, núi phía sau."}, {"en", "Two wooden boats on a still lake, hills behind."}},
		Rights:      []Text{{"x-default", "© 2024 Sở VHTTDL Đắk Lắk"}, {"vi", "© 2024 Sở VHTTDL Đắk Lắk"}, {"en", "© 2024 Dak Lak Department of Culture, Sports and Tourism"}},
		UsageTerms:  []Text{{"x-default", "Chỉ dùng cho quảng bá du lịch."}, {"vi", "Chỉ dùng cho quảng bá du lịch."}, {"en", "For tourism promotion only."}},
		Keywords:    []Text{{"", "hồ Lắk"}, {"", "thuyền độc mộc"}, {"", "Đắk Lắk"}},
		Creator:     []string{"Nguyễn Thị Hoà", "Y Niê Kdăm"},
		Credit:      "Sở Văn hoá, Thể thao và Du lịch Đắk Lắk",
		DateCreated: "2024-03-05T08:09:10+07:00",
		Sublocation: []Text{{"x-default", "Buôn Jun"}, {"vi", "Buôn Jun"}, {"en", "Jun Village"}},
		City:        []Text{{"", "Thị trấn Liên Sơn"}},
		State:       []Text{{"x-default", "Đắk Lắk"}, {"en", "Dak Lak"}},
		Country:     []Text{{"", "Việt Nam"}},
		CountryCode: "VN", // the IPTC Core field wins over the structure's

		DigitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
	}
	if !reflect.DeepEqual(x.meta, want) {
		t.Errorf("got\n%+v\nwant\n%+v", x.meta, want)
	}
}

const dcNS = `xmlns:dc="http://purl.org/dc/elements/1.1/"`

// TestXMPForms reads the ways RDF lets a writer say the same thing.
func TestXMPForms(t *testing.T) {
	tests := []struct {
		name, desc, field, want string
	}{
		{"attribute", `<rdf:Description ` + dcNS + ` dc:title="Chùa Sắc Tứ"/>`, "Title", "[{ Chùa Sắc Tứ}]"},
		{"plain element", `<rdf:Description ` + dcNS + `><dc:title>Chùa</dc:title></rdf:Description>`, "Title", "[{ Chùa}]"},
		{"plain element with lang", `<rdf:Description ` + dcNS + `><dc:title xml:lang="vi">Chùa</dc:title></rdf:Description>`, "Title", "[{vi Chùa}]"},
		{"other prefix", `<rdf:Description xmlns:foo="http://purl.org/dc/elements/1.1/"><foo:title>Đình</foo:title></rdf:Description>`, "Title", "[{ Đình}]"},
		{"dc prefix, wrong namespace", `<rdf:Description xmlns:dc="http://example.com/dc/"><dc:title>No</dc:title></rdf:Description>`, "Title", "[]"},
		{"default namespace", `<rdf:Description><title xmlns="http://purl.org/dc/elements/1.1/">Đền</title></rdf:Description>`, "Title", "[{ Đền}]"},
		{"lang on description", `<rdf:Description xml:lang="vi" ` + dcNS + ` dc:title="Tháp"/>`, "Title", "[{vi Tháp}]"},
		{"qualified value", `<rdf:Description ` + dcNS + `><dc:creator><rdf:Seq><rdf:li rdf:parseType="Resource"><rdf:value>Lê A</rdf:value></rdf:li></rdf:Seq></dc:creator></rdf:Description>`, "Creator", "[Lê A]"},
		{"two descriptions", `<rdf:Description ` + dcNS + ` dc:title="Một"/><rdf:Description xmlns:p="http://ns.adobe.com/photoshop/1.0/" p:City="Hai"/>`, "City", "[{ Hai}]"},
		{"resource URI", `<rdf:Description xmlns:e="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"><e:DigitalSourceType rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:Description>`,
			"DigitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"},
		{"location created as nested description", `<rdf:Description xmlns:e="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"><e:LocationCreated><rdf:Bag><rdf:li><rdf:Description e:City="Pleiku" e:CountryCode="VN"/></rdf:li></rdf:Bag></e:LocationCreated></rdf:Description>`,
			"City", "[{ Pleiku}]"},
		{"location shown before created", `<rdf:Description xmlns:e="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"><e:LocationCreated e:City="B"/><e:LocationShown e:City="A"/></rdf:Description>`,
			"City", "[{ A}]"},
		{"year only", `<rdf:Description xmlns:p="http://ns.adobe.com/photoshop/1.0/" p:DateCreated="1975"/>`, "DateCreated", "1975"},
		{"no zone", `<rdf:Description xmlns:p="http://ns.adobe.com/photoshop/1.0/" p:DateCreated="2009-09-09T17:00"/>`, "DateCreated", "2009-09-09T17:00:00"},
		{"blank values dropped", `<rdf:Description ` + dcNS + `><dc:subject><rdf:Bag><rdf:li> </rdf:li><rdf:li>a</rdf:li><rdf:li>a</rdf:li></rdf:Bag></dc:subject></rdf:Description>`, "Keywords", "[{ a}]"},
		{"CRLF and controls", "<rdf:Description " + dcNS + "><dc:description>a\r\nb&#x9;c\u0085</dc:description></rdf:Description>", "Description", "[{ a\nb\tc}]"},
	}
	for _, tt := range tests {
		x, err := readXMP([]byte(xmpPacket(tt.desc)))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := metaField(x.meta, tt.field); got != tt.want {
			t.Errorf("%s: %s = %q, want %q", tt.name, tt.field, got, tt.want)
		}
	}
}

func TestXMPRefused(t *testing.T) {
	tests := []struct {
		name, packet, err string
	}{
		{"broken XML", `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF></x:xmpmeta>`, "XMP packet is not well-formed XML: "},
		{"cut short", xmpPacket(`<rdf:Description ` + dcNS + `>`)[:120], "XMP packet is not well-formed XML: "},
		{"mismatched tags", `<a></b>`, "XMP packet is not well-formed XML: "},
		{"too large", xmpPacket(strings.Repeat(" ", maxXMPPacket)), "larger than"},
		{"too deep", strings.Repeat("<a>", maxXMPDepth+2) + strings.Repeat("</a>", maxXMPDepth+2), "too deeply nested"},
		{"UTF-16 declared", `<?xml version="1.0" encoding="UTF-16"?><a/>`, "not supported"},
	}
	for _, tt := range tests {
		_, err := readXMP([]byte(tt.packet))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want an error with %q", tt.name, err, tt.err)
		}
	}
	x, err := readXMP([]byte(xmpPacket(`<rdf:Description xmlns:p="http://ns.adobe.com/photoshop/1.0/" p:DateCreated="yesterday"/>`)))
	if err != nil || x.meta.DateCreated != "" || len(x.warn) != 1 {
		t.Errorf("bad date: %v %q %q", err, x.meta.DateCreated, x.warn)
	}
}

// TestMetaBrokenBlocks: broken metadata never fails an image; it becomes a
// warning and the other blocks are still read.
func TestMetaBrokenBlocks(t *testing.T) {
	base := readMedia(t, metaBaseJPEG)
	title := app13(irbResource(irbIPTC, iimSet(2, 5, "Tiêu đề")))
	guid, ext := extendedXMPSegments(xmpPacket(`<rdf:Description `+dcNS+` dc:title="ext"/>`), 100)
	wrongGUID := xmpPacket(`<rdf:Description xmlns:n="http://ns.adobe.com/xmp/note/" n:HasExtendedXMP="` + strings.Repeat("0", 32) + `"/>`)
	missing := xmpPacket(`<rdf:Description xmlns:n="http://ns.adobe.com/xmp/note/" n:HasExtendedXMP="` + guid + `"/>`)
	cutResource := irbResource(irbIPTC, append(iimSet(2, 5, "Tiêu đề"), iimSet(2, 120, "Chú thích dài")...))[:36]
	tests := []struct {
		name string
		segs [][]byte
		warn string
	}{
		{"broken XMP", [][]byte{xmpSegment("<x:xmpmeta><rdf:RDF></x:xmpmeta>"), title}, "XMP packet is not well-formed XML: "},
		{"truncated IIM", [][]byte{app13(irbResource(irbIPTC, append(iimSet(2, 5, "Tiêu đề"), 0x1c, 2, 120, 0x10, 0)))}, "IPTC-IIM block unreadable: dataset 2:120 runs past the end"},
		{"truncated resource", [][]byte{segment(mAPP13, []byte(irbSignature), cutResource)}, "IPTC-IIM block unreadable: Photoshop resource 0x0404"},
		{"wrong GUID", append([][]byte{xmpSegment(wrongGUID), title}, ext...), "Extended XMP ignored: no chunk has the GUID"},
		{"missing chunk", append([][]byte{xmpSegment(missing), title}, ext[1:]...), "bytes are missing"},
		{"unnamed extension", append([][]byte{title}, ext...), "Extended XMP ignored: the main XMP packet does not name it"},
	}
	for _, tt := range tests {
		b := withSegments(base, tt.segs...)
		info, err := Image(bytes.NewReader(b), int64(len(b)), FormatJPEG, Limits{})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !slices.ContainsFunc(info.Warnings, func(w string) bool { return strings.Contains(w, tt.warn) }) {
			t.Errorf("%s: warnings %q, want one with %q", tt.name, info.Warnings, tt.warn)
		}
		if metaField(info.Meta, "Title") != "[{ Tiêu đề}]" {
			t.Errorf("%s: Title %v", tt.name, info.Meta.Title)
		}
	}
}
