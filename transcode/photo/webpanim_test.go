package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"testing"

	"golang.org/x/image/webp"
)

// animate wraps a still WebP's bitstream as the only frame of an animated
// WebP, at offset at on a canvas of the given size.
func animate(t *testing.T, still []byte, canvas, at image.Point) []byte {
	t.Helper()
	var bits []byte
	eachChunk(still[12:], func(id string, b []byte) (bool, error) {
		if id == "VP8 " || id == "VP8L" || id == "ALPH" {
			bits = append(bits, chunk(id, b)...)
		}
		return false, nil
	})
	m, err := webp.DecodeConfig(bytes.NewReader(still))
	if err != nil || bits == nil {
		t.Fatalf("still WebP: %v", err)
	}
	x := make([]byte, 10)
	x[0] = 0x02 // animation
	put24(x[4:], canvas.X-1)
	put24(x[7:], canvas.Y-1)
	f := make([]byte, 16)
	put24(f[0:], at.X/2)
	put24(f[3:], at.Y/2)
	put24(f[6:], m.Width-1)
	put24(f[9:], m.Height-1)
	put24(f[12:], 100)
	body := append(append(chunk("VP8X", x), chunk("ANIM", make([]byte, 6))...), chunk("ANMF", append(f, bits...))...)
	riff := append([]byte("RIFF\x00\x00\x00\x00WEBP"), body...)
	binary.LittleEndian.PutUint32(riff[4:], uint32(len(riff)-8))
	return riff
}

func TestAnimatedWebPFirstFrame(t *testing.T) {
	still, err := os.ReadFile(mediaPath("images/formats/mde_webp_Alpha_Lossless_2.webp"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := webp.Decode(bytes.NewReader(still))
	if err != nil {
		t.Fatal(err)
	}
	size := ref.Bounds().Size()
	canvas, at := size.Add(image.Pt(40, 20)), image.Pt(20, 10)
	path := writeTemp(t, "anim.webp", animate(t, still, canvas, at))
	outs, err := Render(context.Background(), path, Options{Renditions: []Rendition{{"web", 4096}}})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	got, err := jpeg.Decode(bytes.NewReader(outs[0].JPEG))
	if err != nil || got.Bounds().Size() != canvas {
		t.Fatalf("output %v, %v; want the %v canvas", got.Bounds(), err, canvas)
	}
	if d := colorDist(got.At(2, 2), color.White); d > 12 {
		t.Errorf("canvas outside the frame is %v; want white", got.At(2, 2))
	}
	want := flatten(ref)
	var sum, n float64
	for y := 0; y < size.Y; y += 3 {
		for x := 0; x < size.X; x += 3 {
			sum += colorDist(got.At(at.X+x, at.Y+y), want.At(x, y))
			n++
		}
	}
	if mean := sum / n; mean > 6 {
		t.Errorf("frame pixels differ by %.1f on average from the still picture; want ≤ 6", mean)
	}
	if _, err := Render(context.Background(), writeTemp(t, "bad.webp", animate(t, still, size, at)), Options{}); err == nil {
		t.Error("a frame outside its canvas was accepted")
	}
}

// colorDist is the mean absolute RGB difference of two colours (0–255).
func colorDist(a, b color.Color) float64 {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) float64 {
		if x > y {
			return float64(x-y) / 257
		}
		return float64(y-x) / 257
	}
	return (d(ar, br) + d(ag, bg) + d(ab, bb)) / 3
}

func TestAnimatedWebPSample(t *testing.T) {
	outs, err := Render(context.Background(), mediaPath("images/formats/pillow_iss634_animated.webp"), Options{})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	for _, o := range outs {
		if o.Width != 245 || o.Height != 245 { // the VP8X canvas; never enlarged
			t.Errorf("%s is %dx%d; want 245x245", o.Name, o.Width, o.Height)
		}
	}
}
