package video

import (
	"math/rand"
	"testing"
)

// frame builds a w×h grey frame from f(x, y).
func frame(w, h int, f func(x, y int) int) []byte {
	b := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			b[y*w+x] = byte(max(0, min(255, f(x, y))))
		}
	}
	return b
}

// blur is a 5×5 box blur: the same picture, out of focus.
func blur(b []byte, w, h int) []byte {
	return frame(w, h, func(x, y int) int {
		s, n := 0, 0
		for dy := -2; dy <= 2; dy++ {
			for dx := -2; dx <= 2; dx++ {
				if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
					s += int(b[yy*w+xx])
					n++
				}
			}
		}
		return s / n
	})
}

func TestSharpness(t *testing.T) {
	const w, h = 64, 48
	rng := rand.New(rand.NewSource(1))
	detail := frame(w, h, func(x, y int) int { return 60 + (x/4+y/4)%2*120 + rng.Intn(30) })
	blurred := blur(detail, w, h)
	black := frame(w, h, func(x, y int) int { return 8 + rng.Intn(12) }) // dark, noisy sensor
	flat := frame(w, h, func(x, y int) int { return 128 + rng.Intn(4) })
	dimSharp := frame(w, h, func(x, y int) int { return 10 + (x/2+y/2)%2*20 }) // sharp but nearly black

	sharp, soft := sharpness(detail, w, h), sharpness(blurred, w, h)
	if !(sharp > soft) {
		t.Errorf("sharp %.1f ≤ blurred %.1f", sharp, soft)
	}
	for name, f := range map[string][]byte{"black": black, "flat": flat, "dark but sharp": dimSharp} {
		if s := sharpness(f, w, h); s >= soft {
			t.Errorf("%s frame scores %.1f, above a blurred picture's %.1f", name, s, soft)
		}
	}
	if s := sharpness([]byte{1, 2}, 2, 1); s != 0 {
		t.Errorf("tiny frame: %v", s)
	}
}
