package probe

import (
	"encoding/binary"
)

// box is an ISO base media file format box.
type box struct {
	typ  string
	off  int64 // of the header
	hdr  int64 // header length
	size int64 // including the header
}

func (b box) data() int64 { return b.off + b.hdr }
func (b box) end() int64  { return b.off + b.size }

// boxAt reads the header of the box at off, which must end by end.
func boxAt(s src, off, end int64) (box, error) {
	h, err := s.bytesAt(off, 8)
	if err != nil || off+8 > end {
		return box{}, malformed("box header at offset %d runs past its container", off)
	}
	b := box{typ: string(h[4:8]), off: off, hdr: 8, size: int64(binary.BigEndian.Uint32(h))}
	switch b.size {
	case 0: // to the end of the container
		b.size = end - off
	case 1:
		l, err := s.bytesAt(off+8, 8)
		if err != nil || off+16 > end {
			return box{}, malformed("box %q at offset %d: large size runs past its container", printable(h[4:8]), off)
		}
		b.hdr, b.size = 16, int64(binary.BigEndian.Uint64(l))
		if b.size < 0 {
			return box{}, malformed("box %q at offset %d has impossible size", printable(h[4:8]), off)
		}
	}
	if b.size < b.hdr {
		return box{}, malformed("box %q at offset %d has impossible size %d", printable(h[4:8]), off, b.size)
	}
	if b.size > end-off {
		return b, truncated("box %q at offset %d declares %d bytes, only %d remain", printable(h[4:8]), off, b.size, end-off)
	}
	return b, nil
}

// children calls fn for each box inside [off, end).
func children(s src, off, end int64, fn func(b box) error) error {
	for off < end {
		b, err := boxAt(s, off, end)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		off = b.end()
	}
	return nil
}

// cursor reads big-endian fields from an in-memory box payload; once a read
// runs past the end, every later read returns zero and ok becomes false.
type cursor struct {
	b  []byte
	ok bool
}

func newCursor(b []byte) *cursor { return &cursor{b: b, ok: true} }

func (c *cursor) take(n int) []byte {
	if !c.ok || n < 0 || n > len(c.b) {
		c.ok = false
		return make([]byte, max(n, 0))
	}
	v := c.b[:n]
	c.b = c.b[n:]
	return v
}

func (c *cursor) u8() uint64  { return uint64(c.take(1)[0]) }
func (c *cursor) u16() uint64 { return uint64(binary.BigEndian.Uint16(c.take(2))) }
func (c *cursor) u32() uint64 { return uint64(binary.BigEndian.Uint32(c.take(4))) }
func (c *cursor) u64() uint64 { return binary.BigEndian.Uint64(c.take(8)) }

// uint reads an n-byte field (n = 0, 2, 4 or 8 as iloc uses them).
func (c *cursor) uint(n int) uint64 {
	switch n {
	case 0:
		return 0
	case 2:
		return c.u16()
	case 4:
		return c.u32()
	case 8:
		return c.u64()
	}
	c.ok = false
	return 0
}

// id reads an item ID: 16 bits in version 0 boxes, 32 bits later.
func (c *cursor) id(wide bool) uint64 {
	if wide {
		return c.u32()
	}
	return c.u16()
}
