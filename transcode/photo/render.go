package photo

import (
	"context"
	"fmt"
	"image"
	"sort"
	"sync"
)

// Render decodes the image at path (format detected from content), applies
// its orientation so the result is upright, and returns one Output per
// rendition in the order of opts.Renditions.
func Render(ctx context.Context, path string, opts Options) ([]Output, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	release, err := acquireLarge(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	src, err := openSource(path, opts.MaxPixels)
	if err != nil {
		return nil, err
	}
	d, err := decode(ctx, src, longest(opts.Renditions), opts)
	if err != nil {
		return nil, err
	}
	plan := planSizes(d.full.X, d.full.Y, opts.Renditions)
	lib, orientation := turbo(opts), d.orientation
	outs := make([]Output, len(opts.Renditions))
	// The closure must not capture d: the full decoded image would stay
	// alive through every step.
	err = plan.cascade(ctx, d.img, release, func(i int, m image.Image) error {
		up := orient(m, orientation)
		data, err := encode(lib, up, opts.Quality)
		if err != nil {
			return fmt.Errorf("photo: encode %s of %s: %w", opts.Renditions[i].Name, path, err)
		}
		b := up.Bounds()
		outs[i] = Output{Name: opts.Renditions[i].Name, Width: b.Dx(), Height: b.Dy(), JPEG: data}
		return nil
	})
	return outs, err
}

// sizePlan is the target size of each rendition in stored (not upright)
// orientation, with the order in which to make them: largest first.
type sizePlan struct {
	sizes []image.Point
	order []int
}

// planSizes caps every rendition at the source's long edge (never upscale)
// and keeps the aspect ratio.
func planSizes(w, h int, rs []Rendition) sizePlan {
	p := sizePlan{sizes: make([]image.Point, len(rs)), order: make([]int, len(rs))}
	for i, r := range rs {
		p.sizes[i] = fit(w, h, r.LongEdge)
		p.order[i] = i
	}
	sort.SliceStable(p.order, func(a, b int) bool { return rs[p.order[a]].LongEdge > rs[p.order[b]].LongEdge })
	return p
}

// fit scales w×h so that its long edge is at most long.
func fit(w, h, long int) image.Point {
	if max(w, h) <= long {
		return image.Pt(w, h)
	}
	if w >= h {
		return image.Pt(long, max(1, (h*long+w/2)/w))
	}
	return image.Pt(max(1, (w*long+h/2)/h), long)
}

// longest returns the largest long edge asked for.
func longest(rs []Rendition) int {
	n := 0
	for _, r := range rs {
		n = max(n, r.LongEdge)
	}
	return n
}

// cascade makes each size from the previous (larger) one, which is much
// cheaper than resampling the source each time, and hands it to emit.
// Once the largest size is made the source is no longer needed: release
// lets the next photo start decoding.
func (p sizePlan) cascade(ctx context.Context, src image.Image, release func(), emit func(i int, m image.Image) error) error {
	cur, filter := src, firstFilter
	for _, i := range p.order {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := resize(cur, p.sizes[i], filter)
		if next != cur {
			filter = cascadeFilter
		}
		cur = next
		release()
		if err := emit(i, cur); err != nil {
			return err
		}
	}
	return nil
}

// large admits one photo at a time to the memory-heavy phase (the source
// bytes, the decoded pixels and the first resample). The resampler already
// uses every core, so this costs little speed and keeps a worker pool's peak
// memory near that of one 24 MP photo instead of one per worker.
var large = make(chan struct{}, 1)

// acquireLarge waits for the heavy phase; the returned release is safe to
// call more than once.
func acquireLarge(ctx context.Context) (func(), error) {
	select {
	case large <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-large }) }, nil
}
