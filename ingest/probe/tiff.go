package probe

import (
	"errors"
)

const maxTIFFPages = 10000

// probeTIFF checks the IFD chain and that every strip or tile of the first
// image lies within the file, and reads EXIF from the TIFF's own IFDs.
func probeTIFF(s src, lim Limits) (Info, error) {
	info, err := tiffCheck(s, lim)
	if errors.Is(err, errTruncated) {
		return Info{}, errf(ErrCorrupt, "TIFF is truncated: its data runs past the end of the file")
	}
	if err != nil {
		return Info{}, readErr("TIFF", "its directories", err)
	}
	return info, nil
}

func tiffCheck(s src, lim Limits) (Info, error) {
	var info Info
	t, off, err := openTIFF(s.r, s.size)
	if err != nil {
		return info, errf(ErrCorrupt, "TIFF %v", err)
	}
	ifd0, _, err := t.readIFD(off)
	if err != nil {
		return info, errf(ErrCorrupt, "TIFF %v", err)
	}
	if err := tiffRaw(t, ifd0); err != nil {
		return info, err
	}
	w, okW := tiffUint(t, ifd0, tagImageWidth)
	h, okH := tiffUint(t, ifd0, tagImageLength)
	if !okW || !okH {
		return info, errf(ErrCorrupt, "TIFF first image has no dimensions")
	}
	if err := lim.checkPixels("TIFF", int64(w), int64(h)); err != nil {
		return info, err
	}
	info.Width, info.Height = int(w), int(h)
	for _, e := range ifd0 {
		if _, _, _, err := t.span(e); err != nil && int(e.typ) < len(typeSize) && e.typ != 0 {
			return info, errf(ErrCorrupt, "TIFF is truncated or damaged: %v", err)
		}
	}
	if err := tiffData(t, ifd0); err != nil {
		return info, err
	}
	if err := tiffChain(t, off); err != nil {
		return info, err
	}
	x, warn := t.exifFrom(ifd0, map[uint32]bool{off: true})
	x.apply(&info)
	info.Warnings = append(info.Warnings, warn...)
	return info, nil
}

func tiffUint(t *tiffFile, ifd []ifdEntry, tag uint16) (uint64, bool) {
	e, ok := findTag(ifd, tag)
	if !ok {
		return 0, false
	}
	return t.uintVal(e)
}

// tiffRaw refuses camera raw files in a TIFF container: DNG (by its
// version tag) and raws whose IFD0 is only a preview with the sensor data
// in a SubIFD (NEF, ARW, PEF and others).
func tiffRaw(t *tiffFile, ifd0 []ifdEntry) error {
	if _, ok := findTag(ifd0, tagDNGVersion); ok {
		return errf(ErrUnsupported, "camera raw (DNG)")
	}
	sub, reduced := tiffUint(t, ifd0, tagNewSubfileType)
	if _, hasSub := findTag(ifd0, tagSubIFDs); hasSub && reduced && sub&1 != 0 {
		return errf(ErrUnsupported, "camera raw")
	}
	return nil
}

// tiffData checks that the strips or tiles of an image lie within the file.
func tiffData(t *tiffFile, ifd []ifdEntry) error {
	offTag, countTag, what := uint16(tagStripOffsets), uint16(tagStripByteCounts), "strip"
	if _, ok := findTag(ifd, tagTileOffsets); ok {
		offTag, countTag, what = tagTileOffsets, tagTileByteCounts, "tile"
	}
	offs, ok1 := findTag(ifd, offTag)
	counts, ok2 := findTag(ifd, countTag)
	switch {
	case !ok1:
		return errf(ErrCorrupt, "TIFF first image has no %s offsets", what)
	case !ok2:
		return errf(ErrCorrupt, "TIFF first image has no %s byte counts", what)
	case offs.count == 0 || offs.count != counts.count:
		return errf(ErrCorrupt, "TIFF has %d %s offsets but %d byte counts", offs.count, what, counts.count)
	}
	oi, err := t.uintIter(offs)
	if err != nil {
		return errf(ErrCorrupt, "TIFF %s offsets: %v", what, err)
	}
	ci, err := t.uintIter(counts)
	if err != nil {
		return errf(ErrCorrupt, "TIFF %s byte counts: %v", what, err)
	}
	for i := 0; i < int(offs.count); i++ {
		o, err1 := oi.next()
		n, err2 := ci.next()
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if n > 0 && (o < tiffHeaderSize || o+n > uint64(t.s.size)) {
			return errf(ErrCorrupt, "TIFF %s %d (offset %d, %d bytes) lies outside the file of %d bytes", what, i, o, n, t.s.size)
		}
	}
	return nil
}

// tiffChain follows the chain of image directories, refusing loops and
// directories outside the file.
func tiffChain(t *tiffFile, off uint32) error {
	seen := map[uint32]bool{}
	for pages := 0; off != 0; pages++ {
		if seen[off] {
			return errf(ErrCorrupt, "TIFF directory chain loops back to offset %d", off)
		}
		if pages >= maxTIFFPages {
			return errf(ErrCorrupt, "TIFF has more than %d pages", maxTIFFPages)
		}
		seen[off] = true
		entries, next, err := t.readIFD(off)
		if err != nil {
			return errf(ErrCorrupt, "TIFF page %d: %v", pages+1, err)
		}
		if int64(off)+2+int64(len(entries))*ifdEntrySize+4 > t.s.size {
			return errTruncated // the next-directory pointer is cut off
		}
		off = next
	}
	return nil
}

// uintIter reads the values of an integer entry one at a time through a
// small buffer.
type uintIter struct {
	t    *tiffFile
	typ  uint16
	off  int64 // next unread byte of the values
	left uint64
	buf  []byte
	pos  int
	vals []byte // inline values
}

func (t *tiffFile) uintIter(e ifdEntry) (*uintIter, error) {
	if e.typ != typeShort && e.typ != typeLong {
		return nil, errf(ErrCorrupt, "TIFF tag 0x%04x has type %d, not SHORT or LONG", e.tag, e.typ)
	}
	off, n, inline, err := t.span(e)
	if err != nil {
		return nil, err
	}
	it := &uintIter{t: t, typ: e.typ, off: off, left: n}
	if inline {
		it.buf, it.left = append([]byte(nil), e.val[:n]...), 0
	}
	return it, nil
}

func (it *uintIter) next() (uint64, error) {
	size := int(typeSize[it.typ])
	if it.pos+size > len(it.buf) {
		if it.left == 0 {
			return 0, errTruncated
		}
		n := min(it.left, 4096)
		if cap(it.buf) < int(n) {
			it.buf = make([]byte, 4096)
		}
		it.buf = it.buf[:n]
		if err := it.t.s.readAt(it.buf, it.off); err != nil {
			return 0, err
		}
		it.off += int64(n)
		it.left -= n
		it.pos = 0
	}
	v, _ := it.t.uintAt(it.typ, it.buf[it.pos:], 0)
	it.pos += size
	return v, nil
}
