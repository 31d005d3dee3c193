package probe

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

const maxPNGExif = 1 << 20 // eXIf chunks larger than this are ignored

type pngHeader struct {
	width, height int64
	depth, color  byte
	interlaced    bool
}

// pngState follows the chunks of a PNG.
type pngState struct {
	s       src
	lim     Limits
	info    Info
	hdr     pngHeader
	palette bool
	idat    int // 0 = none yet, 1 = in the IDAT run, 2 = after it
}

// probePNG walks the chunks, checking every CRC, and inflates the image
// data to nowhere to prove it is complete, refusing more output than the
// header allows.
func probePNG(s src, lim Limits) (Info, error) {
	p := &pngState{s: s, lim: lim}
	err := p.walk()
	if errors.Is(err, errTruncated) {
		return Info{}, errf(ErrCorrupt, "PNG is truncated: it ends before the IEND chunk")
	}
	if err != nil {
		return Info{}, readErr("PNG", "its chunks", err)
	}
	return p.info, nil
}

type pngChunk struct {
	typ  string
	size int64
	off  int64 // of the data
}

func (p *pngState) chunkAt(off int64) (pngChunk, error) {
	h, err := p.s.bytesAt(off, 8)
	if err != nil {
		return pngChunk{}, err
	}
	c := pngChunk{typ: string(h[4:8]), size: int64(binary.BigEndian.Uint32(h)), off: off + 8}
	if c.size > 1<<31-1 {
		return c, errf(ErrCorrupt, "PNG chunk at offset %d declares length %d", off, c.size)
	}
	for _, b := range h[4:8] {
		if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return c, errf(ErrCorrupt, "PNG chunk at offset %d has invalid type %q", off, printable(h[4:8]))
		}
	}
	if c.off+c.size+4 > p.s.size {
		return c, errTruncated
	}
	return c, nil
}

func (p *pngState) walk() error {
	sig, err := p.s.bytesAt(0, 8)
	if err != nil || string(sig) != pngSig {
		return errf(ErrCorrupt, "PNG signature is damaged")
	}
	for off, first := int64(8), true; ; first = false {
		c, err := p.chunkAt(off)
		if err != nil {
			return err
		}
		if first && c.typ != "IHDR" {
			if c.typ == "CgBI" {
				return errf(ErrUnsupported, "Apple-optimised PNG (CgBI)")
			}
			return errf(ErrCorrupt, "PNG does not start with an IHDR chunk")
		}
		next := c.off + c.size + 4
		switch c.typ {
		case "IEND":
			return p.end(c)
		case "IDAT":
			if p.idat == 2 {
				return errf(ErrCorrupt, "PNG image data (IDAT) is split by other chunks")
			}
			if off, err = p.inflate(c); err != nil {
				return err
			}
			p.idat = 2
			continue
		}
		if err := p.chunk(c, first); err != nil {
			return err
		}
		off = next
	}
}

// chunk checks the CRC of a chunk other than IDAT and reads what we need.
func (p *pngState) chunk(c pngChunk, first bool) error {
	switch {
	case c.typ == "IHDR" && !first:
		return errf(ErrCorrupt, "PNG has a second IHDR chunk")
	case c.typ == "IHDR", c.typ == "PLTE", c.typ == "eXIf" && c.size <= maxPNGExif, p.isRawProfile(c):
		b, err := p.s.bytesAt(c.off, int(c.size))
		if err != nil {
			return err
		}
		if c.typ == "IHDR" && len(b) >= 8 {
			// The limit is checked on the raw header first, so a bomb is
			// named as such even when its header is also damaged.
			w, h := int64(binary.BigEndian.Uint32(b)), int64(binary.BigEndian.Uint32(b[4:]))
			if err := p.lim.checkPixels("PNG", max(w, 1), max(h, 1)); err != nil {
				return err
			}
		}
		if err := p.checkCRC(c, bytes.NewReader(b)); err != nil {
			return err
		}
		return p.use(c.typ, b)
	case c.typ[0]&0x20 == 0 && c.typ != "IDAT":
		return errf(ErrUnsupported, "PNG with unknown critical chunk %q", c.typ)
	}
	return p.checkCRC(c, io.NewSectionReader(p.s.r, c.off, c.size))
}

func (p *pngState) checkCRC(c pngChunk, data io.Reader) error {
	h := crc32.NewIEEE()
	h.Write([]byte(c.typ))
	if _, err := io.CopyN(h, data, c.size); err != nil {
		return eofTruncated(err)
	}
	want, err := p.s.bytesAt(c.off+c.size, 4)
	if err != nil {
		return err
	}
	if h.Sum32() != binary.BigEndian.Uint32(want) {
		return errf(ErrCorrupt, "PNG chunk %s at offset %d fails its CRC check", c.typ, c.off-8)
	}
	return nil
}

func (p *pngState) use(typ string, b []byte) error {
	switch typ {
	case "IHDR":
		return p.header(b)
	case "PLTE":
		if len(b) == 0 || len(b)%3 != 0 || len(b) > 768 {
			return errf(ErrCorrupt, "PNG palette has invalid length %d", len(b))
		}
		p.palette = true
	case "eXIf":
		x, warn := readExifBytes(b)
		x.apply(&p.info)
		p.info.Warnings = append(p.info.Warnings, warn...)
	case "zTXt", "tEXt":
		p.rawProfile(typ, b)
	}
	return nil
}

var pngDepths = map[byte][]byte{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}

// header reads IHDR and checks the pixel limit before any data is inflated.
func (p *pngState) header(b []byte) error {
	if len(b) != 13 {
		return errf(ErrCorrupt, "PNG IHDR has length %d, not 13", len(b))
	}
	h := pngHeader{
		width:  int64(binary.BigEndian.Uint32(b)),
		height: int64(binary.BigEndian.Uint32(b[4:])),
		depth:  b[8], color: b[9], interlaced: b[12] == 1,
	}
	if h.width > 1<<31-1 || h.height > 1<<31-1 {
		return errf(ErrCorrupt, "PNG declares impossible dimensions %d×%d", h.width, h.height)
	}
	if err := p.lim.checkPixels("PNG", h.width, h.height); err != nil {
		return err
	}
	depths, ok := pngDepths[h.color]
	if !ok || bytes.IndexByte(depths, h.depth) < 0 {
		return errf(ErrCorrupt, "PNG has invalid colour type %d with bit depth %d", h.color, h.depth)
	}
	if b[10] != 0 || b[11] != 0 || b[12] > 1 {
		return errf(ErrCorrupt, "PNG has invalid compression, filter or interlace method")
	}
	p.hdr = h
	p.info.Width, p.info.Height = int(h.width), int(h.height)
	return nil
}

// isRawProfile reports whether a text chunk may hold ImageMagick's EXIF.
func (p *pngState) isRawProfile(c pngChunk) bool {
	if (c.typ != "zTXt" && c.typ != "tEXt") || c.size > maxPNGExif*3 || c.size < 22 {
		return false
	}
	key, err := p.s.bytesAt(c.off, 17)
	return err == nil && string(key) == "Raw profile type "
}

// rawProfile reads EXIF that ImageMagick stores in a text chunk named
// "Raw profile type exif" (or "... APP1"), hex encoded.
func (p *pngState) rawProfile(typ string, b []byte) {
	key, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || p.info.Orientation != 0 || p.info.Make != "" ||
		(string(key) != "Raw profile type exif" && string(key) != "Raw profile type APP1") {
		return
	}
	text := rest
	if typ == "zTXt" {
		if len(rest) < 1 || rest[0] != 0 {
			return
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[1:]))
		if err != nil {
			p.info.Warnings = append(p.info.Warnings, "EXIF block unreadable: compressed raw profile: "+err.Error())
			return
		}
		text, err = io.ReadAll(io.LimitReader(zr, maxPNGExif*3))
		if err != nil {
			p.info.Warnings = append(p.info.Warnings, "EXIF block unreadable: compressed raw profile: "+err.Error())
			return
		}
	}
	exif, err := decodeRawProfile(text)
	if err != nil {
		p.info.Warnings = append(p.info.Warnings, "EXIF block unreadable: raw profile: "+err.Error())
		return
	}
	x, warn := readExifBytes(exif)
	x.apply(&p.info)
	p.info.Warnings = append(p.info.Warnings, warn...)
}

// decodeRawProfile decodes "\nexif\n   <length>\n<hex lines>".
func decodeRawProfile(text []byte) ([]byte, error) {
	fields := bytes.Fields(text)
	if len(fields) < 3 {
		return nil, fmt.Errorf("too short")
	}
	hexText := bytes.Join(fields[2:], nil)
	b := make([]byte, hex.DecodedLen(len(hexText)))
	n, err := hex.Decode(b, hexText)
	if err != nil {
		return nil, err
	}
	b = b[:n]
	if bytes.HasPrefix(b, []byte("Exif\x00\x00")) {
		b = b[6:]
	}
	return b, nil
}

func (p *pngState) end(c pngChunk) error {
	if err := p.checkCRC(c, io.NewSectionReader(p.s.r, c.off, c.size)); err != nil {
		return err
	}
	switch {
	case p.idat == 0:
		return errf(ErrCorrupt, "PNG has no image data (IDAT)")
	case p.hdr.color == 3 && !p.palette:
		return errf(ErrCorrupt, "PNG palette image has no palette")
	}
	return nil
}
