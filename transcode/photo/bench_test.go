package photo

import (
	"context"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// benchSource writes a w×h JPEG (q90) made from the real 12 MP photo,
// resized and with noise added so that it decodes like a camera file.
func benchSource(b *testing.B, w, h int) string {
	src := decodeFile(b, mediaPath("images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"))
	m := imaging.Fill(src, w, h, imaging.Center, imaging.CatmullRom)
	addNoise(m, 4)
	return writeTemp(b, "bench.jpg", encodeJPEG(b, m, 90))
}

// addNoise adds Gaussian noise of the given standard deviation per channel.
func addNoise(m *image.NRGBA, sigma float64) {
	r := rand.New(rand.NewPCG(1, 2))
	for i, v := range m.Pix {
		if i%4 != 3 {
			m.Pix[i] = uint8(min(255, max(0, float64(v)+r.NormFloat64()*sigma)))
		}
	}
}

func benchRender(b *testing.B, w, h int) {
	requireTurbo(b)
	path := benchSource(b, w, h)
	for _, p := range jpegPaths {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(context.Background(), path, p.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRender12MP(b *testing.B) { benchRender(b, 4000, 3000) }
func BenchmarkRender24MP(b *testing.B) { benchRender(b, 6000, 4000) }
