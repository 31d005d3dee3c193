package photo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"github.com/quangba/quangba/transcode/photo/turbojpeg"
)

// decodeJPEG decodes with libjpeg-turbo at the smallest fast DCT scale that
// still covers target, or with the stdlib when lib is nil or the JPEG is
// CMYK/YCCK (the stdlib undoes Adobe's inverted CMYK; colour matters more
// than speed for these rare files).
// It also returns the full-scale size.
func decodeJPEG(data []byte, maxLong int, lib *turbojpeg.Lib) (image.Image, image.Point, error) {
	if lib != nil {
		hdr, err := lib.DecodeHeader(data)
		if err != nil {
			return nil, image.Point{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		full := image.Pt(hdr.Width, hdr.Height)
		if hdr.ColorSpace != turbojpeg.CMYK && hdr.ColorSpace != turbojpeg.YCCK {
			m, err := lib.Decode(data, pickScale(full, maxLong))
			if err != nil {
				return nil, image.Point{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			return m, full, nil
		}
	}
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, image.Point{}, decodeErr(err)
	}
	if c, ok := m.(*image.CMYK); ok {
		m = cmykToNRGBA(c)
	}
	return m, m.Bounds().Size(), nil
}

// scaleSlack is how much smaller than the largest rendition (in 1/100) a
// scaled decode may be. A 12 MP photo at 1/2 is 2000-2016 px wide, just
// under web's 2048: decoding it at 1/2 and letting the resampler enlarge it
// by 2% halves the work, and the web rendition still measures 44 dB against
// a Lanczos3 resize of the full source (floor: 39.5). Outputs are never
// larger than the source.
const scaleSlack = 5

// pickScale returns the smallest fast scale whose long edge still covers
// maxLong, or the source's long edge if that is smaller (within scaleSlack).
func pickScale(full image.Point, maxLong int) turbojpeg.Scale {
	long := max(full.X, full.Y)
	want := min(long, maxLong)
	for i := len(turbojpeg.Scales) - 1; i > 0; i-- {
		if s := turbojpeg.Scales[i]; covers(s.Apply(long), want) {
			return s
		}
	}
	return turbojpeg.Scales[0]
}

func covers(got, want int) bool { return got*100 >= want*(100-scaleSlack) }

// cmykToNRGBA converts once up front; the resampler would otherwise go
// through the slow generic path pixel by pixel.
func cmykToNRGBA(c *image.CMYK) *image.NRGBA {
	b := c.Bounds()
	n := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		si, di := c.PixOffset(b.Min.X, y), n.PixOffset(b.Min.X, y)
		for x := 0; x < b.Dx(); x, si, di = x+1, si+4, di+4 {
			s := c.Pix[si : si+4 : si+4]
			r, g, bl := color.CMYKToRGB(s[0], s[1], s[2], s[3])
			d := n.Pix[di : di+4 : di+4]
			d[0], d[1], d[2], d[3] = r, g, bl, 0xff
		}
	}
	return n
}
