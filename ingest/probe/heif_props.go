package probe

import (
	"fmt"
	"slices"
)

// properties reads the primary item's ispe (size), irot and imir.
func (h *heifState) properties() error {
	iprp, ok := h.boxes["iprp"]
	if !ok {
		return h.corrupt("has no item properties box")
	}
	var ipco box
	var want, tileWant []int
	err := children(h.meta, iprp.data(), iprp.end(), func(b box) error {
		switch b.typ {
		case "ipco":
			if ipco.typ == "" {
				ipco = b
			}
		case "ipma":
			idx, err := h.associations(b, h.primary)
			want = append(want, idx...)
			if len(h.tiles) > 0 && err == nil {
				idx, err = h.associations(b, h.tiles[0])
				tileWant = append(tileWant, idx...)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return h.corrupt("item properties: %v", err)
	}
	if ipco.typ == "" {
		return h.corrupt("has no item property container")
	}
	var w, ht uint64
	angle, mirror, transformed := 0, -1, false
	i := 0
	err = children(h.meta, ipco.data(), ipco.end(), func(b box) error {
		i++
		if b.typ == "hvcC" && slices.Contains(tileWant, i) {
			if n, ok := hevcLengthSize(h.payload(b)); ok {
				h.nalLen = n
			}
		}
		if !slices.Contains(want, i) {
			return nil
		}
		c := newCursor(h.payload(b))
		switch b.typ {
		case "ispe":
			c.u32()
			w, ht = c.u32(), c.u32()
		case "irot":
			angle, transformed = int(c.u8()&3), true
		case "imir":
			mirror, transformed = int(c.u8()&1), true
		case "hvcC":
			if n, ok := hevcLengthSize(h.payload(b)); ok {
				h.nalLen = n
			}
		}
		if !c.ok {
			return fmt.Errorf("property %q is malformed", b.typ)
		}
		return nil
	})
	if err != nil {
		return h.corrupt("item properties: %v", err)
	}
	if w == 0 && h.ptype == "grid" {
		w, ht = h.gridSize()
	}
	if w == 0 || ht == 0 {
		return h.corrupt("primary image has no size (ispe)")
	}
	if err := h.lim.checkPixels(upper(h.name), int64(w), int64(ht)); err != nil {
		return err
	}
	h.info.Width, h.info.Height = int(w), int(ht)
	if transformed {
		h.info.Orientation = heifOrientation(angle, mirror)
	}
	return nil
}

// associations returns the property indices associated with an item.
func (h *heifState) associations(b box, item uint64) ([]int, error) {
	c := newCursor(h.payload(b))
	v := c.u8()
	flags := c.take(3)
	wide := flags[2]&1 != 0
	count := c.u32()
	var out []int
	for i := uint64(0); i < count && c.ok; i++ {
		id := c.id(v >= 1)
		n := int(c.u8())
		for j := 0; j < n && c.ok; j++ {
			var idx int
			if wide {
				idx = int(c.u16() & 0x7fff)
			} else {
				idx = int(c.u8() & 0x7f)
			}
			if id == item && idx > 0 {
				out = append(out, idx)
			}
		}
	}
	if !c.ok {
		return nil, fmt.Errorf("property associations are malformed")
	}
	return out, nil
}

// gridSize reads the output size from a grid item's descriptor.
func (h *heifState) gridSize() (w, ht uint64) {
	loc := h.locs[h.primary]
	if loc == nil {
		return 0, 0
	}
	b, err := h.readItem(loc, 12)
	if err != nil {
		return 0, 0
	}
	c := newCursor(b)
	c.u8()
	flags := c.u8()
	c.u16()
	if flags&1 != 0 {
		w, ht = c.u32(), c.u32()
	} else {
		w, ht = c.u16(), c.u16()
	}
	if !c.ok {
		return 0, 0
	}
	return w, ht
}

// heifOrientation converts irot (anti-clockwise quarter turns) followed by
// imir (axis 0: top and bottom exchanged, 1: left and right) into the EXIF
// orientation that describes the same display transform.
func heifOrientation(angle, mirror int) int {
	cw := (4 - angle) % 4
	flip := mirror >= 0
	if mirror == 0 {
		cw = (cw + 2) % 4
	}
	if flip {
		return [4]int{2, 5, 4, 7}[cw]
	}
	return [4]int{1, 6, 3, 8}[cw]
}

// exif reads the Exif item: a 4-byte offset to the TIFF header, then EXIF.
// HEIF orientation comes from irot/imir, which decoders apply; an EXIF
// orientation that disagrees is reported and ignored.
func (h *heifState) exif() error {
	transform := h.info.Orientation
	defer func() { h.info.Orientation = transform }()
	loc := h.locs[h.exifID]
	if !h.hasExif || loc == nil {
		return nil
	}
	b, err := h.readItem(loc, maxHEIFExif)
	if err != nil {
		h.info.Warnings = append(h.info.Warnings, "EXIF block unreadable: "+err.Error())
		return nil
	}
	c := newCursor(b)
	skip := c.u32()
	if !c.ok || skip > uint64(len(c.b)) {
		h.info.Warnings = append(h.info.Warnings, "EXIF block unreadable: bad TIFF header offset")
		return nil
	}
	x, warn := readExifBytes(c.b[skip:])
	x.apply(&h.info)
	h.info.Warnings = append(h.info.Warnings, warn...)
	if x.orientation > 1 && x.orientation != max(transform, 1) {
		h.info.Warnings = append(h.info.Warnings, fmt.Sprintf(
			"EXIF orientation %d ignored: the image's own rotation and mirroring (irot/imir) decide how it is shown", x.orientation))
	}
	return nil
}
