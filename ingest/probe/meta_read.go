package probe

import (
	"encoding/binary"
	"fmt"
)

// metaLayers holds what each kind of metadata block said, before they are
// layered: XMP over IPTC-IIM over PNG text (EXIF, read while probing, is
// already in Info.Meta).
type metaLayers struct {
	xmp, iim, text Descriptive
	comment        []Text // PNG Comment, a description of last resort
	xmpSeen        bool   // only the first XMP packet counts
	textBytes      int64  // PNG text read so far
	warn           []string
}

// maxPNGText bounds the PNG text chunks read from one file.
const maxPNGText = 16 << 20

// readMeta reads the descriptive metadata of an image probing accepted
// and layers it over the EXIF text already in info.Meta. Problems become
// warnings; HEIF reads its XMP while probing.
func readMeta(s src, f Format, info *Info) {
	read := metaReaders[f.Name]
	if read == nil {
		return
	}
	var l metaLayers
	read(s, &l)
	if len(l.text.Description) == 0 {
		l.text.Description = l.comment
	}
	info.Meta = l.xmp.over(l.iim).over(l.text).over(info.Meta)
	info.Warnings = append(info.Warnings, l.warn...)
}

var metaReaders = map[string]func(src, *metaLayers){
	"jpeg": jpegMeta,
	"png":  pngMeta,
	"webp": webpMeta,
	"tiff": tiffMeta,
}

// addXMP reads the main XMP packet and returns the Extended XMP GUID it
// names. A file should have one; later ones are ignored.
func (l *metaLayers) addXMP(b []byte) string {
	if l.xmpSeen {
		return ""
	}
	l.xmpSeen = true
	x, err := readXMP(b)
	if err != nil {
		l.warn = append(l.warn, err.Error())
		return ""
	}
	l.xmp = x.meta
	l.warn = append(l.warn, x.warn...)
	return x.extGUID
}

// addIIM reads the IPTC-IIM of each block; the first block that has a
// field gives it.
func (l *metaLayers) addIIM(blocks ...[]byte) {
	for _, b := range blocks {
		d, warn := readIIM(b)
		l.iim = l.iim.over(d)
		l.warn = append(l.warn, warn...)
	}
}

// addIRB reads the IPTC-IIM held in Photoshop image resources.
func (l *metaLayers) addIRB(b []byte) {
	blocks, err := irbIPTCData(b)
	if err != nil {
		l.warn = append(l.warn, "IPTC-IIM block unreadable: "+err.Error())
	}
	l.addIIM(blocks...)
}

func pngMeta(s src, l *metaLayers) {
	for off := int64(8); off+12 <= s.size; {
		h, err := s.bytesAt(off, 8)
		if err != nil {
			return
		}
		size, typ := int64(binary.BigEndian.Uint32(h)), string(h[4:])
		if typ == "IEND" {
			return
		}
		if typ == "tEXt" || typ == "zTXt" || typ == "iTXt" {
			l.pngChunk(s, typ, off+8, size)
		}
		off += 12 + size
	}
}

func (l *metaLayers) pngChunk(s src, typ string, off, size int64) {
	l.textBytes += size
	switch {
	case size > maxXMPPacket:
		l.warn = append(l.warn, fmt.Sprintf("PNG %s chunk of %d bytes ignored: larger than %d bytes", typ, size, maxXMPPacket))
		return
	case l.textBytes > maxPNGText:
		if l.textBytes-size <= maxPNGText {
			l.warn = append(l.warn, fmt.Sprintf("PNG text beyond %d bytes ignored", maxPNGText))
		}
		return
	}
	b, err := s.bytesAt(off, int(size))
	if err != nil {
		return
	}
	c, err := parsePNGText(typ, b)
	switch {
	case err != nil:
		l.warn = append(l.warn, err.Error())
	case c.keyword == pngXMPKeyword && typ == "iTXt":
		l.addXMP([]byte(c.text))
	default:
		l.addPNGText(c)
	}
}

func webpMeta(s src, l *metaLayers) {
	h, err := s.bytesAt(0, 12)
	if err != nil {
		return
	}
	end := min(8+int64(binary.LittleEndian.Uint32(h[4:])), s.size)
	_ = riffChunks(s, 12, end, func(_ int, c riffChunk) error {
		if c.id != "XMP " {
			return nil
		}
		if c.size > maxXMPPacket {
			l.warn = append(l.warn, fmt.Sprintf("XMP packet of %d bytes ignored: larger than %d bytes", c.size, maxXMPPacket))
			return nil
		}
		if b, err := s.bytesAt(c.off, int(c.size)); err == nil {
			l.addXMP(b)
		}
		return nil
	})
}
