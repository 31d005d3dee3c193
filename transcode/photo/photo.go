// Package photo makes the named JPEG renditions of a photo.
package photo

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/photo/turbojpeg"
)

// Rendition is one named output size.
type Rendition struct {
	Name     string // e.g. "thumb", "preview", "web"
	LongEdge int    // pixels on the long edge; never upscaled
}

// DefaultRenditions returns web 2048, preview 1280 and thumb 320.
func DefaultRenditions() []Rendition {
	return []Rendition{{"web", 2048}, {"preview", 1280}, {"thumb", 320}}
}

// Options control Render. Zero fields take the defaults.
type Options struct {
	Renditions  []Rendition   // sizes to make (default: DefaultRenditions)
	Quality     int           // JPEG quality 1..100 (default: 85)
	MaxPixels   int64         // refuse sources declaring more pixels (default: 200,000,000, the ingest default)
	HeifConvert string        // heif-convert binary for HEIC/HEIF/AVIF (default: "heif-convert" on PATH)
	Timeout     time.Duration // longest a heif-convert run may take (default: 2m)
	TempDir     string        // scratch for heif-convert output (default: os.TempDir())
	// NoTurbo forces the pure-Go JPEG path (stdlib decode and encode) even
	// when libjpeg-turbo is available; tests and benchmarks use it.
	NoTurbo bool
}

// Output is one encoded rendition.
type Output struct {
	Name          string
	Width, Height int    // of the encoded JPEG (upright)
	JPEG          []byte // sRGB JPEG with no EXIF/XMP/IPTC, quality Options.Quality
}

// Failure kinds: every error from Render caused by the file's content wraps
// exactly one of them. Errors reading the file wrap the os error instead.
var (
	// ErrCorrupt: the source cannot be decoded (empty, truncated, broken);
	// retrying will not help.
	ErrCorrupt = errors.New("photo: corrupt image")
	// ErrUnsupported: not an image format we render (video, raw, animated WebP…).
	ErrUnsupported = errors.New("photo: unsupported format")
	// ErrTooManyPixels: the source declares more than Options.MaxPixels.
	ErrTooManyPixels = errors.New("photo: image has too many pixels")
	// ErrToolMissing: heif-convert, needed for HEIC/HEIF/AVIF, is absent.
	ErrToolMissing = errors.New("photo: heif-convert missing")
)

func (o Options) withDefaults() Options {
	if len(o.Renditions) == 0 {
		o.Renditions = DefaultRenditions()
	}
	if o.Quality == 0 {
		o.Quality = 85
	}
	if o.MaxPixels == 0 {
		o.MaxPixels = probe.DefaultMaxPixels
	}
	if o.HeifConvert == "" {
		o.HeifConvert = "heif-convert"
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	return o
}

// Validate reports the first unusable setting (after defaults).
func (o Options) Validate() error {
	o = o.withDefaults()
	switch {
	case o.Quality < 1 || o.Quality > 100:
		return fmt.Errorf("photo: quality %d is outside 1..100", o.Quality)
	case o.MaxPixels < 0 || o.Timeout < 0:
		return errors.New("photo: max_pixels and timeout must not be negative")
	}
	for _, r := range o.Renditions {
		if r.LongEdge < 1 || r.Name == "" {
			return fmt.Errorf("photo: rendition %q needs a name and a positive long edge", r.Name)
		}
	}
	return nil
}

// TurboAvailable reports whether the libjpeg-turbo path is in use (unless
// Options.NoTurbo asks for the pure-Go path).
func TurboAvailable() bool { return turbo(Options{}) != nil }

// loadTurbo is a variable so that a test can make loading fail.
var loadTurbo = turbojpeg.Default

// turbo returns the library to use, or nil for the pure-Go path.
func turbo(o Options) *turbojpeg.Lib {
	if o.NoTurbo {
		return nil
	}
	lib, err := loadTurbo()
	if err != nil {
		return nil
	}
	return lib
}
