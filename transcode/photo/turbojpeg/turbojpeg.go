// Package turbojpeg decodes and encodes JPEG with libjpeg-turbo, loaded at
// run time so that programs build and run where the library is absent.
package turbojpeg

import (
	"fmt"
	"sync"
)

// LibName is the shared library Default opens (Debian: libturbojpeg0).
const LibName = "libturbojpeg.so.0"

// ColorSpace is the colour space of a JPEG's components (TJCS_*).
type ColorSpace int

// JPEG colour spaces.
const (
	RGB ColorSpace = iota
	YCbCr
	Gray
	CMYK
	YCCK
)

// Header is what DecodeHeader reads without decoding pixels.
type Header struct {
	Width, Height int
	Subsampling   int // TJSAMP_*
	ColorSpace    ColorSpace
}

// Scale is a DCT-domain scaling factor Num/Denom. libjpeg-turbo has SIMD
// code only for 1/1, 1/2, 1/4 and 1/8; other eighths decode slower.
type Scale struct{ Num, Denom int }

// Scales are the fast factors, largest first.
var Scales = []Scale{{1, 1}, {1, 2}, {1, 4}, {1, 8}}

// Apply returns the scaled size of a dimension, rounded up as libjpeg does.
func (s Scale) Apply(dim int) int { return (dim*s.Num + s.Denom - 1) / s.Denom }

// Error is a failure reported by libjpeg-turbo.
type Error struct {
	Op    string // header, decode, encode, init
	Msg   string // the library's message
	Fatal bool   // false for warnings (damaged but decodable data)
}

func (e *Error) Error() string { return fmt.Sprintf("turbojpeg: %s: %s", e.Op, e.Msg) }

var defaultLib = sync.OnceValues(func() (*Lib, error) { return Open(LibName) })

// Default returns the library opened once from LibName.
func Default() (*Lib, error) { return defaultLib() }

// Available reports whether Default opens.
func Available() bool {
	_, err := Default()
	return err == nil
}
