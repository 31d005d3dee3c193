package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/disintegration/imaging"

	"github.com/quangba/quangba/transcode/photo"
)

// The photo section times the rendition set (web 2048, preview 1280, thumb
// 320, q85) against vipsthumbnail and the naive imaging path, all in this
// run (see PERFORMANCE.md).

const (
	photoRuns    = 3  // runs of the single 24 MP image (median reported)
	photoBatch   = 50 // 12 MP photos per batch
	photoWorkers = 2
	rssPhotos    = 8 // 24 MP photos rendered by the RSS child
)

// photoPath is one way of making the rendition set; each call renders one
// file into scratch (out) files or memory.
type photoPath struct {
	what   string
	render func(ctx context.Context, in, out string) error
}

func photoPaths() []photoPath {
	return []photoPath{
		{"ours (libjpeg-turbo path)", oursRender(photo.Options{})},
		{"ours (pure-Go fallback)", oursRender(photo.Options{NoTurbo: true})},
		{"naive imaging (Lanczos from the source per size)", naiveRender},
		{"vipsthumbnail, three calls (reference)", vipsRender},
	}
}

func oursRender(opts photo.Options) func(ctx context.Context, in, out string) error {
	return func(ctx context.Context, in, out string) error {
		outs, err := photo.Render(ctx, in, opts)
		if err != nil {
			return err
		}
		return writeOutputs(out, outs)
	}
}

func writeOutputs(prefix string, outs []photo.Output) error {
	for _, o := range outs {
		if err := os.WriteFile(prefix+"_"+o.Name+".jpg", o.JPEG, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// naiveRender is the path PERFORMANCE.md calls naive: stdlib decode,
// Lanczos from the full source for every size, stdlib encode.
func naiveRender(_ context.Context, in, out string) error {
	src, err := decodeJPEGFile(in)
	if err != nil {
		return err
	}
	for _, r := range photo.DefaultRenditions() {
		b := src.Bounds()
		w, h := r.LongEdge, b.Dy()*r.LongEdge/b.Dx()
		if b.Dy() > b.Dx() {
			w, h = b.Dx()*r.LongEdge/b.Dy(), r.LongEdge
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, imaging.Resize(src, w, h, imaging.Lanczos), &jpeg.Options{Quality: 85}); err != nil {
			return err
		}
		if err := os.WriteFile(out+"_"+r.Name+".jpg", buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func vipsRender(ctx context.Context, in, out string) error {
	for _, r := range photo.DefaultRenditions() {
		dst := fmt.Sprintf("%s_%s.jpg[Q=85]", out, r.Name)
		cmd := exec.CommandContext(ctx, "vipsthumbnail", in, "-s", fmt.Sprint(r.LongEdge), "-o", dst)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("vipsthumbnail: %w: %s", err, msg)
		}
	}
	return nil
}

func decodeJPEGFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jpeg.Decode(f)
}

// runPhotoBench prepares the sources and prints the photo table.
func runPhotoBench(ctx context.Context, dir, photoSrc string) error {
	if _, err := exec.LookPath("vipsthumbnail"); err != nil {
		return fmt.Errorf("photo bench needs vipsthumbnail (Debian libvips-tools): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dir, _ = filepath.Abs(dir)
	p12, err := benchPhoto(photoSrc, filepath.Join(dir, "photo-12mp.jpg"), 4000, 3000)
	if err != nil {
		return err
	}
	p24, err := benchPhoto(photoSrc, filepath.Join(dir, "photo-24mp.jpg"), 6000, 4000)
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp(dir, "photo-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	rows, err := measurePhotoPaths(ctx, p12, p24, scratch)
	if err != nil {
		return err
	}
	rss, err := peakRSS(ctx, p24, scratch, "")
	if err != nil {
		return err
	}
	limited, err := peakRSS(ctx, p24, scratch, "200MiB")
	if err != nil {
		return err
	}
	printPhotoTable(rows, rss, limited)
	return nil
}

// peakRSS runs the RSS child photoRuns times (with GOMEMLIMIT set to limit
// unless empty) and returns the largest peak: it varies with GC timing.
func peakRSS(ctx context.Context, p24, scratch, limit string) (float64, error) {
	if limit != "" {
		os.Setenv("GOMEMLIMIT", limit)
		defer os.Unsetenv("GOMEMLIMIT")
	}
	peak := 0.0
	for range photoRuns {
		m, err := measure(ctx, "photo-rss", p24, "", "", filepath.Join(scratch, "rss"))
		if err != nil {
			return 0, fmt.Errorf("photo RSS child: %w", err)
		}
		peak = max(peak, m.rssMB)
	}
	return peak, nil
}

type photoRow struct {
	path              photoPath
	single            float64 // seconds per 24 MP photo, median
	batch             float64 // 12 MP photos per second, 2 workers
	psnrWeb, psnrThmb float64 // of the 24 MP outputs against a Lanczos3 float reference
}

func measurePhotoPaths(ctx context.Context, p12, p24, scratch string) ([]photoRow, error) {
	ref, err := lanczosRefs(p24)
	if err != nil {
		return nil, err
	}
	var rows []photoRow
	for i, p := range photoPaths() {
		fmt.Fprintf(os.Stderr, "qbbench: photo: %s\n", p.what)
		row := photoRow{path: p}
		out := filepath.Join(scratch, fmt.Sprint("p", i))
		var times []float64
		for range photoRuns {
			start := time.Now()
			if err := p.render(ctx, p24, out); err != nil {
				return nil, fmt.Errorf("%s: %w", p.what, err)
			}
			times = append(times, time.Since(start).Seconds())
		}
		sort.Float64s(times)
		row.single = times[len(times)/2]
		if row.psnrWeb, row.psnrThmb, err = outputPSNR(out, ref); err != nil {
			return nil, err
		}
		if row.batch, err = batchRate(ctx, p, p12, out); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// batchRate renders photoBatch copies of in on photoWorkers lanes (for
// vipsthumbnail: parallel chains of processes) and returns photos/s.
func batchRate(ctx context.Context, p photoPath, in, out string) (float64, error) {
	next := make(chan int, photoBatch)
	for i := range photoBatch {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	errs := make(chan error, photoWorkers)
	start := time.Now()
	for w := range photoWorkers {
		wg.Go(func() {
			for range next {
				if err := p.render(ctx, in, fmt.Sprintf("%s-w%d", out, w)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, fmt.Errorf("%s batch: %w", p.what, err)
	}
	return photoBatch / time.Since(start).Seconds(), nil
}

// lanczosRefs resizes the full decoded source with Lanczos3 (imaging works
// in float) to the web and thumb sizes.
func lanczosRefs(path string) (map[string]image.Image, error) {
	src, err := decodeJPEGFile(path)
	if err != nil {
		return nil, err
	}
	refs := map[string]image.Image{}
	for _, r := range photo.DefaultRenditions() {
		if r.Name == "web" || r.Name == "thumb" {
			refs[r.Name] = imaging.Fit(src, r.LongEdge, r.LongEdge, imaging.Lanczos)
		}
	}
	return refs, nil
}

func outputPSNR(prefix string, refs map[string]image.Image) (web, thumb float64, err error) {
	for name, dst := range map[string]*float64{"web": &web, "thumb": &thumb} {
		m, err := decodeJPEGFile(prefix + "_" + name + ".jpg")
		if err != nil {
			return 0, 0, err
		}
		*dst = psnr(m, refs[name])
	}
	return web, thumb, nil
}

// psnr compares RGB over the common area (sizes may differ by a pixel
// between tools that round differently).
func psnr(a, b image.Image) float64 {
	w, h := min(a.Bounds().Dx(), b.Bounds().Dx()), min(a.Bounds().Dy(), b.Bounds().Dy())
	var se float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r1, g1, b1, _ := a.At(a.Bounds().Min.X+x, a.Bounds().Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				se += d * d
			}
		}
	}
	return 10 * math.Log10(255*255/(se/float64(3*w*h)))
}

func printPhotoTable(rows []photoRow, rss, limited float64) {
	vips, naive := rows[len(rows)-1], rows[2]
	turbo := "libjpeg-turbo loaded"
	if !photo.TurboAvailable() {
		turbo = "libjpeg-turbo NOT loadable: the first row ran the pure-Go path"
	}
	fmt.Printf("\nPhoto renditions (web 2048, preview 1280, thumb 320, q85), %s, %s, %s\n\n", time.Now().Format("2006-01-02"), cpuInfo(), turbo)
	fmt.Printf("| path | 24 MP one image (s, median of %d) | × vips | 12 MP batch of %d, %d workers (photos/s) | × vips | × naive | PSNR web / thumb vs Lanczos3 (dB, 24 MP) |\n", photoRuns, photoBatch, photoWorkers)
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %s | %.3f | %.2f | %.1f | %.2f | %.2f | %.1f / %.1f |\n", r.path.what, r.single, r.single/vips.single,
			r.batch, r.batch/vips.batch, r.batch/naive.batch, r.psnrWeb, r.psnrThmb)
	}
	fmt.Printf("\nPeak RSS of ours (libjpeg-turbo path), %d workers rendering %d 24 MP photos, max of %d runs: %.0f MB (GOGC default), %.0f MB with GOMEMLIMIT=200MiB\n",
		photoWorkers, rssPhotos, photoRuns, rss, limited)
	fmt.Println("Targets: 24 MP ≤ 0.4× vips; batch ≥ 8 photos/s, ≥ 1.5× vips, ≥ 3.5× naive; PSNR ≥ 39.5 (web) / 34.0 (thumb); RSS ≤ 250 MB.")
}

// cpuInfo is lscpu's model name and the CPU count.
func cpuInfo() string {
	out, err := exec.Command("lscpu").Output()
	if err != nil {
		return "lscpu unavailable"
	}
	var model, cpus string
	for _, l := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(l, ":")
		switch strings.TrimSpace(k) {
		case "Model name":
			model = strings.TrimSpace(v)
		case "CPU(s)":
			cpus = strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf("%s, %s CPUs", model, cpus)
}

// runPhotoChild renders the 24 MP file rssPhotos times on photoWorkers
// goroutines, for the parent to read this process's peak RSS.
func runPhotoChild(ctx context.Context, file string) error {
	next := make(chan struct{}, rssPhotos)
	for range rssPhotos {
		next <- struct{}{}
	}
	close(next)
	var wg sync.WaitGroup
	errs := make(chan error, photoWorkers)
	start := time.Now()
	for range photoWorkers {
		wg.Go(func() {
			for range next {
				if _, err := photo.Render(ctx, file, photo.Options{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return report(start)
}

// benchPhoto makes (once) a w×h q90 JPEG from a real photograph, resized
// and with Gaussian noise (σ 4 per channel) so that it has camera-like
// detail and entropy: never flat colour.
func benchPhoto(src, path string, w, h int) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "qbbench: generating %s\n", path)
	m, err := decodeJPEGFile(src)
	if err != nil {
		return "", fmt.Errorf("photo bench source %s: %w", src, err)
	}
	n := imaging.Fill(m, w, h, imaging.Center, imaging.CatmullRom)
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for i, v := range n.Pix {
		if i%4 != 3 {
			n.Pix[i] = uint8(min(255, max(0, float64(v)+r.NormFloat64()*4+0.5)))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, n, &jpeg.Options{Quality: 90}); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
