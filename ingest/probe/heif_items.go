package probe

import (
	"fmt"
	"io"
	"slices"
)

const maxGridTiles = 4096

// references finds the images a derived primary item (a grid) is built from.
func (h *heifState) references() error {
	b, ok := h.boxes["iref"]
	if !ok {
		return nil
	}
	c := newCursor(h.payload(b))
	wide := c.u8() > 0
	c.take(3)
	if !c.ok {
		return h.corrupt("item reference box is malformed")
	}
	return children(h.meta, b.data()+4, b.end(), func(r box) error {
		if r.typ != "dimg" {
			return nil
		}
		c := newCursor(h.payload(r))
		if c.id(wide) != h.primary {
			return nil
		}
		n := int(c.u16())
		for i := 0; i < n && c.ok; i++ {
			id := c.id(wide)
			h.tiles = append(h.tiles, id)
			h.isTile[id] = true
		}
		switch {
		case !c.ok:
			return h.corrupt("item reference box is malformed")
		case len(h.tiles) > maxGridTiles:
			return errf(ErrUnsupported, "%s grid of more than %d tiles", upper(h.name), maxGridTiles)
		}
		return nil
	})
}

// codedData checks the structure of the primary item's coded data (or, for
// a grid, of every tile's): length-prefixed NAL units for HEVC, OBUs for AV1.
func (h *heifState) codedData() error {
	items := []uint64{h.primary}
	switch h.ptype {
	case "grid", "iden", "iovl":
		if len(h.tiles) == 0 {
			return h.corrupt("derived primary image (%s) names no source images", h.ptype)
		}
		items = h.tiles
	}
	for _, id := range items {
		typ, loc := h.types[id], h.locs[id]
		if typ == "" || loc == nil {
			return h.corrupt("image item %d has no description or no data", id)
		}
		if err := h.checkItem(id, typ, loc); err != nil {
			return err
		}
	}
	return nil
}

func (h *heifState) checkItem(id uint64, typ string, loc *itemLoc) error {
	d, err := h.itemData(loc)
	if err != nil {
		return err
	}
	switch typ {
	case "hvc1":
		err = d.walkNALs(h.nalLen, &h.budget)
	case "av01":
		err = d.walkOBUs(&h.budget)
	default:
		if d.size == 0 {
			err = fmt.Errorf("no data")
		}
	}
	if err != nil {
		return h.corrupt("image item %d (%s) data is malformed: %v", id, typ, err)
	}
	return nil
}

// itemData is an item's data: its extents read as one run of bytes.
type itemData struct {
	parts []*io.SectionReader
	size  int64
}

func (h *heifState) itemData(loc *itemLoc) (*itemData, error) {
	if len(loc.extents) == maxLocExtents {
		return nil, errf(ErrUnsupported, "%s image item in more than %d pieces", upper(h.name), maxLocExtents)
	}
	d := &itemData{}
	for _, x := range loc.extents {
		n := int64(x.length)
		switch loc.method {
		case 0:
			if n == 0 {
				n = h.s.size - int64(x.off)
			}
			d.parts = append(d.parts, io.NewSectionReader(h.s.r, int64(x.off), n))
		case 1:
			d.parts = append(d.parts, io.NewSectionReader(h.meta.r, h.boxes["idat"].data()+int64(x.off), n))
		default:
			return nil, errf(ErrUnsupported, "%s image built from parts of other items", upper(h.name))
		}
		d.size += n
	}
	return d, nil
}

// at reads up to len(p) bytes at logical offset off.
func (d *itemData) at(p []byte, off int64) (int, error) {
	n := 0
	for _, part := range d.parts {
		if off >= part.Size() {
			off -= part.Size()
			continue
		}
		m, err := part.ReadAt(p[n:min(len(p), n+int(part.Size()-off))], off)
		n += m
		if err != nil && err != io.EOF {
			return n, err
		}
		off = 0
		if n == len(p) {
			break
		}
	}
	return n, nil
}

// The coded units of all items together may number at most this many; it
// bounds the work a file made of tiny units can cause.
const maxCodedUnits = 1 << 20

// walkNALs follows HEVC NAL units, each prefixed by its length in lenSize
// bytes, reading only the prefixes and headers. They must fill the data
// exactly and include a picture (VCL) unit.
func (d *itemData) walkNALs(lenSize int, budget *int) error {
	vcl := false
	for pos := int64(0); pos < d.size; {
		if *budget--; *budget < 0 {
			return fmt.Errorf("more than %d coded units", maxCodedUnits)
		}
		var b [5]byte
		hdr := b[4-lenSize:]
		if n, err := d.at(hdr, pos); err != nil || n < len(hdr) {
			return fmt.Errorf("ends inside a NAL unit header (%d bytes left)", d.size-pos)
		}
		n := int64(b[0])<<24 | int64(b[1])<<16 | int64(b[2])<<8 | int64(b[3])
		pos += int64(lenSize)
		if n < 2 || n > d.size-pos {
			return fmt.Errorf("NAL unit of %d bytes where %d remain", n, d.size-pos)
		}
		if b[4]&0x80 != 0 {
			return fmt.Errorf("NAL unit header has its forbidden bit set")
		}
		vcl = vcl || b[4]>>1&0x3f < 32
		pos += n
	}
	if !vcl {
		return fmt.Errorf("no picture data")
	}
	return nil
}

// walkOBUs follows AV1 open bitstream units, reading only their headers;
// they must fill the data exactly and include a frame.
func (d *itemData) walkOBUs(budget *int) error {
	frame := false
	for pos := int64(0); pos < d.size; {
		if *budget--; *budget < 0 {
			return fmt.Errorf("more than %d coded units", maxCodedUnits)
		}
		var b [10]byte
		got, err := d.at(b[:min(int64(len(b)), d.size-pos)], pos)
		if err != nil || got == 0 {
			return fmt.Errorf("ends inside an OBU header")
		}
		h, used := b[0], 1
		if h&0x80 != 0 {
			return fmt.Errorf("OBU header has its forbidden bit set")
		}
		if h&4 != 0 { // extension header
			used++
		}
		size := d.size - pos - int64(used)
		if h&2 != 0 {
			v, n, ok := leb128(b[min(used, got):got])
			if !ok {
				return fmt.Errorf("OBU size field is malformed")
			}
			used += n
			size = int64(min(v, 1<<62))
		}
		if used > got || size < 0 || size > d.size-pos-int64(used) {
			return fmt.Errorf("OBU of %d bytes where %d remain", size, d.size-pos-int64(used))
		}
		frame = frame || slices.Contains([]byte{3, 4, 6}, h>>3&15)
		pos += int64(used) + size
	}
	if !frame {
		return fmt.Errorf("no frame")
	}
	return nil
}

func leb128(b []byte) (uint64, int, bool) {
	var v uint64
	for i := 0; i < len(b) && i < 8; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1, true
		}
	}
	return 0, 0, false
}

// hevcLengthSize reads lengthSizeMinusOne from an hvcC property.
func hevcLengthSize(p []byte) (int, bool) {
	if len(p) < 23 || p[0] != 1 {
		return 0, false
	}
	n := int(p[21]&3) + 1
	return n, n != 3
}
