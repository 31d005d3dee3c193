package probe

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// SniffSize is how many leading bytes Sniff looks at.
const SniffSize = 4096

// Sniff recognises the format from the first bytes of a file (up to
// SniffSize; fewer if the file is shorter). It returns ErrEmpty for no bytes,
// ErrUnsupported naming what the content looks like when it is not a format
// we accept, and ErrCorrupt when the content is an accepted format whose
// signature is damaged (a PNG sent through a text-mode transfer).
func Sniff(head []byte) (Format, error) {
	if len(head) == 0 {
		return Format{}, errf(ErrEmpty, "the file has no bytes")
	}
	if len(head) > SniffSize {
		head = head[:SniffSize]
	}
	for _, s := range sniffers {
		if f, err, ok := s(head); ok {
			return f, err
		}
	}
	return Format{}, errf(ErrUnsupported, "%s", unknownKind(head))
}

// A sniffer reports ok when it recognised head, as an accepted format or as
// an error.
type sniffer func(head []byte) (Format, error, bool)

var sniffers = []sniffer{
	sniffJPEG, sniffPNG, sniffGIF, sniffRIFF, sniffTIFF, sniffBMFF,
	sniffEBML, sniffTS, sniffQuickTime, sniffOther,
}

func has(head []byte, off int, sig string) bool {
	return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
}

func found(f Format) (Format, error, bool) { return f, nil, true }

func refused(kind error, format string, args ...any) (Format, error, bool) {
	return Format{}, errf(kind, format, args...), true
}

func sniffJPEG(h []byte) (Format, error, bool) {
	if has(h, 0, "\xff\xd8\xff") {
		return found(FormatJPEG)
	}
	return Format{}, nil, false
}

const pngSig = "\x89PNG\r\n\x1a\n"

func sniffPNG(h []byte) (Format, error, bool) {
	switch {
	case has(h, 0, pngSig):
		return found(FormatPNG)
	case has(h, 0, "\x8aMNG"):
		return refused(ErrUnsupported, "MNG animation")
	case has(h, 0, "\x8bJNG"):
		return refused(ErrUnsupported, "JNG image")
	case has(h, 1, "PNG") || (len(h) >= 8 && h[0] == 0x89 && has(h, 12, "IHDR")):
		return refused(ErrCorrupt, "PNG signature is damaged (the file was probably copied in text mode)")
	}
	return Format{}, nil, false
}

func sniffGIF(h []byte) (Format, error, bool) {
	if has(h, 0, "GIF87a") || has(h, 0, "GIF89a") {
		return found(FormatGIF)
	}
	return Format{}, nil, false
}

func sniffRIFF(h []byte) (Format, error, bool) {
	if !has(h, 0, "RIFF") && !has(h, 0, "RF64") {
		return Format{}, nil, false
	}
	if len(h) < 12 {
		return refused(ErrCorrupt, "RIFF file ends inside its header")
	}
	switch string(h[8:12]) {
	case "WEBP":
		return found(FormatWebP)
	case "AVI ":
		return found(FormatAVI)
	case "WAVE":
		return refused(ErrUnsupported, "WAV audio")
	case "CDXA":
		return refused(ErrUnsupported, "Video CD (DAT)")
	}
	return refused(ErrUnsupported, "RIFF file of type %q", printable(h[8:12]))
}

func sniffTIFF(h []byte) (Format, error, bool) {
	switch {
	case has(h, 0, "II*\x00") || has(h, 0, "MM\x00*"):
		if has(h, 8, "CR") {
			return refused(ErrUnsupported, "camera raw (CR2)")
		}
		if tiffHeadIsDNG(h) {
			return refused(ErrUnsupported, "camera raw (DNG)")
		}
		return found(FormatTIFF)
	case has(h, 0, "IIRO") || has(h, 0, "IIRS") || has(h, 0, "MMOR"):
		return refused(ErrUnsupported, "camera raw (ORF)")
	case has(h, 0, "IIU\x00"):
		return refused(ErrUnsupported, "camera raw (RW2)")
	case has(h, 0, "FUJIFILMCCD-RAW"):
		return refused(ErrUnsupported, "camera raw (RAF)")
	case has(h, 0, "II+\x00") || has(h, 0, "MM\x00+"):
		return refused(ErrUnsupported, "BigTIFF")
	}
	return Format{}, nil, false
}

// tiffHeadIsDNG looks for the DNGVersion tag in an IFD0 that lies within head.
func tiffHeadIsDNG(h []byte) bool {
	t, ifd0, err := openTIFF(bytes.NewReader(h), int64(len(h)))
	if err != nil {
		return false
	}
	entries, _, err := t.readIFD(ifd0)
	if err != nil {
		return false
	}
	_, ok := findTag(entries, tagDNGVersion)
	return ok
}

func sniffEBML(h []byte) (Format, error, bool) {
	if !has(h, 0, "\x1a\x45\xdf\xa3") {
		return Format{}, nil, false
	}
	doc, ok := ebmlDocType(h)
	switch {
	case !ok:
		return refused(ErrCorrupt, "Matroska/WebM header is damaged")
	case doc == "webm":
		return found(FormatWebM)
	case doc == "matroska":
		return found(FormatMKV)
	}
	return refused(ErrUnsupported, "EBML document of type %q", printable([]byte(doc)))
}

// ebmlDocType reads the DocType element of the EBML header at the start of h.
func ebmlDocType(h []byte) (string, bool) {
	p := 4
	size, n := ebmlVint(h[p:], false)
	if n == 0 {
		return "", false
	}
	p += n
	end := len(h)
	if size >= 0 && int64(p)+size < int64(end) {
		end = p + int(size)
	}
	for p < end {
		id, n := ebmlVint(h[p:end], true)
		if n == 0 {
			return "", false
		}
		p += n
		size, n := ebmlVint(h[p:end], false)
		if n == 0 || size < 0 || size > int64(end-p-n) {
			return "", false
		}
		p += n
		if id == 0x4282 {
			return string(bytes.TrimRight(h[p:p+int(size)], "\x00")), true
		}
		p += int(size)
	}
	// A header without DocType means Matroska by the specification's default.
	return "matroska", p == end
}

// ebmlVint decodes an EBML variable-length integer; keepMarker keeps the
// length bits (element IDs). It returns n == 0 when b is too short or
// malformed, and size -1 for the reserved "unknown size" value.
func ebmlVint(b []byte, keepMarker bool) (int64, int) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0
	}
	n := 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 8 || len(b) < n {
		return 0, 0
	}
	v := int64(b[0])
	if !keepMarker {
		v &= int64(0xff >> n)
	}
	allOnes := v == int64(0xff>>n)
	for _, c := range b[1:n] {
		v = v<<8 | int64(c)
		allOnes = allOnes && c == 0xff
	}
	if !keepMarker && allOnes {
		return -1, n
	}
	return v, n
}

// sniffTS recognises MPEG transport streams: 188-byte packets (broadcast,
// .ts) or 192-byte packets with a 4-byte timestamp prefix (AVCHD .mts/.m2ts).
func sniffTS(h []byte) (Format, error, bool) {
	if tsPackets(h, 0, 188) || tsPackets(h, 4, 192) {
		return found(FormatMTS)
	}
	return Format{}, nil, false
}

// tsPackets checks the sync byte of every whole packet in h (at least three).
func tsPackets(h []byte, first, size int) bool {
	n := 0
	for p := first; p < len(h); p += size {
		if h[p] != 0x47 {
			return false
		}
		n++
	}
	return n >= 3
}

// sniffQuickTime recognises old QuickTime files that start without ftyp.
func sniffQuickTime(h []byte) (Format, error, bool) {
	if len(h) < 8 {
		return Format{}, nil, false
	}
	switch string(h[4:8]) {
	case "moov", "mdat", "wide", "free", "skip", "pnot":
		if size := binary.BigEndian.Uint32(h); size == 0 || size == 1 || size >= 8 {
			return found(FormatMOV)
		}
	}
	return Format{}, nil, false
}

func sniffBMFF(h []byte) (Format, error, bool) {
	switch {
	case has(h, 4, "jP  ") || has(h, 0, "\xff\x4f\xff\x51"):
		return refused(ErrUnsupported, "JPEG 2000")
	case has(h, 4, "JXL ") || has(h, 0, "\xff\x0a"):
		return refused(ErrUnsupported, "JPEG XL")
	case !has(h, 4, "ftyp"):
		return Format{}, nil, false
	}
	size := int(binary.BigEndian.Uint32(h))
	if size < 16 || len(h) < 16 {
		return refused(ErrCorrupt, "ISO media file type box is damaged")
	}
	var brands []string
	for p := 16; p+4 <= min(size, len(h)); p += 4 {
		brands = append(brands, string(h[p:p+4]))
	}
	return brandFormat(string(h[8:12]), brands)
}

var (
	heicBrands = set("heic", "heix", "hevc", "hevx", "heim", "heis")
	heifBrands = set("mif1", "msf1", "mif2", "miaf")
	avifBrands = set("avif", "avis")
	mp4Brands  = set("isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
		"mp41", "mp42", "mp71", "avc1", "dash", "M4V ", "M4VH", "M4VP", "mmp4", "f4v ",
		"3gp4", "3gp5", "3gp6", "3gp7", "3gp8", "3gp9", "3g2a", "3g2b", "3g2c", "3ge6", "3ge7", "3gg6",
		"MSNV", "NDAS", "NDSC", "NDSH", "NDSM", "NDSP", "NDSS", "NDXC", "NDXH", "NDXM", "NDXP", "NDXS",
		"XAVC", "CAEP", "kddi", "FACE", "cmfc", "cmfs", "hvc1", "av01")
	audioBrands = set("M4A ", "M4B ", "M4P ", "F4A ", "F4B ")
)

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// brandFormat decides the format of an ISO base media file from its brands:
// the major brand first, then the compatible ones.
func brandFormat(major string, compat []string) (Format, error, bool) {
	anyOf := func(m map[string]bool) bool {
		for _, b := range compat {
			if m[b] {
				return true
			}
		}
		return false
	}
	image := func() (Format, error, bool) {
		switch {
		case avifBrands[major] || anyOf(avifBrands):
			return found(FormatAVIF)
		case heicBrands[major] || anyOf(heicBrands):
			return found(FormatHEIC)
		}
		return found(FormatHEIF)
	}
	switch {
	case avifBrands[major]:
		return found(FormatAVIF)
	case heicBrands[major]:
		return found(FormatHEIC)
	case heifBrands[major]:
		return image()
	case major == "crx ":
		return refused(ErrUnsupported, "camera raw (CR3)")
	case major == "qt  ":
		return found(FormatMOV)
	case mp4Brands[major]:
		return found(FormatMP4)
	case audioBrands[major]:
		return refused(ErrUnsupported, "M4A audio")
	case anyOf(avifBrands) || anyOf(heicBrands) || anyOf(heifBrands):
		return image()
	case anyOf(set("crx ")):
		return refused(ErrUnsupported, "camera raw (CR3)")
	case anyOf(set("qt  ")):
		return found(FormatMOV)
	case anyOf(mp4Brands):
		return found(FormatMP4)
	case anyOf(audioBrands):
		return refused(ErrUnsupported, "M4A audio")
	}
	return refused(ErrUnsupported, "ISO media file with unknown brand %q", printable([]byte(major)))
}

// sniffOther names formats we refuse, so the refusal can say what the file is.
func sniffOther(h []byte) (Format, error, bool) {
	for _, m := range otherMagic {
		if has(h, m.off, m.sig) {
			return refused(ErrUnsupported, "%s", m.name)
		}
	}
	switch {
	case has(h, 0, "BM") && len(h) >= 18 && bmpHeaderSizes[binary.LittleEndian.Uint32(h[14:])]:
		return refused(ErrUnsupported, "BMP")
	case len(h) >= 6 && (has(h, 0, "\x00\x00\x01\x00") || has(h, 0, "\x00\x00\x02\x00")) && h[4]|h[5] != 0:
		if h[2] == 2 {
			return refused(ErrUnsupported, "CUR cursor")
		}
		return refused(ErrUnsupported, "ICO")
	case len(h) >= 2 && h[0] == 0xff && (h[1]&0xf6 == 0xf0):
		return refused(ErrUnsupported, "AAC audio")
	case len(h) >= 2 && h[0] == 0xff && h[1]&0xe0 == 0xe0 && h[1]&0x06 != 0:
		return refused(ErrUnsupported, "MP3 audio")
	case has(h, 0, "OggS"):
		if bytes.Contains(h, []byte("theora")) {
			return refused(ErrUnsupported, "Ogg video (Theora)")
		}
		return refused(ErrUnsupported, "Ogg audio")
	}
	return Format{}, nil, false
}

var bmpHeaderSizes = map[uint32]bool{12: true, 16: true, 40: true, 52: true, 56: true, 64: true, 108: true, 124: true}

var otherMagic = []struct {
	off  int
	sig  string
	name string
}{
	{0, "%PDF-", "PDF"},
	{0, "%!PS", "PostScript"},
	{0, "\xc5\xd0\xd3\xc6", "PostScript (EPS)"},
	{0, "MZ", "Windows executable"},
	{0, "\x7fELF", "Linux executable (ELF)"},
	{0, "\xfe\xed\xfa\xce", "macOS executable"},
	{0, "\xfe\xed\xfa\xcf", "macOS executable"},
	{0, "\xce\xfa\xed\xfe", "macOS executable"},
	{0, "\xcf\xfa\xed\xfe", "macOS executable"},
	{0, "\xca\xfe\xba\xbe", "macOS executable or Java class"},
	{0, "\x00asm", "WebAssembly module"},
	{0, "PK\x03\x04", "ZIP archive (or an Office document)"},
	{0, "PK\x05\x06", "ZIP archive"},
	{0, "Rar!\x1a\x07", "RAR archive"},
	{0, "7z\xbc\xaf\x27\x1c", "7-Zip archive"},
	{0, "\x1f\x8b", "gzip archive"},
	{0, "BZh", "bzip2 archive"},
	{0, "\xfd7zXZ\x00", "xz archive"},
	{0, "\x28\xb5\x2f\xfd", "Zstandard archive"},
	{257, "ustar", "tar archive"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office (OLE) document"},
	{0, "SQLite format 3\x00", "SQLite database"},
	{0, "8BPS", "Photoshop (PSD)"},
	{0, "gimp xcf", "GIMP (XCF)"},
	{0, "qoif", "QOI image"},
	{0, "DDS ", "DirectDraw Surface (DDS)"},
	{0, "#?RADIANCE", "Radiance HDR image"},
	{0, "\x76\x2f\x31\x01", "OpenEXR image"},
	{0, "ID3", "MP3 audio"},
	{0, "fLaC", "FLAC audio"},
	{0, "MThd", "MIDI"},
	{0, "#!AMR", "AMR audio"},
	{0, ".snd", "Sun audio"},
	{0, "FORM", "IFF/AIFF file"},
	{0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11", "Windows Media (ASF/WMV/WMA)"},
	{0, "FLV\x01", "Flash video (FLV)"},
	{0, "FWS", "Flash (SWF)"},
	{0, "CWS", "Flash (SWF)"},
	{0, ".RMF", "RealMedia"},
	{0, "\x00\x00\x01\xba", "MPEG program stream (MPG/VOB)"},
	{0, "\x00\x00\x01\xb3", "MPEG video elementary stream"},
	{0, "wOFF", "web font (WOFF)"},
	{0, "wOF2", "web font (WOFF2)"},
	{0, "\x00\x01\x00\x00\x00", "TrueType font"},
	{0, "OTTO", "OpenType font"},
}

// unknownKind describes content that no sniffer recognised: text of some
// kind, or unrecognised binary.
func unknownKind(h []byte) string {
	t := h
	switch {
	case has(t, 0, "\xef\xbb\xbf"):
		t = t[3:]
	case has(t, 0, "\xff\xfe") || has(t, 0, "\xfe\xff"):
		return "plain text (UTF-16)"
	}
	if !isText(t) {
		return "unrecognised binary content"
	}
	lead := strings.ToLower(strings.TrimSpace(string(t[:min(len(t), 512)])))
	switch {
	case strings.HasPrefix(lead, "<svg") || (strings.HasPrefix(lead, "<?xml") && strings.Contains(lead, "<svg")):
		return "SVG"
	case strings.HasPrefix(lead, "<!doctype html") || strings.HasPrefix(lead, "<html") || strings.HasPrefix(lead, "<head"):
		return "HTML"
	case strings.HasPrefix(lead, "<?xml"):
		return "XML document"
	case strings.HasPrefix(lead, "{\\rtf"):
		return "RTF document"
	case strings.HasPrefix(lead, "webvtt"):
		return "WebVTT subtitles"
	}
	return "plain text"
}

// isText reports whether b has no control bytes other than whitespace. Bytes
// above 0x7f are allowed, and so are the six control codes VISCII uses for
// Vietnamese capitals: legacy Vietnamese code pages are text too.
func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if (c < 0x20 && !textControls[c]) || c == 0x7f {
			return false
		}
	}
	return true
}

var textControls = [0x20]bool{'\t': true, '\n': true, '\r': true, '\f': true, 0x1b: true,
	0x02: true, 0x05: true, 0x06: true, 0x14: true, 0x19: true, 0x1e: true}

// printable renders bytes from a file for a message.
func printable(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			s.WriteByte(c)
		} else {
			s.WriteRune(utf8.RuneError)
		}
	}
	return s.String()
}
