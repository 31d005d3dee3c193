package xmp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNotMP4 means AppendMP4 was given something it cannot append to safely.
var ErrNotMP4 = errors.New("xmp: not an MP4 file")

// xmpUUID marks a top-level 'uuid' box as XMP (XMP specification part 3).
var xmpUUID = []byte{0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac}

// MP4Box returns m's XMP packet as a top-level MP4 'uuid' box. It carries
// the same packet as a JPEG, so the same size limit applies.
func MP4Box(m Metadata) ([]byte, error) {
	packet, err := Packet(m)
	if err != nil {
		return nil, err
	}
	box := binary.BigEndian.AppendUint32(nil, uint32(8+len(xmpUUID)+len(packet)))
	box = append(box, "uuid"...)
	box = append(box, xmpUUID...)
	return append(box, packet...), nil
}

// AppendMP4 copies the MP4 from r to w and appends MP4Box(m) after the
// last box. Nothing before it moves, so sample offsets and a faststart
// layout stay valid. An XMP box already in the file becomes a zero-filled
// 'free' box of the same size, so readers see only the new metadata and
// the old (perhaps more precise) location does not travel along.
//
// With m.StripLocation, the 'moov' box (and only it: mdat still streams)
// is read into memory, up to 64 MiB, and its location boxes are blanked
// the same way (see stripMoovLocation); a moov too large or too malformed
// to walk is an error, not a file with its position left in.
func AppendMP4(w io.Writer, r io.Reader, m Metadata) error {
	box, err := MP4Box(m)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := copyBoxes(bw, bufio.NewReader(r), m.StripLocation); err != nil {
		return err
	}
	bw.Write(box)
	return bw.Flush()
}

// copyBoxes copies top-level boxes one by one until the end of r,
// stripping the location from moov when stripLocation is set.
func copyBoxes(w io.Writer, r *bufio.Reader, stripLocation bool) error {
	for i := 0; ; i++ {
		h, err := readBoxHeader(r, i == 0)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if stripLocation && h.typ == "moov" {
			err = copyMoovStripped(w, r, h)
		} else {
			err = copyBox(w, r, h)
		}
		if err != nil {
			return err
		}
	}
}

// boxHeader is a top-level box header; size counts the whole box.
type boxHeader struct {
	raw  []byte // the header as read, extended size and uuid included
	typ  string
	size uint64
}

func readBoxHeader(r *bufio.Reader, first bool) (boxHeader, error) {
	raw := make([]byte, 8)
	if n, err := io.ReadFull(r, raw); err != nil {
		if n == 0 && err == io.EOF && !first {
			return boxHeader{}, err
		}
		return boxHeader{}, fmt.Errorf("%w: it is empty or ends inside a box header", ErrNotMP4)
	}
	h := boxHeader{raw: raw, typ: string(raw[4:8]), size: uint64(binary.BigEndian.Uint32(raw))}
	if err := h.check(first); err != nil {
		return h, err
	}
	if h.size == 1 {
		if err := h.readMore(r, 8); err != nil {
			return h, err
		}
		h.size = binary.BigEndian.Uint64(h.raw[8:])
	}
	if h.typ == "uuid" {
		return h, h.readMore(r, len(xmpUUID))
	}
	return h, nil
}

func (h *boxHeader) readMore(r io.Reader, n int) error {
	more := make([]byte, n)
	if _, err := io.ReadFull(r, more); err != nil {
		return fmt.Errorf("%w: it ends inside the header of box %q", ErrNotMP4, h.typ)
	}
	h.raw = append(h.raw, more...)
	return nil
}

func (h boxHeader) check(first bool) error {
	for _, c := range []byte(h.typ) {
		if c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: box type %q is not text", ErrNotMP4, h.typ)
		}
	}
	if first && h.typ != "ftyp" {
		return fmt.Errorf("%w: it starts with box %q instead of ftyp", ErrNotMP4, h.typ)
	}
	if h.size == 0 {
		return fmt.Errorf("%w: box %q runs to the end of the file, so nothing can follow it", ErrNotMP4, h.typ)
	}
	if h.size < 8 && h.size != 1 {
		return fmt.Errorf("%w: box %q has size %d", ErrNotMP4, h.typ, h.size)
	}
	return nil
}

// copyBox copies the box whose header was just read, blanking old XMP.
func copyBox(w io.Writer, r io.Reader, h boxHeader) error {
	rest := int64(h.size) - int64(len(h.raw))
	if rest < 0 {
		return fmt.Errorf("%w: box %q is smaller than its header", ErrNotMP4, h.typ)
	}
	body := io.Reader(io.LimitReader(r, rest))
	if h.typ == "uuid" && string(h.raw[len(h.raw)-16:]) == string(xmpUUID) {
		copy(h.raw[4:8], "free")
		clear(h.raw[len(h.raw)-16:])
		if _, err := io.CopyN(io.Discard, r, rest); err != nil {
			return fmt.Errorf("%w: box %q is cut short", ErrNotMP4, h.typ)
		}
		body = io.LimitReader(zeros{}, rest)
	}
	w.Write(h.raw)
	n, err := io.Copy(w, body)
	if err != nil {
		return fmt.Errorf("xmp: copying MP4 box %q: %w", h.typ, err)
	}
	if n != rest {
		return fmt.Errorf("%w: box %q is cut short (%d of %d bytes)", ErrNotMP4, h.typ, n, rest)
	}
	return nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
