package photo

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"

	"github.com/quangba/quangba/transcode/photo/turbojpeg"
)

// encode writes m, which is opaque, as a JPEG with no metadata.
func encode(lib *turbojpeg.Lib, m image.Image, quality int) ([]byte, error) {
	n := asNRGBA(m)
	if lib != nil {
		return lib.Encode(n, quality)
	}
	var buf bytes.Buffer
	// The stdlib encoder is fast only for *image.RGBA; opaque NRGBA has the
	// same bytes.
	rgba := &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// asNRGBA returns m as *image.NRGBA, converting only when it is not one.
func asNRGBA(m image.Image) *image.NRGBA {
	if n, ok := m.(*image.NRGBA); ok {
		return n
	}
	b := m.Bounds()
	n := image.NewNRGBA(b)
	draw.Draw(n, b, m, b.Min, draw.Src)
	return n
}
