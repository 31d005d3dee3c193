package probe

import (
	"bytes"
	"fmt"
)

const (
	mAPP13    = 0xed
	xmpSig    = "http://ns.adobe.com/xap/1.0/\x00"
	xmpExtSig = "http://ns.adobe.com/xmp/extension/\x00"
)

// jpegSegments gathers the metadata segments of a JPEG.
type jpegSegments struct {
	guid string // Extended XMP named by the main packet
	ext  xmpExtension
	irb  []byte // APP13 image resources, joined
	// irbFull is set once the APP13 data passed maxIRB.
	irbFull bool
}

// jpegMeta walks the segments before the first scan (the walk during
// probing has checked them) and reads XMP, Extended XMP and the IPTC-IIM
// in Photoshop APP13 segments, which a large block spreads over several.
func jpegMeta(s src, l *metaLayers) {
	var j jpegSegments
	j.walk(s, l)
	j.finish(l)
}

func (j *jpegSegments) walk(s src, l *metaLayers) {
	q := s.seq(2)
	for {
		m, ok := metaMarker(q)
		switch {
		case !ok, m == mSOS, m == mEOI:
			return
		case m == mSOI, m == mTEM, m >= mRST0 && m <= mRST7:
			continue
		}
		var h [2]byte
		if q.full(h[:]) != nil || int(h[0])<<8|int(h[1]) < 2 {
			return
		}
		n := int(h[0])<<8 | int(h[1]) - 2
		if m != mAPP1 && m != mAPP13 {
			if q.skip(int64(n)) != nil {
				return
			}
			continue
		}
		b := make([]byte, n)
		if q.full(b) != nil {
			return
		}
		j.segment(l, m, b)
	}
}

// metaMarker reads a marker, skipping fill bytes; ok is false at the end
// of the data or where no marker is.
func metaMarker(q *seqReader) (m byte, ok bool) {
	b, err := q.readByte()
	if err != nil || b != 0xff {
		return 0, false
	}
	for err == nil && b == 0xff {
		b, err = q.readByte()
	}
	return b, err == nil
}

func (j *jpegSegments) segment(l *metaLayers, m byte, b []byte) {
	switch {
	case m == mAPP1 && bytes.HasPrefix(b, []byte(xmpSig)):
		j.guid = orString(j.guid, l.addXMP(b[len(xmpSig):]))
	case m == mAPP1 && bytes.HasPrefix(b, []byte(xmpExtSig)):
		if err := j.ext.add(b[len(xmpExtSig):]); err != nil {
			l.warn = append(l.warn, err.Error())
		}
	case m == mAPP13 && bytes.HasPrefix(b, []byte(irbSignature)):
		if len(j.irb)+len(b) > maxIRB {
			if !j.irbFull {
				l.warn = append(l.warn, fmt.Sprintf("Photoshop APP13 data beyond %d bytes ignored", maxIRB))
			}
			j.irbFull = true
			return
		}
		j.irb = append(j.irb, b[len(irbSignature):]...)
	}
}

func (j *jpegSegments) finish(l *metaLayers) {
	if len(j.irb) > 0 {
		l.addIRB(j.irb)
	}
	switch {
	case j.guid != "":
		j.extended(l)
	case len(j.ext.chunks) > 0:
		l.warn = append(l.warn, "Extended XMP ignored: the main XMP packet does not name it")
	}
}

// extended reads the Extended XMP the main packet names; its properties
// complete the main packet's.
func (j *jpegSegments) extended(l *metaLayers) {
	b, err := j.ext.assemble(j.guid)
	if err != nil {
		l.warn = append(l.warn, err.Error())
		return
	}
	x, err := readXMP(b)
	if err != nil {
		l.warn = append(l.warn, "Extended XMP: "+err.Error())
		return
	}
	l.xmp = l.xmp.over(x.meta)
	l.warn = append(l.warn, x.warn...)
}
