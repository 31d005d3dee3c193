package probe

import (
	"bytes"
	"errors"
	"fmt"
)

// JPEG marker codes (ITU T.81 table B.1).
const (
	mSOF0  = 0xc0
	mSOF2  = 0xc2
	mDHT   = 0xc4
	mJPG   = 0xc8
	mDAC   = 0xcc
	mRST0  = 0xd0
	mRST7  = 0xd7
	mSOI   = 0xd8
	mEOI   = 0xd9
	mSOS   = 0xda
	mDQT   = 0xdb
	mDNL   = 0xdc
	mDRI   = 0xdd
	mAPP0  = 0xe0
	mAPP1  = 0xe1
	mAPP15 = 0xef
	mSOF55 = 0xf7 // JPEG-LS
	mCOM   = 0xfe
	mTEM   = 0x01
)

type jpegComponent struct {
	id   byte
	h, v int
}

// jpegState follows a JPEG through its markers and scans.
type jpegState struct {
	info        Info
	lim         Limits
	frame       bool
	progressive bool
	comps       []jpegComponent
	restart     int
	scans       int
	coded       [4]bool     // sequential: component appeared in a scan
	coef        [4][64]int8 // progressive: last successive-approximation bit per coefficient, -1 = never sent
	bogus       bool
	extraneous  int64
	exifDone    bool
}

// probeJPEG walks the markers from SOI to EOI, reading the frame header and
// EXIF and following every scan's entropy-coded data to the next marker.
func probeJPEG(s src, lim Limits) (Info, error) {
	j := &jpegState{lim: lim}
	if err := j.walk(s.seq(0)); err != nil {
		if errors.Is(err, errTruncated) {
			return Info{}, errf(ErrCorrupt, "JPEG is truncated: it ends before the end-of-image marker")
		}
		return Info{}, readErr("JPEG", "its data", err)
	}
	if j.extraneous > 0 {
		j.info.Warnings = append(j.info.Warnings, fmt.Sprintf("JPEG has %d stray bytes between segments", j.extraneous))
	}
	if j.bogus {
		j.info.Warnings = append(j.info.Warnings, "JPEG progressive scans are out of order")
	}
	return j.info, nil
}

func (j *jpegState) walk(q *seqReader) error {
	var soi [2]byte
	if err := q.full(soi[:]); err != nil || soi != [2]byte{0xff, mSOI} {
		return errf(ErrCorrupt, "JPEG does not start with a start-of-image marker")
	}
	pending := -1
	for {
		m := pending
		pending = -1
		if m < 0 {
			c, err := j.nextMarker(q)
			if err != nil {
				return err
			}
			m = int(c)
		}
		switch {
		case m == mEOI:
			return j.finish()
		case m == mSOI:
			return errf(ErrCorrupt, "JPEG has a second start-of-image marker at offset %d before its end", q.pos-2)
		case m >= mRST0 && m <= mRST7, m == mTEM:
			continue // parameterless; harmless outside a scan
		case m == mSOS:
			next, err := j.scan(q)
			if err != nil {
				return err
			}
			pending = int(next)
		default:
			if err := j.segment(q, byte(m)); err != nil {
				return err
			}
		}
	}
}

// nextMarker skips fill bytes (and, like libjpeg, stray bytes) to a marker.
func (j *jpegState) nextMarker(q *seqReader) (byte, error) {
	for {
		b, err := q.readByte()
		if err != nil {
			return 0, err
		}
		if b != 0xff {
			j.extraneous++
			continue
		}
		c, err := q.readByte()
		for err == nil && c == 0xff {
			c, err = q.readByte()
		}
		if err != nil {
			return 0, err
		}
		if c == 0 {
			j.extraneous += 2
			continue
		}
		return c, nil
	}
}

// segment handles a marker segment with a length field.
func (j *jpegState) segment(q *seqReader, m byte) error {
	var lb [2]byte
	if err := q.full(lb[:]); err != nil {
		return err
	}
	n := int(lb[0])<<8 | int(lb[1])
	if n < 2 {
		return errf(ErrCorrupt, "JPEG segment 0x%02X at offset %d has impossible length %d", m, q.pos-4, n)
	}
	n -= 2
	switch {
	case isSOF(m):
		return j.sof(q, m, n)
	case m == mDRI, m == mDNL:
		b, err := j.payload(q, n)
		if err != nil {
			return err
		}
		if len(b) < 2 {
			return errf(ErrCorrupt, "JPEG marker 0x%02X segment is too short", m)
		}
		if m == mDRI {
			j.restart = int(b[0])<<8 | int(b[1])
		}
		return nil
	case m == mAPP1 && !j.exifDone:
		b, err := j.payload(q, n)
		if err != nil {
			return err
		}
		if len(b) > 6 && bytes.HasPrefix(b, []byte("Exif\x00")) {
			j.exifDone = true
			x, warn := readExifBytes(b[6:])
			x.apply(&j.info)
			j.info.Warnings = append(j.info.Warnings, warn...)
		}
		return nil
	case m >= mAPP0 && m <= mAPP15, m == mCOM, m == mDHT, m == mDQT, m == mDAC:
		return q.skip(int64(n))
	case m == mSOF55 && !j.frame:
		return errf(ErrUnsupported, "JPEG-LS")
	}
	return errf(ErrCorrupt, "JPEG has an unknown marker 0x%02X at offset %d", m, q.pos-4)
}

func (j *jpegState) payload(q *seqReader, n int) ([]byte, error) {
	b := make([]byte, n)
	return b, q.full(b)
}

func isSOF(m byte) bool {
	return m >= mSOF0 && m <= 0xcf && m != mDHT && m != mJPG && m != mDAC
}

// sof reads the frame header and checks the pixel limit before any scan.
func (j *jpegState) sof(q *seqReader, m byte, n int) error {
	if j.frame {
		return errf(ErrCorrupt, "JPEG has a second frame header at offset %d", q.pos-4)
	}
	switch m {
	case 0xc0, 0xc1, 0xc2, 0xc9, 0xca:
	default:
		return errf(ErrUnsupported, "lossless or hierarchical JPEG (SOF%d)", m-mSOF0)
	}
	b, err := j.payload(q, n)
	if err != nil {
		return err
	}
	if len(b) < 6 {
		return errf(ErrCorrupt, "JPEG frame header is too short")
	}
	h, w, nc := int(b[1])<<8|int(b[2]), int(b[3])<<8|int(b[4]), int(b[5])
	if err := j.lim.checkPixels("JPEG", int64(w), int64(h)); err != nil {
		return err
	}
	if nc == 0 || nc > 4 || len(b) != 6+3*nc {
		return errf(ErrCorrupt, "JPEG frame header declares %d components in %d bytes", nc, len(b))
	}
	for i := 0; i < nc; i++ {
		c := b[6+3*i:]
		hs, vs := int(c[1]>>4), int(c[1]&15)
		if hs < 1 || hs > 4 || vs < 1 || vs > 4 || c[2] > 3 {
			return errf(ErrCorrupt, "JPEG component %d has invalid sampling %dx%d or table %d", c[0], hs, vs, c[2])
		}
		j.comps = append(j.comps, jpegComponent{id: c[0], h: hs, v: vs})
	}
	j.frame, j.progressive = true, m == mSOF2 || m == 0xca
	j.info.Width, j.info.Height = w, h
	for i := range j.coef {
		for k := range j.coef[i] {
			j.coef[i][k] = -1
		}
	}
	return nil
}

// scan reads a scan header, then skips its entropy-coded data, checking
// restart markers, and returns the marker that ends it.
func (j *jpegState) scan(q *seqReader) (byte, error) {
	var lb [2]byte
	if err := q.full(lb[:]); err != nil {
		return 0, err
	}
	b, err := j.payload(q, max(0, int(lb[0])<<8|int(lb[1])-2))
	if err != nil {
		return 0, err
	}
	if !j.frame {
		return 0, errf(ErrCorrupt, "JPEG scan starts before the frame header")
	}
	if err := j.scanHeader(b); err != nil {
		return 0, err
	}
	j.scans++
	return j.entropy(q)
}

func (j *jpegState) scanHeader(b []byte) error {
	if len(b) < 1 || b[0] < 1 || b[0] > 4 || len(b) != 1+2*int(b[0])+3 {
		return errf(ErrCorrupt, "JPEG scan header is malformed")
	}
	ns := int(b[0])
	idx := make([]int, 0, ns)
	for i := 0; i < ns; i++ {
		k := j.component(b[1+2*i])
		if k < 0 {
			return errf(ErrCorrupt, "JPEG scan refers to component %d that the frame does not have", b[1+2*i])
		}
		idx = append(idx, k)
	}
	p := b[1+2*ns:]
	ss, se, ah, al := int(p[0]), int(p[1]), int(p[2]>>4), int(p[2]&15)
	if !j.progressive {
		for _, k := range idx {
			j.coded[k] = true
		}
		return nil
	}
	if (ss == 0 && se != 0) || (ss > 0 && (ss > se || se > 63 || ns != 1)) ||
		(ah != 0 && al != ah-1) || al > 13 {
		return errf(ErrCorrupt, "JPEG progressive scan has invalid parameters Ss=%d Se=%d Ah=%d Al=%d", ss, se, ah, al)
	}
	for _, k := range idx {
		if ss > 0 && j.coef[k][0] < 0 {
			j.bogus = true
		}
		for c := ss; c <= se; c++ {
			if expected := max(j.coef[k][c], 0); int(expected) != ah {
				j.bogus = true
			}
			j.coef[k][c] = int8(al)
		}
	}
	return nil
}

func (j *jpegState) component(id byte) int {
	for i, c := range j.comps {
		if c.id == id {
			return i
		}
	}
	return -1
}

// entropy skips entropy-coded data: stuffed 0xFF00 bytes, fill bytes and
// restart markers (which must count RST0..RST7 in turn) up to the next marker.
func (j *jpegState) entropy(q *seqReader) (byte, error) {
	next := 0
	for {
		chunk, err := q.br.ReadSlice(0xff)
		q.pos += int64(len(chunk))
		if errors.Is(err, bufioFull) {
			continue
		}
		if err != nil {
			return 0, eofTruncated(err)
		}
		c, err := q.readByte()
		for err == nil && c == 0xff {
			c, err = q.readByte()
		}
		switch {
		case err != nil:
			return 0, err
		case c == 0:
		case c >= mRST0 && c <= mRST7:
			if int(c-mRST0) != next {
				return 0, errf(ErrCorrupt, "JPEG restart marker RST%d at offset %d where RST%d was due", c-mRST0, q.pos-2, next)
			}
			next = (next + 1) & 7
		case c == mDHT, c == mDQT, c == mDRI, c == mSOS, c == mEOI, c == mDNL, c == mCOM, c == mDAC,
			c >= mAPP0 && c <= mAPP15:
			return c, nil
		default:
			return 0, errf(ErrCorrupt, "JPEG scan data is broken by marker 0x%02X at offset %d", c, q.pos-2)
		}
	}
}

// finish checks at EOI that the image was complete.
func (j *jpegState) finish() error {
	switch {
	case !j.frame:
		return errf(ErrCorrupt, "JPEG has no frame header")
	case j.scans == 0:
		return errf(ErrCorrupt, "JPEG has no image data (no scan)")
	}
	for k, c := range j.comps {
		if !j.progressive {
			if !j.coded[k] {
				return errf(ErrCorrupt, "JPEG ends before component %d was coded", c.id)
			}
			continue
		}
		for i, bits := range j.coef[k] {
			if bits < 0 {
				return errf(ErrCorrupt, "progressive JPEG ends before all its scans: component %d coefficient %d was never sent", c.id, i)
			}
		}
	}
	return nil
}
