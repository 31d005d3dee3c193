package photo

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/disintegration/imaging"
)

// A separable resampler for opaque images, several times faster than
// imaging.Resize with the same kernels (imaging stays the reference in the
// tests). A pixel is packed in a uint64 with R, G and B in 21-bit lanes,
// so one integer multiply weighs all three channels. Weights are 12-bit
// fixed point. Each lane carries an offset of laneBias that keeps its sum
// positive, so lanes never borrow from each other.

const (
	weightBits = 12
	weightOne  = 1 << weightBits
	half       = weightOne / 2 // rounding
	laneBits   = 21
	laneMask   = 1<<laneBits - 1
	laneBias   = 1 << 19
	lanes      = 1 | 1<<laneBits | 1<<(2*laneBits)
	accInit    = (laneBias + half) * lanes
)

// pack puts an RGB pixel in lanes.
func pack(r, g, b uint8) uint64 {
	return uint64(r) | uint64(g)<<laneBits | uint64(b)<<(2*laneBits)
}

// unpack rounds the lanes of a weighted sum to 0..255.
func unpack(acc uint64) (r, g, b uint8) {
	return clampLane(acc & laneMask), clampLane(acc >> laneBits & laneMask), clampLane(acc >> (2 * laneBits))
}

func clampLane(v uint64) uint8 {
	return uint8(min(max((int64(v)-laneBias)>>weightBits, 0), 255))
}

// taps holds the weights along one axis: output i reads n source pixels
// from lo[i] with weights w[i*n:(i+1)*n], which sum to weightOne. pos and
// neg are the largest sums of the positive and negative weights.
type taps struct {
	lo, w    []int32
	n        int
	pos, neg int64
}

// makeTaps computes the weights of imaging's precomputeWeights (support
// widened by the scale factor when shrinking) and rounds them to integers.
func makeTaps(dst, src int, f imaging.ResampleFilter) taps {
	du := float64(src) / float64(dst)
	scale := max(du, 1)
	ru := math.Ceil(scale * f.Support)
	all := make([][]int32, dst)
	t := taps{lo: make([]int32, dst)}
	var fw []float64
	for v := range dst {
		fu := (float64(v)+0.5)*du - 0.5
		begin := max(0, int(math.Ceil(fu-ru)))
		end := min(src-1, int(math.Floor(fu+ru)))
		fw = fw[:0]
		var sum float64
		for u := begin; u <= end; u++ {
			w := f.Kernel((float64(u) - fu) / scale)
			fw = append(fw, w)
			sum += w
		}
		if sum == 0 { // cannot happen for these kernels; be safe anyway
			begin, fw, sum = min(src-1, max(0, int(math.Round(fu)))), append(fw[:0], 1), 1
		}
		// Round the running sum, not each weight: the weights then sum
		// exactly to one (a flat area stays flat), and the rounding errors
		// cancel out even when there are thousands of tiny weights.
		q := make([]int32, len(fw))
		var cum float64
		var prev int32
		for i, w := range fw {
			cum += w / sum * weightOne
			q[i] = int32(math.Round(cum)) - prev
			prev += q[i]
		}
		q[len(q)-1] += weightOne - prev
		for len(q) > 1 && q[len(q)-1] == 0 {
			q = q[:len(q)-1]
		}
		for len(q) > 1 && q[0] == 0 {
			q, begin = q[1:], begin+1
		}
		t.lo[v], all[v], t.n = int32(begin), q, max(t.n, len(q))
	}
	// Give every output n taps (n ≤ src), padding with zeros on the side
	// that stays inside the source.
	t.w = make([]int32, 0, dst*t.n)
	for v, q := range all {
		pad := t.n - len(q)
		start := min(0, src-int(t.lo[v])-t.n) // ≤ 0: taps to add on the left
		t.lo[v] += int32(start)
		t.w = append(t.w, make([]int32, -start)...)
		t.w = append(t.w, q...)
		t.w = append(t.w, make([]int32, pad+start)...)
		var pos, neg int64
		for _, w := range q {
			pos, neg = pos+int64(max(w, 0)), neg-int64(min(w, 0))
		}
		t.pos, t.neg = max(t.pos, pos), max(t.neg, neg)
	}
	return t
}

// fits reports whether every weighted sum of values 0..255 stays inside
// its lane.
func (t taps) fits() bool {
	return 255*t.neg <= laneBias+half && laneBias+half+255*t.pos <= laneMask
}

// clampLanes takes the lanes of a weighted sum to 0..255 in a few
// operations: u = sum>>weightBits is 128 plus the value, 0 ≤ u < 512.
func clampLanes(sum uint64) uint64 {
	const mask9 = (1<<9 - 1) * lanes
	t := sum>>weightBits&mask9 + (512-128)*lanes // bit 9 set iff u ≥ 128, then the low bits hold u-128
	z := t & (t >> 9 & lanes * 511)              // u-128, or 0 if negative; < 384
	return (z | z>>8&lanes*255) & (255 * lanes)
}

// resample resizes an opaque m to w×h with filter f. It returns nil when it
// cannot take m (an unusual pixel type, or pixels that are not opaque) or
// f; the caller then uses imaging.
func resample(m image.Image, w, h int, f imaging.ResampleFilter) *image.NRGBA {
	b := m.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || sw <= 0 || sh <= 0 || f.Support <= 0 {
		return nil
	}
	read := rowReader(m)
	if read == nil {
		return nil
	}
	tx, ty := makeTaps(w, sw, f), makeTaps(h, sh, f)
	if !tx.fits() || !ty.fits() {
		return nil
	}
	// Horizontal pass: source rows to packed rows of width w.
	mid := make([]uint64, w*sh)
	var translucent atomic.Bool
	parallelRows(sh, func() func(int) {
		buf := make([]uint64, sw)
		return func(y int) {
			if !read(y, buf) {
				translucent.Store(true)
			}
			filterRow(mid[y*w:(y+1)*w], buf, &tx)
		}
	})
	if translucent.Load() {
		return nil
	}
	// Vertical pass: each output row sums whole intermediate rows.
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	parallelRows(h, func() func(int) {
		acc := make([]uint64, w)
		return func(y int) {
			ws := ty.w[y*ty.n : (y+1)*ty.n]
			s := mid[int(ty.lo[y])*w:]
			for i := range acc {
				acc[i] = accInit
			}
			for ; len(ws) >= 2; ws, s = ws[2:], s[2*w:] {
				w0, w1 := uint64(ws[0]), uint64(ws[1])
				a, c := s[:len(acc)], s[w:][:len(acc)]
				for i := range acc {
					acc[i] += a[i]*w0 + c[i]*w1
				}
			}
			if len(ws) == 1 {
				w0, a := uint64(ws[0]), s[:len(acc)]
				for i := range acc {
					acc[i] += a[i] * w0
				}
			}
			d := dst.Pix[y*dst.Stride:][:w*4]
			for x, v := range acc {
				q := d[x*4 : x*4+4 : x*4+4]
				q[0], q[1], q[2] = unpack(v)
				q[3] = 0xff
			}
		}
	})
	return dst
}

// filterRow filters one packed source row into d.
func filterRow(d, s []uint64, t *taps) {
	n := t.n
	lo, w := t.lo[:len(d)], t.w[:len(d)*n]
	for x := range d {
		d[x] = clampLanes(dot(s[lo[x]:], w[x*n:x*n+n]))
	}
}

// dot weighs p by ws (negative weights convert to uint64 modulo 2⁶⁴, which
// is what the lanes need). Not inlined: alone, its sum stays in a register
// (12% faster).
//
//go:noinline
func dot(p []uint64, ws []int32) uint64 {
	acc := uint64(accInit)
	p = p[:len(ws)]
	for i, w := range ws {
		acc += p[i] * uint64(w)
	}
	return acc
}

// rowReader returns a function that packs source row y (0-based) into buf
// and reports whether it is opaque; nil if m is a type it does not read.
func rowReader(m image.Image) func(y int, buf []uint64) bool {
	b := m.Bounds()
	var pix []uint8
	var stride int
	switch m := m.(type) {
	case *image.NRGBA:
		pix, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.RGBA: // opaque RGBA has NRGBA's bytes
		pix, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.YCbCr:
		return func(y int, buf []uint64) bool {
			for x := range buf {
				yi, ci := m.YOffset(b.Min.X+x, b.Min.Y+y), m.COffset(b.Min.X+x, b.Min.Y+y)
				buf[x] = pack(color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci]))
			}
			return true
		}
	case *image.Gray:
		return func(y int, buf []uint64) bool {
			for x, v := range m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:len(buf)] {
				buf[x] = pack(v, v, v)
			}
			return true
		}
	default:
		return nil
	}
	return func(y int, buf []uint64) bool {
		s := pix[y*stride:][:len(buf)*4]
		alpha := uint8(0xff)
		for x := range buf {
			c := s[x*4 : x*4+4 : x*4+4]
			buf[x] = pack(c[0], c[1], c[2])
			alpha &= c[3]
		}
		return alpha == 0xff
	}
}

// parallelRows calls a row function for every y in [0, n), spread over
// GOMAXPROCS goroutines in small blocks taken in turn; newRow runs once
// per goroutine and can allocate its scratch buffers.
func parallelRows(n int, newRow func() func(y int)) {
	const block = 8
	procs := min(runtime.GOMAXPROCS(0), (n+block-1)/block)
	var next atomic.Int64
	work := func() {
		row := newRow()
		for {
			lo := int(next.Add(block)) - block
			if lo >= n {
				return
			}
			for y := lo; y < min(lo+block, n); y++ {
				row(y)
			}
		}
	}
	var wg sync.WaitGroup
	for range procs - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
