package photo

import (
	"testing"

	"github.com/disintegration/imaging"
)

// Quality floors from PERFORMANCE.md: PSNR against a float Lanczos3 resize
// of the full source.
const (
	floorWeb   = 39.5 // dB at 2048 px
	floorThumb = 34.0 // dB at 320 px
)

// TestQualityFloor: on a real 12 MP photo, both paths (scaled decode,
// cascade, per-step filters) stay above the floors.
func TestQualityFloor(t *testing.T) {
	requireTurbo(t)
	path := mediaPath("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	full := decodeFile(t, path)
	for _, p := range jpegPaths {
		outs := render(t, path, p.opts)
		for _, c := range []struct {
			name  string
			floor float64
		}{{"web", floorWeb}, {"thumb", floorThumb}} {
			o := output(t, outs, c.name)
			ref := imaging.Resize(full, o.Width, o.Height, imaging.Lanczos)
			_, psnr := rgbDiff(t, decodeOutput(t, o), ref)
			t.Logf("%s %s %dx%d: %.2f dB", p.name, c.name, o.Width, o.Height, psnr)
			if psnr < c.floor {
				t.Errorf("%s %s: PSNR %.2f dB, floor %.1f", p.name, c.name, psnr, c.floor)
			}
		}
	}
}
