package probe

import (
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
)

// idatReader yields the data of a run of consecutive IDAT chunks, checking
// each chunk's CRC, and stops at the first chunk of another type.
type idatReader struct {
	p    *pngState
	q    *seqReader
	left int64 // data bytes left in the current chunk
	typ  [4]byte
	crc  hash.Hash32
	next int64 // offset of the chunk after the run, once reached
	err  error // a structural error, reported in preference to inflate's
	done bool
}

func (r *idatReader) Read(b []byte) (int, error) {
	for r.left == 0 {
		if r.done {
			return 0, io.EOF
		}
		if err := r.advance(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n, err := r.q.Read(b[:min(int64(len(b)), r.left)])
	r.crc.Write(b[:n])
	r.left -= int64(n)
	if err != nil && r.left > 0 {
		r.err = eofTruncated(err)
		return n, r.err
	}
	return n, nil
}

// advance checks the CRC of the chunk just read and opens the next one.
func (r *idatReader) advance() error {
	var tail [12]byte
	if err := r.q.full(tail[:4]); err != nil {
		return err
	}
	if r.crc.Sum32() != binary.BigEndian.Uint32(tail[:4]) {
		return errf(ErrCorrupt, "PNG chunk IDAT ending at offset %d fails its CRC check", r.q.pos)
	}
	c, err := r.p.chunkAt(r.q.pos)
	if err != nil {
		return err
	}
	if c.typ != "IDAT" {
		r.done, r.next = true, r.q.pos
		return nil
	}
	if err := r.q.skip(8); err != nil {
		return err
	}
	r.left = c.size
	r.crc.Reset()
	r.crc.Write([]byte("IDAT"))
	return nil
}

// inflate decompresses the IDAT run starting with chunk c, checking the row
// filter bytes and refusing more or less data than IHDR implies. It returns
// the offset of the chunk after the run.
func (p *pngState) inflate(c pngChunk) (int64, error) {
	r := &idatReader{p: p, q: p.s.seq(c.off), left: c.size, crc: crc32.NewIEEE()}
	r.crc.Write([]byte("IDAT"))
	rows := newRowChecker(p.hdr)
	zr, err := zlib.NewReader(r)
	if err == nil {
		_, err = io.Copy(rows, zr)
	}
	switch {
	case r.err != nil:
		return 0, r.err
	case errors.Is(err, errTooMuchData):
		return 0, errf(ErrCorrupt, "PNG image data is longer than its %d×%d dimensions allow", p.hdr.width, p.hdr.height)
	case err != nil && rows.err != nil:
		return 0, rows.err
	case err != nil:
		return 0, errf(ErrCorrupt, "PNG image data does not inflate: %v", err)
	case !rows.complete():
		return 0, errf(ErrCorrupt, "PNG image data ends early: it holds fewer rows than its %d×%d dimensions", p.hdr.width, p.hdr.height)
	}
	// Compressed bytes after the end of the zlib stream are ignored, but
	// their chunks must still be whole and pass their CRC checks.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return 0, err
	}
	return r.next, nil
}

var errTooMuchData = errors.New("too much image data")

// rowChecker counts inflated bytes into rows (per interlace pass) and checks
// that each row starts with a valid filter type.
type rowChecker struct {
	segs     []rowSeg
	seg      int
	rowsLeft int64
	pos      int64 // position within the current row
	err      error
}

type rowSeg struct{ rows, rowLen int64 }

var adam7 = [7][4]int64{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

func newRowChecker(h pngHeader) *rowChecker {
	channels := map[byte]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[h.color]
	bits := channels * int64(h.depth)
	rowLen := func(w int64) int64 { return 1 + (w*bits+7)/8 }
	rc := &rowChecker{}
	if !h.interlaced {
		rc.segs = []rowSeg{{h.height, rowLen(h.width)}}
	} else {
		for _, a := range adam7 {
			w, hh := passSize(h.width, a[0], a[2]), passSize(h.height, a[1], a[3])
			if w > 0 && hh > 0 {
				rc.segs = append(rc.segs, rowSeg{hh, rowLen(w)})
			}
		}
	}
	if len(rc.segs) > 0 {
		rc.rowsLeft = rc.segs[0].rows
	}
	return rc
}

func passSize(n, start, step int64) int64 {
	if n <= start {
		return 0
	}
	return (n - start + step - 1) / step
}

func (rc *rowChecker) Write(b []byte) (int, error) {
	for i := 0; i < len(b); {
		if rc.seg >= len(rc.segs) {
			return i, errTooMuchData
		}
		s := rc.segs[rc.seg]
		if rc.pos == 0 && b[i] > 4 {
			rc.err = errf(ErrCorrupt, "PNG image data has invalid row filter type %d", b[i])
			return i, rc.err
		}
		take := min(int64(len(b)-i), s.rowLen-rc.pos)
		rc.pos += take
		i += int(take)
		if rc.pos == s.rowLen {
			rc.pos = 0
			if rc.rowsLeft--; rc.rowsLeft == 0 {
				if rc.seg++; rc.seg < len(rc.segs) {
					rc.rowsLeft = rc.segs[rc.seg].rows
				}
			}
		}
	}
	return len(b), nil
}

func (rc *rowChecker) complete() bool { return rc.seg >= len(rc.segs) }
