package photo

import (
	"image"

	"github.com/disintegration/imaging"
)

// orient applies an EXIF orientation (1..8) so that m becomes upright.
// It runs on the small outputs, not the source: cheaper and half the memory.
func orient(m image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(m)
	case 3:
		return imaging.Rotate180(m)
	case 4:
		return imaging.FlipV(m)
	case 5:
		return imaging.Transpose(m)
	case 6:
		return imaging.Rotate270(m)
	case 7:
		return imaging.Transverse(m)
	case 8:
		return imaging.Rotate90(m)
	}
	return m
}
