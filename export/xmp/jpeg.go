package xmp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNotJPEG means EmbedJPEG was given something that is not a JPEG image.
var ErrNotJPEG = errors.New("xmp: not a JPEG image")

const (
	markSOI   = 0xd8
	markEOI   = 0xd9
	markSOS   = 0xda
	markAPP0  = 0xe0
	markAPP1  = 0xe1
	markAPP13 = 0xed
)

const (
	xmpHeader  = "http://ns.adobe.com/xap/1.0/\x00"
	xmpExt     = "http://ns.adobe.com/xmp/extension/\x00"
	exifHeader = "Exif\x00\x00"
	psHeader   = "Photoshop 3.0\x00"
)

// segment is one JPEG marker segment before the image data.
type segment struct {
	marker  byte
	payload []byte // without the length field
}

// EmbedJPEG copies the JPEG from r to w with m as one XMP APP1 and one
// Photoshop APP13 (IPTC-IIM) segment. Existing XMP and Photoshop segments
// are dropped; EXIF, ICC and the image data are copied byte for byte. The
// new segments go after the leading JFIF and EXIF segments, where readers
// that expect EXIF right after SOI still find it.
//
// With m.StripLocation, every EXIF segment has its GPS IFD blanked in
// place (see stripEXIFGPS); an EXIF segment too malformed for that is
// dropped whole, since the position must not travel. Extended XMP goes
// in any case, as our packet replaces the main one it extends.
func EmbedJPEG(w io.Writer, r io.Reader, m Metadata) error {
	ours, err := metadataSegments(m)
	if err != nil {
		return err
	}
	br, bw := bufio.NewReader(r), bufio.NewWriter(w)
	if err := copyHeader(bw, br, ours, m.StripLocation); err != nil {
		return err
	}
	if _, err := io.Copy(bw, br); err != nil {
		return fmt.Errorf("xmp: copying JPEG image data: %w", err)
	}
	return bw.Flush()
}

func metadataSegments(m Metadata) ([]segment, error) {
	packet, err := Packet(m)
	if err != nil {
		return nil, err
	}
	irb := photoshopIRB(IIM(m))
	if len(irb)+2 > 0xffff {
		return nil, fmt.Errorf("%w: the IPTC-IIM block has %d bytes, one JPEG segment holds %d", ErrTooLarge, len(irb), 0xffff-2)
	}
	return []segment{
		{markAPP1, append([]byte(xmpHeader), packet...)},
		{markAPP13, irb},
	}, nil
}

// photoshopIRB wraps IIM in an APP13 payload: one 8BIM resource 0x0404
// with an empty name, padded to even length.
func photoshopIRB(iim []byte) []byte {
	b := bytes.NewBufferString(psHeader)
	b.WriteString("8BIM\x04\x04\x00\x00")
	binary.Write(b, binary.BigEndian, uint32(len(iim)))
	b.Write(iim)
	if len(iim)%2 == 1 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// copyHeader copies SOI and the segments up to and including SOS,
// dropping old metadata and inserting ours, and blanking EXIF GPS when
// stripLocation is set.
func copyHeader(w *bufio.Writer, r *bufio.Reader, ours []segment, stripLocation bool) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xff, markSOI} {
		return fmt.Errorf("%w: it does not start with the SOI marker FFD8", ErrNotJPEG)
	}
	w.Write(soi[:])
	for {
		s, err := readSegment(r)
		if err != nil {
			return err
		}
		if s.oldMetadata() {
			continue
		}
		if stripLocation && s.isEXIF() && stripEXIFGPS(s.payload[len(exifHeader):]) != nil {
			continue // privacy wins over keeping a malformed EXIF block
		}
		if ours != nil && !s.leading() {
			for _, o := range ours {
				writeSegment(w, o)
			}
			ours = nil
		}
		writeSegment(w, s)
		if s.marker == markSOS {
			return nil
		}
	}
}

func (s segment) oldMetadata() bool {
	switch s.marker {
	case markAPP1:
		return bytes.HasPrefix(s.payload, []byte(xmpHeader)) || bytes.HasPrefix(s.payload, []byte(xmpExt))
	case markAPP13:
		return bytes.HasPrefix(s.payload, []byte(psHeader))
	}
	return false
}

func (s segment) leading() bool {
	return s.marker == markAPP0 || s.isEXIF()
}

func (s segment) isEXIF() bool {
	return s.marker == markAPP1 && bytes.HasPrefix(s.payload, []byte(exifHeader))
}

// readSegment reads the next marker and its payload. Markers without a
// payload (TEM, RSTn) come back with none.
func readSegment(r *bufio.Reader) (segment, error) {
	b, err := r.ReadByte()
	if err == nil && b != 0xff {
		return segment{}, fmt.Errorf("%w: byte %#02x where a marker should start", ErrNotJPEG, b)
	}
	for err == nil && b == 0xff { // fill bytes
		b, err = r.ReadByte()
	}
	if err != nil {
		return segment{}, truncated(err)
	}
	s := segment{marker: b}
	switch {
	case b == markEOI:
		return s, fmt.Errorf("%w: it ends before any image data", ErrNotJPEG)
	case b == 0x01 || 0xd0 <= b && b <= 0xd7:
		return s, nil
	}
	var n uint16
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return s, truncated(err)
	}
	if n < 2 {
		return s, fmt.Errorf("%w: segment %#02x has length %d", ErrNotJPEG, b, n)
	}
	s.payload = make([]byte, n-2)
	if _, err := io.ReadFull(r, s.payload); err != nil {
		return s, truncated(err)
	}
	return s, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: header cut short: %w", ErrNotJPEG, err)
}

// writeSegment writes s, or only its marker when it has no payload (not
// even an empty one); errors surface when the caller flushes.
func writeSegment(w *bufio.Writer, s segment) {
	w.Write([]byte{0xff, s.marker})
	if s.payload == nil {
		return
	}
	binary.Write(w, binary.BigEndian, uint16(len(s.payload)+2))
	w.Write(s.payload)
}
