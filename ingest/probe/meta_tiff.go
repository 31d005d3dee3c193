package probe

import "fmt"

// TIFF tags holding metadata blocks.
const (
	tagXMP       = 700   // XMP packet
	tagIPTCNAA   = 33723 // IPTC-IIM
	tagPhotoshop = 34377 // Photoshop image resources, which may hold IPTC-IIM
)

// tiffMeta reads the XMP and IPTC-IIM of a TIFF's first image.
func tiffMeta(s src, l *metaLayers) {
	t, off, err := openTIFF(s.r, s.size)
	if err != nil {
		return
	}
	ifd0, _, err := t.readIFD(off)
	if err != nil {
		return
	}
	if b := t.block(ifd0, tagXMP, l); b != nil {
		l.addXMP(b)
	}
	if b := t.block(ifd0, tagIPTCNAA, l); b != nil {
		l.addIIM(b)
	} else if b := t.block(ifd0, tagPhotoshop, l); b != nil {
		l.addIRB(b)
	}
}

// block returns the bytes of a tag that holds a metadata block, whatever
// type the writer gave it (IPTC is often written as LONG).
func (t *tiffFile) block(ifd []ifdEntry, tag uint16, l *metaLayers) []byte {
	e, ok := findTag(ifd, tag)
	if !ok {
		return nil
	}
	_, n, _, err := t.span(e)
	if err == nil && n > maxXMPPacket {
		err = fmt.Errorf("%d bytes is more than the %d we read", n, maxXMPPacket)
	}
	var b []byte
	if err == nil {
		b, err = t.valueBytes(e, int(n))
	}
	if err != nil {
		l.warn = append(l.warn, fmt.Sprintf("TIFF metadata tag %d unreadable: %v", tag, err))
		return nil
	}
	return b
}
