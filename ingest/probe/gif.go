package probe

import (
	"errors"
)

// probeGIF reads the logical screen and walks every block to the trailer
// without decoding pixels; each frame's size is checked against the limit.
func probeGIF(s src, lim Limits) (Info, error) {
	q := s.seq(0)
	info, err := gifWalk(q, lim)
	if errors.Is(err, errTruncated) {
		return Info{}, errf(ErrCorrupt, "GIF is truncated: it ends inside a block at offset %d", q.pos)
	}
	if err != nil {
		return Info{}, readErr("GIF", "its blocks", err)
	}
	return info, nil
}

func gifWalk(q *seqReader, lim Limits) (Info, error) {
	var info Info
	var h [13]byte
	if err := q.full(h[:]); err != nil {
		return info, err
	}
	w, ht := int64(h[6])|int64(h[7])<<8, int64(h[8])|int64(h[9])<<8
	if err := lim.checkPixels("GIF", w, ht); err != nil {
		return info, err
	}
	info.Width, info.Height = int(w), int(ht)
	if h[10]&0x80 != 0 {
		if err := q.skip(3 << (h[10]&7 + 1)); err != nil {
			return info, err
		}
	}
	frames := 0
	for {
		b, err := q.readByte()
		if errors.Is(err, errTruncated) && frames > 0 {
			info.Warnings = append(info.Warnings, "GIF has no trailer byte")
			return info, nil
		}
		if err != nil {
			return info, err
		}
		switch b {
		case 0x3b:
			if frames == 0 {
				return info, errf(ErrCorrupt, "GIF has no image")
			}
			return info, nil
		case 0x21:
			if _, err := q.readByte(); err != nil {
				return info, err
			}
			if err := gifSubBlocks(q); err != nil {
				return info, err
			}
		case 0x2c:
			if err := gifImage(q, lim); err != nil {
				return info, err
			}
			frames++
		default:
			return info, errf(ErrCorrupt, "GIF has an unknown block 0x%02X at offset %d", b, q.pos-1)
		}
	}
}

func gifImage(q *seqReader, lim Limits) error {
	var d [9]byte
	if err := q.full(d[:]); err != nil {
		return err
	}
	w, h := int64(d[4])|int64(d[5])<<8, int64(d[6])|int64(d[7])<<8
	if w > 0 && h > 0 {
		if err := lim.checkPixels("GIF frame", w, h); err != nil {
			return err
		}
	}
	if d[8]&0x80 != 0 {
		if err := q.skip(3 << (d[8]&7 + 1)); err != nil {
			return err
		}
	}
	lzw, err := q.readByte()
	if err != nil {
		return err
	}
	if lzw < 1 || lzw > 11 {
		return errf(ErrCorrupt, "GIF frame has invalid LZW code size %d", lzw)
	}
	return gifSubBlocks(q)
}

func gifSubBlocks(q *seqReader) error {
	for {
		n, err := q.readByte()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := q.skip(int64(n)); err != nil {
			return err
		}
	}
}
