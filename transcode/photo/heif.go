package photo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// heifArgs builds the heif-convert command line that decodes in into a
// high-quality JPEG at out. Relative paths get "./" so that a file name
// starting with "-" is never read as an option.
func heifArgs(in, out string) []string {
	return []string{"--quiet", "-q", "95", notAFlag(in), notAFlag(out)}
}

func notAFlag(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return "./" + p
}

// decodeHEIF converts HEIC/HEIF/AVIF with heif-convert in a private scratch
// folder, removed afterwards whatever happens, and decodes the JPEG.
// The JPEG holds upright pixels and libheif's copy of the EXIF, whose
// orientation tag we must ignore.
func decodeHEIF(ctx context.Context, src *source, maxLong int, opts Options) (image.Image, image.Point, error) {
	fail := func(err error) (image.Image, image.Point, error) { return nil, image.Point{}, err }
	dir, err := os.MkdirTemp(opts.TempDir, "photo-heif-")
	if err != nil {
		return fail(fmt.Errorf("photo: scratch for %s: %w", src.path, err))
	}
	defer os.RemoveAll(dir)
	if err := runHeifConvert(ctx, opts, src.path, filepath.Join(dir, "out.jpg")); err != nil {
		return fail(err)
	}
	data, err := heifOutput(dir)
	if err != nil {
		return fail(fmt.Errorf("photo: heif-convert %s: %w", src.path, err))
	}
	m, full, err := decodeJPEG(data, maxLong, turbo(opts))
	if err != nil {
		return fail(fmt.Errorf("photo: decode heif-convert output of %s: %w", src.path, err))
	}
	return m, full, nil
}

// runHeifConvert runs heif-convert with a timeout, keeping its messages for
// the error.
func runHeifConvert(ctx context.Context, opts Options, in, out string) error {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	var msgs bytes.Buffer
	cmd := exec.CommandContext(ctx, opts.HeifConvert, heifArgs(in, out)...)
	cmd.Stdout, cmd.Stderr = &msgs, &msgs
	cmd.SysProcAttr, cmd.WaitDelay = childAttr(), 5*time.Second
	err := cmd.Run()
	switch {
	case err == nil:
		return nil
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("photo: %s for %s: %w (install libheif-examples): %v", opts.HeifConvert, in, ErrToolMissing, err)
	case ctx.Err() != nil:
		return fmt.Errorf("photo: heif-convert %s: stopped after %s: %w", in, opts.Timeout, ctx.Err())
	}
	kind := ErrCorrupt
	if strings.Contains(strings.ToLower(msgs.String()), "unsupported") {
		kind = ErrUnsupported
	}
	return fmt.Errorf("photo: heif-convert %s: %w: %v: %s", in, kind, err, strings.TrimSpace(msgs.String()))
}

// heifOutput reads what heif-convert wrote: out.jpg, or out-1.jpg when the
// file holds several top-level images (we render the first).
func heifOutput(dir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, "out.jpg"))
	if errors.Is(err, os.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join(dir, "out-1.jpg"))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: no output: %v", ErrCorrupt, err)
	}
	return data, nil
}
