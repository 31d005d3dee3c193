package video

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// box is one ISO BMFF box: its type, where its payload starts, and its
// payload size.
type box struct {
	typ         string
	start, size int64
}

// boxes lists the boxes found in r between off and end, in file order.
func boxes(r io.ReaderAt, off, end int64) ([]box, error) {
	var out []box
	for off+8 <= end {
		var hdr [16]byte
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return out, err
		}
		size, hlen := int64(binary.BigEndian.Uint32(hdr[:4])), int64(8)
		switch size {
		case 0: // to the end of the file
			size = end - off
		case 1: // 64-bit size follows the type
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return out, err
			}
			size, hlen = int64(binary.BigEndian.Uint64(hdr[8:16])), 16
		}
		if size < hlen || off+size > end {
			return out, fmt.Errorf("box %q at %d claims %d bytes, past the end", hdr[4:8], off, size)
		}
		out = append(out, box{typ: string(hdr[4:8]), start: off + hlen, size: size - hlen})
		off += size
	}
	return out, nil
}

// topBoxes lists the top-level boxes of the MP4 or MOV file at path.
func topBoxes(path string) ([]box, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	bs, err := boxes(f, 0, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return bs, f, nil
}

// moovFirst reports whether the file's index (moov) comes before its
// media data (mdat), so that playback can start while downloading. It
// reads the file's box headers, not any flag.
func moovFirst(path string) (bool, error) {
	bs, f, err := topBoxes(path)
	if err != nil {
		return false, err
	}
	f.Close()
	for _, b := range bs {
		switch b.typ {
		case "moov":
			return true, nil
		case "mdat":
			return false, nil
		}
	}
	return false, errors.New("no moov or mdat box")
}

// mp4Duration reads the presentation duration from the movie header
// (moov/mvhd) of an MP4 file.
func mp4Duration(path string) (time.Duration, error) {
	bs, f, err := topBoxes(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	for _, b := range bs {
		if b.typ != "moov" {
			continue
		}
		inner, err := boxes(f, b.start, b.start+b.size)
		if err != nil {
			return 0, err
		}
		for _, m := range inner {
			if m.typ == "mvhd" {
				return mvhdDuration(f, m)
			}
		}
	}
	return 0, errors.New("no moov/mvhd box")
}

func mvhdDuration(r io.ReaderAt, m box) (time.Duration, error) {
	var b [32]byte
	n, err := r.ReadAt(b[:min(int64(len(b)), m.size)], m.start)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	var scale, dur uint64
	switch {
	case n >= 20 && b[0] == 0:
		scale, dur = uint64(binary.BigEndian.Uint32(b[12:16])), uint64(binary.BigEndian.Uint32(b[16:20]))
	case n >= 32 && b[0] == 1:
		scale, dur = uint64(binary.BigEndian.Uint32(b[20:24])), binary.BigEndian.Uint64(b[24:32])
	default:
		return 0, errors.New("short or unknown mvhd box")
	}
	if scale == 0 {
		return 0, errors.New("mvhd time scale is 0")
	}
	return time.Duration(float64(dur) / float64(scale) * float64(time.Second)), nil
}
