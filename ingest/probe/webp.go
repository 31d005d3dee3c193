package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
)

const maxWebPExif = 1 << 20

// probeWebP checks the RIFF container against the file size, walks its
// chunks and reads the dimensions from the VP8, VP8L or VP8X header.
func probeWebP(s src, lim Limits) (Info, error) {
	info, err := webpWalk(s, lim)
	if errors.Is(err, errTruncated) {
		return Info{}, errf(ErrCorrupt, "WebP is truncated: a chunk runs past the end of the file")
	}
	if err != nil {
		return Info{}, readErr("WebP", "its chunks", err)
	}
	return info, nil
}

type riffChunk struct {
	id   string
	off  int64 // of the data
	size int64
}

func webpWalk(s src, lim Limits) (Info, error) {
	var info Info
	h, err := s.bytesAt(0, 12)
	if err != nil {
		return info, err
	}
	riff := int64(binary.LittleEndian.Uint32(h[4:]))
	switch {
	case riff < 4+8+1:
		return info, errf(ErrCorrupt, "WebP RIFF size %d is too small to hold an image", riff)
	case 8+riff > s.size:
		return info, errf(ErrCorrupt, "WebP is truncated: the RIFF header declares %d bytes, the file has %d", 8+riff, s.size)
	}
	w := &webpState{s: s, info: &info}
	if err := riffChunks(s, 12, 8+riff, w.visit); err != nil {
		return info, err
	}
	if err := w.finish(); err != nil {
		return info, err
	}
	return info, lim.checkPixels("WebP", int64(info.Width), int64(info.Height))
}

// riffChunks calls fn for each chunk between off and end.
func riffChunks(s src, off, end int64, fn func(i int, c riffChunk) error) error {
	for i := 0; off+8 <= end; i++ {
		ch, err := s.bytesAt(off, 8)
		if err != nil {
			return err
		}
		c := riffChunk{id: string(ch[:4]), off: off + 8, size: int64(binary.LittleEndian.Uint32(ch[4:]))}
		if c.off+c.size > end {
			return errf(ErrCorrupt, "WebP chunk %q at offset %d runs past the end of the RIFF data", printable(ch[:4]), off)
		}
		if err := fn(i, c); err != nil {
			return err
		}
		off = c.off + c.size + c.size&1
	}
	return nil
}

type webpState struct {
	s        src
	info     *Info
	first    string
	animated bool
	image    bool
}

func (w *webpState) visit(i int, c riffChunk) error {
	if i == 0 {
		w.first = c.id
		switch c.id {
		case "VP8 ":
			return webpVP8(w.s, c, w.info)
		case "VP8L":
			return webpVP8L(w.s, c, w.info)
		case "VP8X":
			return w.vp8x(c)
		}
		return errf(ErrCorrupt, "WebP starts with chunk %q instead of VP8, VP8L or VP8X", printable([]byte(c.id)))
	}
	if w.first != "VP8X" {
		return nil
	}
	switch c.id {
	case "ANMF":
		w.image = w.image || w.animated
	case "VP8 ", "VP8L":
		var frame Info
		var err error
		if c.id == "VP8 " {
			err = webpVP8(w.s, c, &frame)
		} else {
			err = webpVP8L(w.s, c, &frame)
		}
		if err != nil {
			return err
		}
		w.image = true
	case "EXIF":
		webpExif(w.s, c, w.info)
	}
	return nil
}

func (w *webpState) finish() error {
	switch {
	case w.first == "":
		return errf(ErrCorrupt, "WebP has no chunks")
	case w.first == "VP8X" && !w.image:
		return errf(ErrCorrupt, "WebP has no image data")
	}
	return nil
}

// webpVP8 reads a lossy key frame header.
func webpVP8(s src, c riffChunk, info *Info) error {
	if c.size < 10 {
		return errf(ErrCorrupt, "WebP VP8 chunk is too short")
	}
	b, err := s.bytesAt(c.off, 10)
	if err != nil {
		return err
	}
	tag := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	switch {
	case tag&1 != 0:
		return errf(ErrCorrupt, "WebP VP8 data is not a key frame")
	case !bytes.Equal(b[3:6], []byte{0x9d, 0x01, 0x2a}):
		return errf(ErrCorrupt, "WebP VP8 data lacks its start code")
	case int64(tag>>5) > c.size-10:
		return errf(ErrCorrupt, "WebP VP8 first partition (%d bytes) is larger than its chunk", tag>>5)
	}
	info.Width = int(binary.LittleEndian.Uint16(b[6:]) & 0x3fff)
	info.Height = int(binary.LittleEndian.Uint16(b[8:]) & 0x3fff)
	return nil
}

// webpVP8L reads a lossless header.
func webpVP8L(s src, c riffChunk, info *Info) error {
	if c.size < 5 {
		return errf(ErrCorrupt, "WebP VP8L chunk is too short")
	}
	b, err := s.bytesAt(c.off, 5)
	if err != nil {
		return err
	}
	if b[0] != 0x2f {
		return errf(ErrCorrupt, "WebP VP8L data lacks its signature")
	}
	v := binary.LittleEndian.Uint32(b[1:])
	if v>>29 != 0 {
		return errf(ErrCorrupt, "WebP VP8L has unknown version %d", v>>29)
	}
	info.Width, info.Height = int(v&0x3fff)+1, int(v>>14&0x3fff)+1
	return nil
}

// vp8x reads the extended header's canvas size; later chunks must hold
// the image data (a frame or a VP8/VP8L chunk).
func (w *webpState) vp8x(c riffChunk) error {
	if c.size < 10 {
		return errf(ErrCorrupt, "WebP VP8X chunk is too short")
	}
	b, err := w.s.bytesAt(c.off, 10)
	if err != nil {
		return err
	}
	w.info.Width = int(uint32(b[4])|uint32(b[5])<<8|uint32(b[6])<<16) + 1
	w.info.Height = int(uint32(b[7])|uint32(b[8])<<8|uint32(b[9])<<16) + 1
	w.animated = b[0]&0x02 != 0
	return nil
}

func webpExif(s src, c riffChunk, info *Info) {
	if c.size > maxWebPExif {
		info.Warnings = append(info.Warnings, "EXIF block ignored: larger than 1 MiB")
		return
	}
	b, err := s.bytesAt(c.off, int(c.size))
	if err != nil {
		return
	}
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	x, warn := readExifBytes(b)
	x.apply(info)
	info.Warnings = append(info.Warnings, warn...)
}
