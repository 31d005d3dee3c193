package probe

import "bytes"

// isXMPItem reads the rest of a mime item's information entry (name,
// content type, content encoding) and reports whether it holds plain XMP.
func isXMPItem(c *cursor) bool {
	if !c.ok {
		return false
	}
	fields := bytes.SplitN(c.b, []byte{0}, 4)
	return len(fields) >= 3 && string(fields[1]) == "application/rdf+xml" &&
		(len(fields) == 3 || len(fields[2]) == 0)
}

// xmp reads the XMP item and layers it over the EXIF text.
func (h *heifState) xmp() error {
	loc := h.locs[h.xmpID]
	if !h.hasXMP || loc == nil {
		return nil
	}
	b, err := h.readItem(loc, maxXMPPacket+1)
	if err != nil {
		h.info.Warnings = append(h.info.Warnings, "XMP packet unreadable: "+err.Error())
		return nil
	}
	var l metaLayers
	l.addXMP(b)
	h.info.Meta = l.xmp.over(h.info.Meta)
	h.info.Warnings = append(h.info.Warnings, l.warn...)
	return nil
}
