package photo

import (
	"image"

	"github.com/disintegration/imaging"
)

// resize resamples m, which is opaque (decode flattens transparency), to
// size with filter: with our resampler, or imaging for what it does not
// take.
func resize(m image.Image, size image.Point, filter imaging.ResampleFilter) image.Image {
	b := m.Bounds()
	if b.Dx() == size.X && b.Dy() == size.Y {
		return m
	}
	if r := resample(m, size.X, size.Y, filter); r != nil {
		return r
	}
	return imaging.Resize(m, size.X, size.Y, filter)
}

// Filters per step. The first step, from the decoded source, uses Lanczos:
// it keeps the fine detail the 2048 px quality floor asks for. Later steps
// start from an already band-limited image, where CatmullRom measures within
// a few tenths of a dB of Lanczos (both far above the floor) at a quarter
// less work.
var (
	firstFilter   = imaging.Lanczos
	cascadeFilter = imaging.CatmullRom
)
