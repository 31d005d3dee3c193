package probe

import (
	"bytes"
	"errors"
	"fmt"
)

const (
	maxMetaSize   = 8 << 20 // a larger meta box is refused rather than read
	maxHEIFExif   = 4 << 20
	maxLocExtents = 64 // extents remembered per item (all are checked)
)

// heifState reads the meta box of a HEIF or AVIF file.
type heifState struct {
	s       src
	name    string
	lim     Limits
	info    Info
	meta    src            // meta payload after version and flags, in memory
	boxes   map[string]box // first child of each type in meta
	primary uint64
	ptype   string // item type of the primary item
	exifID  uint64
	hasExif bool
	xmpID   uint64 // first item of type mime holding application/rdf+xml
	hasXMP  bool
	tiles   []uint64 // items a derived primary (grid) is made of
	isTile  map[uint64]bool
	types   map[uint64]string   // item types of the primary and its tiles
	locs    map[uint64]*itemLoc // primary, tiles and Exif item only
	nalLen  int                 // NAL length size from the HEVC configuration
	budget  int                 // coded units left to check (see maxCodedUnits)
}

type itemLoc struct {
	method  int
	extents []extent
}

type extent struct{ off, length uint64 }

// probeHEIF parses the boxes of a HEIF/AVIF still image: the primary item,
// its size and transforms, the data extents of every item (which must lie
// within the file) and the Exif item.
func probeHEIF(s src, f Format, lim Limits) (Info, error) {
	h := &heifState{s: s, name: f.Name, lim: lim, locs: map[uint64]*itemLoc{}, types: map[uint64]string{},
		isTile: map[uint64]bool{}, nalLen: 4, budget: maxCodedUnits}
	err := h.run()
	if errors.Is(err, errTruncated) {
		return Info{}, errf(ErrCorrupt, "%s is truncated: %v", upper(h.name), err)
	}
	if err != nil {
		return Info{}, readErr(upper(h.name), "its boxes", err)
	}
	return h.info, nil
}

func upper(name string) string {
	return map[string]string{"heic": "HEIC", "heif": "HEIF", "avif": "AVIF"}[name]
}

func (h *heifState) corrupt(format string, args ...any) error {
	return errf(ErrCorrupt, "%s %s", upper(h.name), fmt.Sprintf(format, args...))
}

func (h *heifState) run() error {
	meta, err := h.topLevel()
	if err != nil {
		return err
	}
	if err := h.readMeta(meta); err != nil {
		return err
	}
	steps := []func() error{h.handler, h.primaryItem, h.references, h.itemInfo, h.itemLocations,
		h.properties, h.codedData, h.exif, h.xmp}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// topLevel walks the top-level boxes (which catches a file cut inside its
// media data) and returns the meta box.
func (h *heifState) topLevel() (box, error) {
	var meta box
	var seenMeta, seenMoov bool
	first := true
	for off := int64(0); off < h.s.size; {
		if h.s.size-off < 8 {
			h.info.Warnings = append(h.info.Warnings, fmt.Sprintf("%s has %d stray bytes at its end", upper(h.name), h.s.size-off))
			break
		}
		b, err := boxAt(h.s, off, h.s.size)
		if err != nil {
			if errors.Is(err, errTruncated) {
				return meta, err
			}
			return meta, h.corrupt("%v", err)
		}
		if first && b.typ != "ftyp" {
			return meta, h.corrupt("does not start with a file type box")
		}
		first = false
		switch {
		case b.typ == "meta" && !seenMeta:
			meta, seenMeta = b, true
		case b.typ == "moov":
			seenMoov = true
		}
		off = b.end()
	}
	switch {
	case !seenMeta && seenMoov:
		return meta, errf(ErrUnsupported, "%s image sequence without a still image", upper(h.name))
	case !seenMeta:
		return meta, h.corrupt("has no meta box")
	case meta.size-meta.hdr > maxMetaSize:
		return meta, h.corrupt("meta box is %d bytes, more than we read", meta.size)
	}
	return meta, nil
}

// readMeta loads the meta payload and indexes its children.
func (h *heifState) readMeta(meta box) error {
	b, err := h.s.bytesAt(meta.data(), int(meta.size-meta.hdr))
	if err != nil {
		return err
	}
	if len(b) < 4 {
		return h.corrupt("meta box is empty")
	}
	h.meta = src{bytes.NewReader(b[4:]), int64(len(b) - 4)}
	h.boxes = map[string]box{}
	err = children(h.meta, 0, h.meta.size, func(c box) error {
		if _, dup := h.boxes[c.typ]; !dup {
			h.boxes[c.typ] = c
		}
		return nil
	})
	if err != nil {
		return h.corrupt("meta box: %v", err)
	}
	return nil
}

// payload returns the contents of a child of meta; full boxes keep their
// version and flags at the front.
func (h *heifState) payload(b box) []byte {
	p, err := h.meta.bytesAt(b.data(), int(b.size-b.hdr))
	if err != nil {
		return nil
	}
	return p
}

func (h *heifState) handler() error {
	b, ok := h.boxes["hdlr"]
	if !ok {
		return h.corrupt("meta box has no handler")
	}
	c := newCursor(h.payload(b))
	c.take(8)
	if typ := string(c.take(4)); !c.ok || typ != "pict" {
		return h.corrupt("meta handler is %q, not an image handler", printable([]byte(typ)))
	}
	return nil
}

func (h *heifState) primaryItem() error {
	b, ok := h.boxes["pitm"]
	if !ok {
		return h.corrupt("has no primary item")
	}
	c := newCursor(h.payload(b))
	v := c.u8()
	c.take(3)
	h.primary = c.id(v > 0)
	if !c.ok {
		return h.corrupt("primary item box is malformed")
	}
	return nil
}

// itemInfo finds the primary item's type and the first Exif and XMP items.
func (h *heifState) itemInfo() error {
	b, ok := h.boxes["iinf"]
	if !ok {
		return h.corrupt("has no item information box")
	}
	c := newCursor(h.payload(b))
	v := c.u8()
	c.take(3)
	c.id(v > 0) // entry count; the children are counted as they come
	if !c.ok {
		return h.corrupt("item information box is malformed")
	}
	start := b.data() + 4 + map[bool]int64{false: 2, true: 4}[v > 0]
	err := children(h.meta, start, b.end(), func(e box) error {
		if e.typ != "infe" {
			return nil
		}
		c := newCursor(h.payload(e))
		v := c.u8()
		c.take(3)
		if v < 2 {
			return nil
		}
		id := c.id(v > 2)
		c.u16() // protection index
		typ := string(c.take(4))
		if !c.ok {
			return h.corrupt("item information entry is malformed")
		}
		if id == h.primary {
			h.ptype = typ
		}
		if id == h.primary || h.isTile[id] {
			h.types[id] = typ
		}
		if typ == "Exif" && !h.hasExif {
			h.exifID, h.hasExif = id, true
		}
		if typ == "mime" && !h.hasXMP && isXMPItem(c) {
			h.xmpID, h.hasXMP = id, true
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch h.ptype {
	case "":
		return h.corrupt("primary item %d has no item information", h.primary)
	case "hvc1", "av01", "grid", "iden", "iovl", "jpeg", "avc1":
		return nil
	}
	return errf(ErrUnsupported, "%s whose primary image is coded as %q", upper(h.name), printable([]byte(h.ptype)))
}

// itemLocations parses iloc, checking that every extent of every item lies
// within the file (or within idat), and keeps the primary and Exif items'.
func (h *heifState) itemLocations() error {
	b, ok := h.boxes["iloc"]
	if !ok {
		return h.corrupt("has no item location box")
	}
	c := newCursor(h.payload(b))
	v := int(c.u8())
	c.take(3)
	sizes := c.u16()
	offSize, lenSize, baseSize, idxSize := int(sizes>>12), int(sizes>>8&15), int(sizes>>4&15), int(sizes&15)
	if v == 0 {
		idxSize = 0
	}
	count := c.id(v >= 2)
	if v > 2 || !c.ok || !validFieldSize(offSize) || !validFieldSize(lenSize) || !validFieldSize(baseSize) || !validFieldSize(idxSize) {
		return h.corrupt("item location box is malformed")
	}
	extents := 0
	for i := uint64(0); i < count && c.ok; i++ {
		id := c.id(v >= 2)
		method := 0
		if v >= 1 {
			method = int(c.u16() & 15)
		}
		ref := c.u16()
		base := c.uint(baseSize)
		n := int(c.u16())
		loc := &itemLoc{method: method}
		if extents += n; extents > maxCodedUnits {
			return h.corrupt("item location box lists more than %d extents", maxCodedUnits)
		}
		for e := 0; e < n && c.ok; e++ {
			c.uint(idxSize)
			x := extent{base + c.uint(offSize), c.uint(lenSize)}
			if c.ok {
				if err := h.checkExtent(id, method, ref, x); err != nil {
					return err
				}
			}
			if len(loc.extents) < maxLocExtents {
				loc.extents = append(loc.extents, x)
			}
		}
		if id == h.primary || (h.hasExif && id == h.exifID) || (h.hasXMP && id == h.xmpID) || h.isTile[id] {
			h.locs[id] = loc
		}
	}
	if !c.ok {
		return h.corrupt("item location box is malformed")
	}
	if _, ok := h.locs[h.primary]; !ok && h.ptype != "iden" && h.ptype != "iovl" {
		return h.corrupt("primary item %d has no data location", h.primary)
	}
	return nil
}

func validFieldSize(n int) bool { return n == 0 || n == 4 || n == 8 }

func (h *heifState) checkExtent(id uint64, method int, ref uint64, x extent) error {
	limit, where := uint64(h.s.size), "the file"
	switch method {
	case 0:
		if ref != 0 {
			return errf(ErrUnsupported, "%s with data in another file", upper(h.name))
		}
	case 1:
		idat, ok := h.boxes["idat"]
		if !ok {
			return h.corrupt("item %d refers to an idat box that does not exist", id)
		}
		limit, where = uint64(idat.size-idat.hdr), "its idat box"
	default:
		return nil // offsets into other items: checked through those items
	}
	// A length of 0 means "to the end", so only the offset is checked.
	if x.off > limit || x.length > limit-x.off {
		return truncated("item %d data (offset %d, %d bytes) lies beyond the end of %s (%d bytes)",
			id, x.off, x.length, where, limit)
	}
	return nil
}

// readItem returns up to max bytes of an item's data.
func (h *heifState) readItem(loc *itemLoc, max int) ([]byte, error) {
	var out []byte
	for _, x := range loc.extents {
		n := int(min(x.length, uint64(max-len(out))))
		var b []byte
		var err error
		switch loc.method {
		case 0:
			if x.length == 0 {
				n = int(min(uint64(h.s.size)-x.off, uint64(max-len(out))))
			}
			b, err = h.s.bytesAt(int64(x.off), n)
		case 1:
			b, err = h.meta.bytesAt(h.boxes["idat"].data()+int64(x.off), n)
		default:
			return nil, fmt.Errorf("item data built from other items is not supported")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
		if len(out) >= max {
			break
		}
	}
	return out, nil
}
