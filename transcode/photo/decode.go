package photo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/quangba/quangba/ingest/probe"
)

// decoded is a source's opaque pixels, possibly reduced by a scaled decode.
type decoded struct {
	img         image.Image
	full        image.Point // size of img at full scale
	orientation int         // EXIF orientation still to apply to img
}

// decode returns the source's pixels, with a long edge no smaller than
// maxLong (or the source's) except for the scaleSlack of a scaled JPEG
// decode.
func decode(ctx context.Context, src *source, maxLong int, opts Options) (d decoded, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = decoded{}, fmt.Errorf("photo: decode %s: %w (decoder panic: %v)", src.path, ErrCorrupt, p)
		}
	}()
	d.orientation = src.orientation
	switch {
	case isHEIF(src.format):
		// libheif has already applied irot/imir: the pixels are upright.
		d.orientation = 1
		d.img, d.full, err = decodeHEIF(ctx, src, maxLong, opts)
		return d, err
	case src.format == probe.FormatJPEG:
		d.img, d.full, err = decodeJPEG(src.data, maxLong, turbo(opts))
	case src.format == probe.FormatWebP && animatedWebP(src.data):
		d.img, err = decodeAnimatedWebP(src.data)
		if err == nil {
			d.full = d.img.Bounds().Size()
		}
	default:
		d.img, err = decodeOther(src.format, src.data)
		if err == nil {
			d.full = d.img.Bounds().Size()
		}
	}
	if err != nil {
		return decoded{}, fmt.Errorf("photo: decode %s: %w", src.path, err)
	}
	return d, nil
}

// decodeOther decodes PNG, GIF (first frame), TIFF and still WebP and
// flattens any transparency onto white.
func decodeOther(f probe.Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	var m image.Image
	var err error
	switch f {
	case probe.FormatPNG:
		m, err = png.Decode(r)
	case probe.FormatGIF:
		m, err = gif.Decode(r)
	case probe.FormatTIFF:
		m, err = tiff.Decode(r)
	case probe.FormatWebP:
		m, err = webp.Decode(r)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, f.Name)
	}
	if err != nil {
		return nil, decodeErr(err)
	}
	return flatten(m), nil
}

// decodeErr gives a decoder's error its kind: a feature the decoder lacks
// is unsupported, anything else means broken data.
func decodeErr(err error) error {
	switch err.(type) {
	case png.UnsupportedError, jpeg.UnsupportedError, tiff.UnsupportedError:
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

// flatten composites a non-opaque image onto white.
func flatten(m image.Image) image.Image {
	if o, ok := m.(interface{ Opaque() bool }); ok && o.Opaque() {
		return m
	}
	b := m.Bounds()
	dst := image.NewNRGBA(b)
	draw.Draw(dst, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b, m, b.Min, draw.Over)
	return dst
}

// animatedWebP reports whether a WebP's VP8X header sets the animation flag.
func animatedWebP(data []byte) bool {
	return len(data) > 20 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0
}
