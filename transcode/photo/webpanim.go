package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/webp"
)

// decodeAnimatedWebP renders the first frame of an animated WebP on its
// canvas, like the first frame of a GIF. x/image/webp reads only still
// files, so the frame's bitstream is rewrapped as one.
func decodeAnimatedWebP(data []byte) (image.Image, error) {
	canvas, frame, err := firstWebPFrame(data)
	if err != nil {
		return nil, fmt.Errorf("%w: animated WebP: %v", ErrCorrupt, err)
	}
	m, err := webp.Decode(bytes.NewReader(frame.still))
	if err != nil {
		return nil, decodeErr(err)
	}
	dst := image.NewNRGBA(image.Rectangle{Max: canvas})
	draw.Draw(dst, dst.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	r := m.Bounds().Sub(m.Bounds().Min).Add(frame.at)
	draw.Draw(dst, r, m, m.Bounds().Min, draw.Over)
	return dst, nil
}

// webpFrame is one ANMF frame as a still WebP file and its canvas offset.
type webpFrame struct {
	still []byte
	at    image.Point
}

// firstWebPFrame finds the canvas size (VP8X) and the first ANMF frame.
func firstWebPFrame(data []byte) (image.Point, webpFrame, error) {
	var canvas image.Point
	err := eachChunk(data[12:], func(id string, body []byte) (bool, error) {
		switch id {
		case "VP8X":
			if len(body) < 10 {
				return false, errors.New("short VP8X chunk")
			}
			canvas = image.Pt(1+u24(body[4:]), 1+u24(body[7:]))
		case "ANMF":
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return canvas, webpFrame{}, err
	}
	var frame webpFrame
	var found bool
	eachChunk(data[12:], func(id string, body []byte) (bool, error) {
		if id != "ANMF" {
			return false, nil
		}
		frame, err = parseANMF(body, canvas)
		found = true
		return true, nil
	})
	switch {
	case err != nil:
		return canvas, webpFrame{}, err
	case !found || canvas.X == 0:
		return canvas, webpFrame{}, errors.New("no VP8X canvas or no frame")
	}
	return canvas, frame, nil
}

// parseANMF reads a frame header (offset, size) and rewraps its ALPH and
// VP8/VP8L chunks as a still WebP.
func parseANMF(body []byte, canvas image.Point) (webpFrame, error) {
	if len(body) < 16 {
		return webpFrame{}, errors.New("short ANMF chunk")
	}
	at := image.Pt(2*u24(body[0:]), 2*u24(body[3:]))
	size := image.Pt(1+u24(body[6:]), 1+u24(body[9:]))
	if r := (image.Rectangle{Min: at, Max: at.Add(size)}); !r.In(image.Rectangle{Max: canvas}) {
		return webpFrame{}, fmt.Errorf("frame %v at %v outside the %v canvas", size, at, canvas)
	}
	var alpha, bits []byte
	err := eachChunk(body[16:], func(id string, b []byte) (bool, error) {
		switch id {
		case "ALPH":
			alpha = chunk(id, b)
		case "VP8 ", "VP8L":
			bits = chunk(id, b)
			return true, nil
		}
		return false, nil
	})
	if err != nil || bits == nil {
		return webpFrame{}, fmt.Errorf("frame without a bitstream (%v)", err)
	}
	var body2 []byte
	if alpha != nil && string(bits[:4]) == "VP8 " {
		x := make([]byte, 10)
		x[0] = 0x10 // alpha
		put24(x[4:], size.X-1)
		put24(x[7:], size.Y-1)
		body2 = append(append(chunk("VP8X", x), alpha...), bits...)
	} else {
		body2 = bits
	}
	riff := append([]byte("RIFF\x00\x00\x00\x00WEBP"), body2...)
	binary.LittleEndian.PutUint32(riff[4:], uint32(len(riff)-8))
	return webpFrame{still: riff, at: at}, nil
}

// eachChunk walks RIFF chunks (4CC, little-endian size, body, pad byte)
// until fn says stop.
func eachChunk(b []byte, fn func(id string, body []byte) (stop bool, err error)) error {
	for len(b) >= 8 {
		id, n := string(b[:4]), int(binary.LittleEndian.Uint32(b[4:8]))
		if n < 0 || n > len(b)-8 {
			return fmt.Errorf("chunk %q claims %d bytes, %d left", id, n, len(b)-8)
		}
		stop, err := fn(id, b[8:8+n])
		if stop || err != nil {
			return err
		}
		b = b[min(len(b), 8+n+n&1):]
	}
	return nil
}

func chunk(id string, body []byte) []byte {
	out := make([]byte, 8, 8+len(body)+1)
	copy(out, id)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	out = append(out, body...)
	if len(body)&1 == 1 {
		out = append(out, 0)
	}
	return out
}

func u24(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 }

func put24(b []byte, v int) { b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16) }
