package xmp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// maxMoov is the largest 'moov' box AppendMP4 reads into memory to strip
// the location from; a moov holds sample tables, not media, so real ones
// are far smaller.
const maxMoov = 64 << 20

// maxBoxDepth bounds the recursion into nested boxes of a moov.
const maxBoxDepth = 16

// isLocationKey reports whether a QuickTime metadata key names a position
// or a place: com.apple.quicktime.location.ISO6709 and its siblings
// (name, body, note, accuracy…), or any other vendor's "location" key.
func isLocationKey(key string) bool {
	key = strings.ToLower(key)
	return strings.Contains(key, "location") || strings.Contains(key, "gps")
}

// copyMoovStripped reads the whole 'moov' box whose header was just read,
// blanks its location boxes in place and writes it.
func copyMoovStripped(w io.Writer, r io.Reader, h boxHeader) error {
	if h.size > maxMoov {
		return fmt.Errorf("%w: box moov has %d bytes, more than the %d this reads to strip the location", ErrNotMP4, h.size, maxMoov)
	}
	if h.size < uint64(len(h.raw)) {
		return fmt.Errorf("%w: box moov is smaller than its header", ErrNotMP4)
	}
	body := make([]byte, int(h.size)-len(h.raw))
	if _, err := io.ReadFull(r, body); err != nil {
		return fmt.Errorf("%w: box moov is cut short", ErrNotMP4)
	}
	if err := stripMoovLocation(body); err != nil {
		return err
	}
	w.Write(h.raw)
	w.Write(body)
	return nil
}

// stripMoovLocation blanks, in place, every place a position hides in the
// payload of a moov box: '©xyz' and 'loci' boxes in any udta, ilst items
// named '©xyz' or whose QuickTime key isLocationKey, and
// XMP ('XMP_' in udta, XMP 'uuid' boxes). A blanked box becomes a
// zero-filled 'free' box of the same size, so no offset moves. A box
// structure it cannot follow is an error rather than a location left behind.
func stripMoovLocation(moov []byte) error {
	return walkBoxes(moov, "moov", 0)
}

// mp4Box is one child box inside a buffered parent.
type mp4Box struct {
	typ         string
	start, body int // offsets of the header and the payload in the parent
	end         int
}

// childBoxes splits a container payload into its boxes. A 32-bit zero
// terminator (old QuickTime udta) ends the list.
func childBoxes(b []byte, parent string) ([]mp4Box, error) {
	var out []mp4Box
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < 8 {
			if bytes.Count(rest, []byte{0}) == len(rest) {
				break
			}
			return nil, fmt.Errorf("%w: %d stray bytes at the end of box %q", ErrNotMP4, len(rest), parent)
		}
		size, hdr := uint64(binary.BigEndian.Uint32(rest)), 8
		switch size {
		case 0:
			size = uint64(len(rest))
		case 1:
			if len(rest) < 16 {
				return nil, fmt.Errorf("%w: box %q ends inside a box header", ErrNotMP4, parent)
			}
			size, hdr = binary.BigEndian.Uint64(rest[8:]), 16
		}
		if size < uint64(hdr) || size > uint64(len(rest)) {
			return nil, fmt.Errorf("%w: box %q inside %q has size %d, with %d bytes left", ErrNotMP4, rest[4:8], parent, size, len(rest))
		}
		out = append(out, mp4Box{typ: string(rest[4:8]), start: off, body: off + hdr, end: off + int(size)})
		off += int(size)
	}
	return out, nil
}

func walkBoxes(b []byte, parent string, depth int) error {
	if depth > maxBoxDepth {
		return fmt.Errorf("%w: boxes nested deeper than %d in moov", ErrNotMP4, maxBoxDepth)
	}
	boxes, err := childBoxes(b, parent)
	if err != nil {
		return err
	}
	for _, c := range boxes {
		payload := b[c.body:c.end]
		switch {
		case c.typ == "\xa9xyz" || c.typ == "loci" || c.typ == "XMP_" ||
			c.typ == "uuid" && len(payload) >= 16 && bytes.Equal(payload[:16], xmpUUID):
			blankBox(b[c.start:c.end], c.body-c.start)
		case c.typ == "meta":
			err = walkMeta(payload)
		case strings.Contains(" moov trak udta mdia minf edts ", " "+c.typ+" "):
			err = walkBoxes(payload, c.typ, depth+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// blankBox turns box into a 'free' box of the same size and zeroes the
// rest of its header and its payload.
func blankBox(box []byte, hdr int) {
	copy(box[4:8], "free")
	clear(box[hdr:]) // a 64-bit size stays in the header
}

// walkMeta blanks the location items of a 'meta' box: an ISO FullBox
// with 4 bytes of version and flags before its children, or a QuickTime
// one without; the first child tells which.
func walkMeta(b []byte) error {
	if !startsWithBox(b) && len(b) >= 4 && startsWithBox(b[4:]) {
		b = b[4:]
	}
	boxes, err := childBoxes(b, "meta")
	if err != nil {
		return err
	}
	var keys []string // 1-based in ilst; keys[0] is unused
	for _, c := range boxes {
		if c.typ == "keys" {
			if keys, err = quickTimeKeys(b[c.body:c.end]); err != nil {
				return err
			}
		}
	}
	for _, c := range boxes {
		switch c.typ {
		case "ilst":
			if err := stripIlst(b[c.body:c.end], keys); err != nil {
				return err
			}
		case "XMP_", "\xa9xyz", "loci":
			blankBox(b[c.start:c.end], c.body-c.start)
		}
	}
	return nil
}

// startsWithBox reports whether b starts with a plausible box header: a
// size that fits and a type of four printable characters (or ©xyz-like).
func startsWithBox(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	size := binary.BigEndian.Uint32(b)
	if size < 8 || uint64(size) > uint64(len(b)) {
		return false
	}
	for _, c := range b[4:8] {
		if (c < 0x20 || c > 0x7e) && c != 0xa9 {
			return false
		}
	}
	return true
}

// quickTimeKeys reads the payload of a QuickTime 'keys' box: version and
// flags, an entry count, then entries of size, namespace and name.
func quickTimeKeys(b []byte) ([]string, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: box keys has %d bytes", ErrNotMP4, len(b))
	}
	n := binary.BigEndian.Uint32(b[4:])
	keys := []string{""}
	off := 8
	for i := uint32(0); i < n; i++ {
		if len(b)-off < 8 {
			return nil, fmt.Errorf("%w: box keys ends after %d of %d keys", ErrNotMP4, i, n)
		}
		size := binary.BigEndian.Uint32(b[off:])
		if size < 8 || uint64(size) > uint64(len(b)-off) {
			return nil, fmt.Errorf("%w: key %d has size %d", ErrNotMP4, i+1, size)
		}
		keys = append(keys, string(b[off+8:off+int(size)]))
		off += int(size)
	}
	return keys, nil
}

// stripIlst blanks the ilst items that hold a position: those whose type
// is the 1-based index of a location key, and iTunes-style '©xyz' items.
func stripIlst(b []byte, keys []string) error {
	items, err := childBoxes(b, "ilst")
	if err != nil {
		return err
	}
	for _, it := range items {
		idx := binary.BigEndian.Uint32([]byte(it.typ))
		if it.typ == "\xa9xyz" || idx < uint32(len(keys)) && isLocationKey(keys[idx]) {
			blankBox(b[it.start:it.end], it.body-it.start)
		}
	}
	return nil
}
