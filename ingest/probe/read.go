package probe

import (
	"bufio"
	"errors"
	"io"
)

// src is the file being probed: a reader and its size. Every read is
// checked against size first, so a structure that points past the end is
// reported as truncated instead of being attempted.
type src struct {
	r    io.ReaderAt
	size int64
}

// bytesAt reads n bytes at off.
func (s src) bytesAt(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > s.size || int64(n) > s.size-off {
		return nil, errTruncated
	}
	b := make([]byte, n)
	if err := s.readAt(b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// readAt fills b from off.
func (s src) readAt(b []byte, off int64) error {
	if off < 0 || off > s.size || int64(len(b)) > s.size-off {
		return errTruncated
	}
	n, err := s.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return errTruncated // the file is shorter than its size said
	}
	return err
}

// seqReader reads forward from an offset through a fixed-size buffer.
type seqReader struct {
	br  *bufio.Reader
	pos int64 // offset in the file of the next byte
}

const seqBufSize = 64 << 10

func (s src) seq(off int64) *seqReader {
	if off > s.size {
		off = s.size
	}
	return &seqReader{br: bufio.NewReaderSize(io.NewSectionReader(s.r, off, s.size-off), seqBufSize), pos: off}
}

func (q *seqReader) readByte() (byte, error) {
	b, err := q.br.ReadByte()
	if err != nil {
		return 0, eofTruncated(err)
	}
	q.pos++
	return b, nil
}

func (q *seqReader) full(p []byte) error {
	n, err := io.ReadFull(q.br, p)
	q.pos += int64(n)
	return eofTruncated(err)
}

func (q *seqReader) skip(n int64) error {
	for n > 0 {
		step := min(n, 1<<30)
		d, err := q.br.Discard(int(step))
		q.pos += int64(d)
		if err != nil {
			return eofTruncated(err)
		}
		n -= step
	}
	return nil
}

// Read lets a seqReader feed other readers (CRC, inflate).
func (q *seqReader) Read(p []byte) (int, error) {
	n, err := q.br.Read(p)
	q.pos += int64(n)
	return n, err
}

func eofTruncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTruncated
	}
	return err
}

var bufioFull = bufio.ErrBufferFull
