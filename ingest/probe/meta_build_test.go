package probe

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Builders for test files: a real JPEG (from the Go toolchain's test
// images, with no metadata of its own) with metadata segments put in.

const metaBaseJPEG = "images/formats/go_video-001.q50.440.progressive.jpeg"

// withSegments inserts segments right after a JPEG's SOI marker.
func withSegments(jpeg []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), jpeg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpeg[2:]...)
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	if len(body)+2 > 0xffff {
		panic(fmt.Sprintf("segment payload of %d bytes", len(body)))
	}
	return append([]byte{0xff, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
}

func xmpSegment(packet string) []byte {
	return segment(mAPP1, []byte(xmpSig), []byte(packet))
}

// extendedXMPSegments splits ext into chunks of at most size bytes, in
// reverse order, under the MD5 GUID the XMP specification asks for.
func extendedXMPSegments(ext string, size int) (guid string, segs [][]byte) {
	guid = fmt.Sprintf("%X", md5.Sum([]byte(ext)))
	for off := 0; off < len(ext); off += size {
		var h [8]byte
		binary.BigEndian.PutUint32(h[:], uint32(len(ext)))
		binary.BigEndian.PutUint32(h[4:], uint32(off))
		chunk := ext[off:min(off+size, len(ext))]
		segs = append([][]byte{segment(mAPP1, []byte(xmpExtSig), []byte(guid), h[:], []byte(chunk))}, segs...)
	}
	return guid, segs
}

// iimSet encodes one IPTC-IIM dataset.
func iimSet(rec, num byte, value string) []byte {
	return append([]byte{0x1c, rec, num, byte(len(value) >> 8), byte(len(value))}, value...)
}

// irbResource encodes a Photoshop image resource with an empty name.
func irbResource(id uint16, data []byte) []byte {
	b := []byte("8BIM")
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func app13(resources ...[]byte) []byte {
	return segment(mAPP13, []byte(irbSignature), bytes.Join(resources, nil))
}

// xmpPacket wraps rdf:Description content in a packet.
func xmpPacket(descriptions ...string) string {
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
` + strings.Join(descriptions, "\n") + `
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`
}

// vietnamesePacket is the kind of packet this project writes: every
// translated field in vi and en with an x-default repeating vi, and the
// location shown as a structure. Its text is in NFD (decomposed), as some
// Mac and phone tools write it. Namespace prefixes are unusual on purpose.
func vietnamesePacket() string {
	return norm.NFD.String(xmpPacket(`<rdf:Description rdf:about=""
  xmlns:d="http://purl.org/dc/elements/1.1/"
  xmlns:ps="http://ns.adobe.com/photoshop/1.0/"
  xmlns:core="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
  xmlns:ext="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
  xmlns:rights="http://ns.adobe.com/xap/1.0/rights/"
  ps:Credit="Sở Văn hoá, Thể thao và Du lịch Đắk Lắk"
  ps:DateCreated="2024-03-05T08:09:10+07:00"
  core:CountryCode="VN">
 <d:title><rdf:Alt>
  <rdf:li xml:lang="x-default">Hồ Lắk buổi sáng</rdf:li>
  <rdf:li xml:lang="vi">Hồ Lắk buổi sáng</rdf:li>
  <rdf:li xml:lang="en">Lak Lake in the morning</rdf:li>
 </rdf:Alt></d:title>
 <d:description><rdf:Alt>
  <rdf:li xml:lang="x-default">Thuyền độc mộc trên hồ Lắk lúc bình minh.</rdf:li>
  <rdf:li xml:lang="vi">Thuyền độc mộc trên hồ Lắk lúc bình minh.</rdf:li>
  <rdf:li xml:lang="en">Dugout canoes on Lak Lake at dawn.</rdf:li>
 </rdf:Alt></d:description>
 <core:AltTextAccessibility><rdf:Alt>
  <rdf:li xml:lang="x-default">Hai thuyền gỗ trên mặt hồ phẳng lặng, núi phía sau.</rdf:li>
  <rdf:li xml:lang="vi">Hai thuyền gỗ trên mặt hồ phẳng lặng, núi phía sau.</rdf:li>
  <rdf:li xml:lang="en">Two wooden boats on a still lake, hills behind.</rdf:li>
 </rdf:Alt></core:AltTextAccessibility>
 <d:rights><rdf:Alt>
  <rdf:li xml:lang="x-default">© 2024 Sở VHTTDL Đắk Lắk</rdf:li>
  <rdf:li xml:lang="vi">© 2024 Sở VHTTDL Đắk Lắk</rdf:li>
  <rdf:li xml:lang="en">© 2024 Dak Lak Department of Culture, Sports and Tourism</rdf:li>
 </rdf:Alt></d:rights>
 <rights:UsageTerms><rdf:Alt>
  <rdf:li xml:lang="x-default">Chỉ dùng cho quảng bá du lịch.</rdf:li>
  <rdf:li xml:lang="vi">Chỉ dùng cho quảng bá du lịch.</rdf:li>
  <rdf:li xml:lang="en">For tourism promotion only.</rdf:li>
 </rdf:Alt></rights:UsageTerms>
 <d:subject><rdf:Bag>
  <rdf:li>hồ Lắk</rdf:li><rdf:li>thuyền độc mộc</rdf:li><rdf:li>Đắk Lắk</rdf:li>
 </rdf:Bag></d:subject>
 <d:creator><rdf:Seq><rdf:li>Nguyễn Thị Hoà</rdf:li><rdf:li>Y Niê Kdăm</rdf:li></rdf:Seq></d:creator>
 <ext:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</ext:DigitalSourceType>
 <ext:LocationShown><rdf:Bag><rdf:li rdf:parseType="Resource">
  <ext:Sublocation><rdf:Alt>
   <rdf:li xml:lang="x-default">Buôn Jun</rdf:li>
   <rdf:li xml:lang="vi">Buôn Jun</rdf:li>
   <rdf:li xml:lang="en">Jun Village</rdf:li>
  </rdf:Alt></ext:Sublocation>
  <ext:City>Thị trấn Liên Sơn</ext:City>
  <ext:ProvinceState><rdf:Alt>
   <rdf:li xml:lang="x-default">Đắk Lắk</rdf:li>
   <rdf:li xml:lang="en">Dak Lak</rdf:li>
  </rdf:Alt></ext:ProvinceState>
  <ext:CountryName>Việt Nam</ext:CountryName>
  <ext:CountryCode>VN</ext:CountryCode>
 </rdf:li></rdf:Bag></ext:LocationShown>
</rdf:Description>`))
}
