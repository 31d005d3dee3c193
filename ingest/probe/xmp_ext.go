package probe

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
)

// Extended XMP (XMP Specification Part 3, 1.1.3.1): a packet too large for
// one JPEG APP1 segment is split over several, each naming the MD5 GUID of
// the whole extension, its full length and the chunk's offset. The main
// packet names the GUID in xmpNote:HasExtendedXMP.
type xmpExtension struct {
	chunks   map[string][]xmpChunk // by GUID
	bytes    int
	tooLarge bool // chunks beyond maxXMPPacket were dropped
}

type xmpChunk struct {
	full, off uint32
	data      []byte
}

const xmpExtHeader = 32 + 4 + 4 // GUID, full length, offset

// add keeps one chunk (the APP1 payload after its signature).
func (e *xmpExtension) add(b []byte) error {
	if len(b) < xmpExtHeader {
		return fmt.Errorf("Extended XMP chunk of %d bytes is too short", len(b))
	}
	c := xmpChunk{full: binary.BigEndian.Uint32(b[32:]), off: binary.BigEndian.Uint32(b[36:]), data: b[xmpExtHeader:]}
	if c.full > maxXMPPacket || e.bytes+len(c.data) > maxXMPPacket {
		if e.tooLarge {
			return nil // said once
		}
		e.tooLarge = true
		return fmt.Errorf("Extended XMP ignored: larger than %d bytes", maxXMPPacket)
	}
	if e.chunks == nil {
		e.chunks = map[string][]xmpChunk{}
	}
	guid := string(b[:32])
	e.chunks[guid] = append(e.chunks[guid], c)
	e.bytes += len(c.data)
	return nil
}

// assemble puts together the extension the main packet names; chunks may
// come in any order.
func (e *xmpExtension) assemble(guid string) ([]byte, error) {
	chunks := e.chunks[guid]
	if len(chunks) == 0 {
		return nil, fmt.Errorf("Extended XMP ignored: no chunk has the GUID %q that the main XMP packet names", printable([]byte(guid)))
	}
	slices.SortFunc(chunks, func(a, b xmpChunk) int { return cmp.Compare(a.off, b.off) })
	full := chunks[0].full
	buf := make([]byte, full)
	var pos uint64
	for _, c := range chunks {
		end := uint64(c.off) + uint64(len(c.data))
		if c.full != full || uint64(c.off) > pos || end > uint64(full) {
			return nil, fmt.Errorf("Extended XMP ignored: its chunks do not fit together")
		}
		copy(buf[c.off:], c.data)
		pos = max(pos, end)
	}
	if pos != uint64(full) {
		return nil, fmt.Errorf("Extended XMP ignored: %d of its %d bytes are missing", uint64(full)-pos, full)
	}
	return buf, nil
}
