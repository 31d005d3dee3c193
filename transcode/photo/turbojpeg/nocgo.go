//go:build !cgo

package turbojpeg

import (
	"errors"
	"image"
)

// Lib is unavailable in builds without cgo.
type Lib struct{}

var errNoCgo = errors.New("turbojpeg: built without cgo")

// Open always fails in builds without cgo.
func Open(name string) (*Lib, error) { return nil, errNoCgo }

// DecodeHeader is never reached: Open fails.
func (l *Lib) DecodeHeader(jpeg []byte) (Header, error) { return Header{}, errNoCgo }

// Decode is never reached: Open fails.
func (l *Lib) Decode(jpeg []byte, s Scale) (*image.NRGBA, error) { return nil, errNoCgo }

// Encode is never reached: Open fails.
func (l *Lib) Encode(img *image.NRGBA, quality int) ([]byte, error) { return nil, errNoCgo }
