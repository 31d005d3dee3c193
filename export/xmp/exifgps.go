package xmp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// errBadEXIF means an EXIF block is too malformed to blank its GPS IFD
// safely; EmbedJPEG then drops the whole EXIF segment.
var errBadEXIF = errors.New("xmp: malformed EXIF")

const (
	tagGPSIFD  = 0x8825
	tagExifIFD = 0x8769
	maxIFDs    = 16   // IFDs followed along IFD0's chain
	maxGPSTag  = 1024 // entries a GPS IFD may claim; the standard defines 32
)

// exifTypeSize is the size in bytes of one value of each TIFF field type.
var exifTypeSize = [...]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// span is a byte range [start, end) of a TIFF block.
type span struct{ start, end uint64 }

func (a span) overlaps(b span) bool { return a.start < b.end && b.start < a.end }

// stripEXIFGPS blanks, in place, every GPS IFD that an IFD of IFD0's chain
// points to in tiff (an EXIF block after "Exif\0\0"): the values the GPS
// entries point to are zeroed, then the entries, and the entry count is set
// to 0, so tag 0x8825 points to an empty IFD. Nothing moves and no length
// changes. It checks everything before writing anything and returns
// errBadEXIF, with tiff perhaps partly blanked, when an offset points
// outside tiff, IFDs overlap or loop, or a GPS entry has an unknown type.
func stripEXIFGPS(tiff []byte) error {
	if len(tiff) < 8 {
		return fmt.Errorf("%w: %d bytes", errBadEXIF, len(tiff))
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return fmt.Errorf("%w: byte order %q", errBadEXIF, tiff[:2])
	}
	if bo.Uint16(tiff[2:]) != 42 {
		return fmt.Errorf("%w: no TIFF magic number", errBadEXIF)
	}
	size := uint64(len(tiff))
	// ifd returns the span of the entry table of the IFD at off.
	ifd := func(off uint64, what string) (span, error) {
		if off < 8 || off+2 > size {
			return span{}, fmt.Errorf("%w: %s at offset %d of %d", errBadEXIF, what, off, size)
		}
		s := span{off, off + 2 + 12*uint64(bo.Uint16(tiff[off:]))}
		if s.end > size {
			return span{}, fmt.Errorf("%w: %s entries run past the end", errBadEXIF, what)
		}
		return s, nil
	}

	tables := []span{{0, 8}} // the header, IFD0's chain, the EXIF IFD and GPS IFDs
	var gpsIFDs []span
	var zero []span
	// claim records an IFD with its next-IFD offset, which must overlap
	// no other IFD: blanking one must not change how another reads.
	claim := func(s span, what string) error {
		s.end = min(s.end+4, size)
		for _, t := range tables {
			if s.overlaps(t) {
				return fmt.Errorf("%w: %s overlaps an IFD", errBadEXIF, what)
			}
		}
		tables = append(tables, s)
		return nil
	}
	next := uint64(bo.Uint32(tiff[4:]))
	for n := 0; next != 0; n++ {
		if n == maxIFDs {
			return fmt.Errorf("%w: more than %d IFDs in a chain", errBadEXIF, maxIFDs)
		}
		t, err := ifd(next, fmt.Sprintf("IFD%d", n))
		if err != nil {
			return err
		}
		if err := claim(t, fmt.Sprintf("IFD%d", n)); err != nil { // a loop lands here too
			return err
		}
		for e := t.start + 2; e < t.end; e += 12 {
			switch bo.Uint16(tiff[e:]) {
			case tagExifIFD: // not written to; kept out of the way of GPS values
				if x, err := ifd(uint64(bo.Uint32(tiff[e+8:])), "EXIF IFD"); err == nil {
					tables = append(tables, span{x.start, min(x.end+4, size)})
				}
				continue
			case tagGPSIFD:
			default:
				continue
			}
			g, err := ifd(uint64(bo.Uint32(tiff[e+8:])), "GPS IFD")
			if err != nil {
				return err
			}
			if (g.end-g.start-2)/12 > maxGPSTag {
				return fmt.Errorf("%w: the GPS IFD claims %d entries", errBadEXIF, (g.end-g.start-2)/12)
			}
			if err := claim(g, "the GPS IFD"); err != nil {
				return err
			}
			gpsIFDs = append(gpsIFDs, g)
		}
		if t.end+4 > size { // no room for the next-IFD offset: end of chain
			break
		}
		next = uint64(bo.Uint32(tiff[t.end:]))
	}
	for _, g := range gpsIFDs {
		for e := g.start + 2; e < g.end; e += 12 {
			typ, count := bo.Uint16(tiff[e+2:]), uint64(bo.Uint32(tiff[e+4:]))
			if int(typ) >= len(exifTypeSize) || exifTypeSize[typ] == 0 {
				return fmt.Errorf("%w: GPS tag %#04x has type %d", errBadEXIF, bo.Uint16(tiff[e:]), typ)
			}
			n := exifTypeSize[typ] * count // count < 2³², so no overflow
			if n <= 4 {
				continue // the value is in the entry itself
			}
			v := span{uint64(bo.Uint32(tiff[e+8:])), 0}
			v.end = v.start + n
			if v.end > size {
				return fmt.Errorf("%w: GPS tag %#04x points past the end", errBadEXIF, bo.Uint16(tiff[e:]))
			}
			for _, t := range tables {
				if v.overlaps(t) {
					return fmt.Errorf("%w: GPS tag %#04x points into an IFD", errBadEXIF, bo.Uint16(tiff[e:]))
				}
			}
			zero = append(zero, v)
		}
	}
	for _, v := range zero {
		clear(tiff[v.start:v.end])
	}
	for _, g := range gpsIFDs {
		// count, entries and next-IFD offset, all claimed above
		clear(tiff[g.start:min(g.end+4, size)])
	}
	return nil
}
