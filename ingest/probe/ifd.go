package probe

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// tiffFile reads the IFD structure shared by TIFF files and EXIF blocks.
// Offsets are relative to the TIFF header; every offset is checked against
// the size before it is followed.
type tiffFile struct {
	s  src
	bo binary.ByteOrder
}

// TIFF tags this package reads.
const (
	tagNewSubfileType    = 0x00fe
	tagImageWidth        = 0x0100
	tagImageLength       = 0x0101
	tagMake              = 0x010f
	tagModel             = 0x0110
	tagStripOffsets      = 0x0111
	tagOrientation       = 0x0112
	tagStripByteCounts   = 0x0117
	tagDateTime          = 0x0132
	tagSubIFDs           = 0x014a
	tagTileOffsets       = 0x0144
	tagTileByteCounts    = 0x0145
	tagExifIFD           = 0x8769
	tagGPSIFD            = 0x8825
	tagDateTimeOriginal  = 0x9003
	tagOffsetTime        = 0x9010
	tagOffsetTimeOrig    = 0x9011
	tagDNGVersion        = 0xc612
	tagGPSLatitudeRef    = 0x0001
	tagGPSLatitude       = 0x0002
	tagGPSLongitudeRef   = 0x0003
	tagGPSLongitude      = 0x0004
	tagGPSAltitudeRef    = 0x0005
	tagGPSAltitude       = 0x0006
	maxIFDEntries        = 1000
	maxStringValue       = 1024
	tiffHeaderSize       = 8
	ifdEntrySize         = 12
	typeByte, typeASCII  = 1, 2
	typeShort, typeLong  = 3, 4
	typeRational         = 5
	typeUndefined        = 7
	typeSRational        = 10
	typeIFD              = 13
	typeLong8, typeIFD8  = 16, 18
	maxTIFFTypeForSizing = 13
)

// typeSize is the byte size of one value of each TIFF field type.
var typeSize = [maxTIFFTypeForSizing + 1]uint64{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4}

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	val      [4]byte // the value itself when it fits, else its offset
}

// openTIFF reads a TIFF header and returns the offset of IFD0.
func openTIFF(r io.ReaderAt, size int64) (*tiffFile, uint32, error) {
	t := &tiffFile{s: src{r, size}}
	h, err := t.s.bytesAt(0, tiffHeaderSize)
	if err != nil {
		return nil, 0, fmt.Errorf("TIFF header: %w", err)
	}
	switch string(h[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("no TIFF header (starts %q)", printable(h[:4]))
	}
	return t, t.bo.Uint32(h[4:]), nil
}

// readIFD reads the directory at off and the offset of the next one.
func (t *tiffFile) readIFD(off uint32) ([]ifdEntry, uint32, error) {
	if off < tiffHeaderSize {
		return nil, 0, fmt.Errorf("IFD offset %d points into the header", off)
	}
	c, err := t.s.bytesAt(int64(off), 2)
	if err != nil {
		return nil, 0, fmt.Errorf("directory (IFD) at offset %d lies beyond the end of the data", off)
	}
	n := int(t.bo.Uint16(c))
	if n > maxIFDEntries {
		return nil, 0, fmt.Errorf("IFD at offset %d claims %d entries", off, n)
	}
	raw, err := t.s.bytesAt(int64(off)+2, n*ifdEntrySize)
	if err != nil {
		return nil, 0, fmt.Errorf("directory (IFD) at offset %d with %d entries runs past the end of the data", off, n)
	}
	entries := make([]ifdEntry, n)
	for i := range entries {
		b := raw[i*ifdEntrySize:]
		entries[i] = ifdEntry{tag: t.bo.Uint16(b), typ: t.bo.Uint16(b[2:]), count: t.bo.Uint32(b[4:])}
		copy(entries[i].val[:], b[8:12])
	}
	var next uint32
	if nb, err := t.s.bytesAt(int64(off)+2+int64(n)*ifdEntrySize, 4); err == nil {
		next = t.bo.Uint32(nb)
	}
	return entries, next, nil
}

func findTag(entries []ifdEntry, tag uint16) (ifdEntry, bool) {
	for _, e := range entries {
		if e.tag == tag {
			return e, true
		}
	}
	return ifdEntry{}, false
}

// span returns where an entry's values lie and their total byte length.
func (t *tiffFile) span(e ifdEntry) (off int64, n uint64, inline bool, err error) {
	if e.typ == 0 || int(e.typ) >= len(typeSize) {
		return 0, 0, false, fmt.Errorf("tag 0x%04x has unknown type %d", e.tag, e.typ)
	}
	n = uint64(e.count) * typeSize[e.typ]
	if n <= 4 {
		return 0, n, true, nil
	}
	off = int64(t.bo.Uint32(e.val[:]))
	if off < tiffHeaderSize || uint64(off)+n > uint64(t.s.size) {
		return 0, 0, false, fmt.Errorf("tag 0x%04x points outside the data (offset %d, %d bytes)", e.tag, off, n)
	}
	return off, n, false, nil
}

// valueBytes returns up to max bytes of an entry's values.
func (t *tiffFile) valueBytes(e ifdEntry, max int) ([]byte, error) {
	off, n, inline, err := t.span(e)
	if err != nil {
		return nil, err
	}
	if inline {
		return e.val[:n], nil
	}
	return t.s.bytesAt(off, int(min(n, uint64(max))))
}

// uintAt decodes value i of an integer entry from b.
func (t *tiffFile) uintAt(typ uint16, b []byte, i int) (uint64, bool) {
	switch typ {
	case typeByte, typeUndefined:
		if i >= len(b) {
			return 0, false
		}
		return uint64(b[i]), true
	case typeShort:
		if 2*i+2 > len(b) {
			return 0, false
		}
		return uint64(t.bo.Uint16(b[2*i:])), true
	case typeLong, typeIFD:
		if 4*i+4 > len(b) {
			return 0, false
		}
		return uint64(t.bo.Uint32(b[4*i:])), true
	}
	return 0, false
}

// uintVal returns the first value of an integer entry.
func (t *tiffFile) uintVal(e ifdEntry) (uint64, bool) {
	if e.count == 0 {
		return 0, false
	}
	switch e.typ {
	case typeByte, typeUndefined, typeShort, typeLong, typeIFD:
	default:
		return 0, false
	}
	b, err := t.valueBytes(e, 8)
	if err != nil || len(b) == 0 {
		return 0, false
	}
	return t.uintAt(e.typ, b, 0)
}

// rationals returns up to max (signed or unsigned) rational values as
// floats; a zero denominator makes the value NaN.
func (t *tiffFile) rationals(e ifdEntry, max int) ([]float64, error) {
	if e.typ != typeRational && e.typ != typeSRational {
		return nil, fmt.Errorf("tag 0x%04x is not a rational (type %d)", e.tag, e.typ)
	}
	b, err := t.valueBytes(e, 8*max)
	if err != nil {
		return nil, err
	}
	var out []float64
	for i := 0; i+8 <= len(b); i += 8 {
		num, den := t.bo.Uint32(b[i:]), t.bo.Uint32(b[i+4:])
		var v float64
		switch {
		case den == 0:
			v = math.NaN()
		case e.typ == typeSRational:
			v = float64(int32(num)) / float64(int32(den))
		default:
			v = float64(num) / float64(den)
		}
		out = append(out, v)
	}
	return out, nil
}

// stringVal returns an ASCII (or byte/undefined) entry as clean UTF-8.
func (t *tiffFile) stringVal(e ifdEntry) (string, error) {
	if e.typ != typeASCII && e.typ != typeByte && e.typ != typeUndefined {
		return "", fmt.Errorf("tag 0x%04x is not text (type %d)", e.tag, e.typ)
	}
	b, err := t.valueBytes(e, maxStringValue)
	if err != nil {
		return "", err
	}
	return cleanString(b), nil
}

// subIFD follows a pointer tag to the directory it names.
func (t *tiffFile) subIFD(entries []ifdEntry, tag uint16, seen map[uint32]bool) ([]ifdEntry, error) {
	e, ok := findTag(entries, tag)
	if !ok {
		return nil, nil
	}
	if e.count == 0 {
		return nil, nil
	}
	off, ok := t.uintVal(e)
	if !ok && e.count >= 4 && (e.typ == typeASCII || e.typ == typeUndefined) {
		// Some writers give the pointer a text or byte type: either its four
		// bytes are the offset, or the "text" is the directory itself.
		off, ok = uint64(t.bo.Uint32(e.val[:])), true
	}
	if !ok {
		return nil, fmt.Errorf("pointer tag 0x%04x has type %d", tag, e.typ)
	}
	if seen[uint32(off)] {
		return nil, fmt.Errorf("pointer tag 0x%04x loops back to offset %d", tag, off)
	}
	seen[uint32(off)] = true
	sub, _, err := t.readIFD(uint32(off))
	return sub, err
}
