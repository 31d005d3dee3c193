// Package probe recognises media files by their content and reads their
// technical metadata: image headers and EXIF natively, video with ffprobe.
package probe

import (
	"errors"
	"time"
)

// Class is the broad kind of media a format holds.
type Class string

// Media classes. (Named ClassImage/ClassVideo because the function Image
// takes the name Image.)
const (
	ClassImage Class = "image"
	ClassVideo Class = "video"
)

// Format is a recognised container format.
type Format struct {
	Name  string // short name: jpeg, png, tiff, webp, heic, heif, avif, gif, mp4, mov, mkv, webm, mts, avi
	MIME  string // e.g. image/jpeg, video/quicktime
	Class Class
}

// Failure kinds. Every error returned by this package wraps exactly one of
// them, so callers can map it to a user-facing code with errors.Is.
var (
	// ErrEmpty: the file has no bytes.
	ErrEmpty = errors.New("probe: empty file")
	// ErrUnsupported: the content is not a format we accept (whatever the
	// file name says), e.g. an executable, a PDF, an ICO, a camera raw.
	ErrUnsupported = errors.New("probe: unsupported format")
	// ErrCorrupt: the format is recognised but the file is truncated or its
	// structure cannot be parsed.
	ErrCorrupt = errors.New("probe: corrupt or truncated file")
	// ErrTooManyPixels: the header declares more pixels than allowed
	// (decompression bomb); detected before any pixel data is decoded.
	ErrTooManyPixels = errors.New("probe: image has too many pixels")
	// ErrToolMissing: ffprobe (or another required program) is not installed.
	ErrToolMissing = errors.New("probe: required tool missing")
)

// GPS is a position in WGS 84 decimal degrees.
type GPS struct {
	Lat, Lon float64
	Alt      *float64 // metres above sea level, when recorded
}

// Info is what probing a file found. Fields that do not apply or were not
// recorded are zero.
type Info struct {
	Format Format

	Width, Height int // stored pixel dimensions (before orientation/rotation)
	Orientation   int // EXIF orientation 1..8, 0 when absent (images)

	CaptureTime *time.Time // when the picture or clip was taken
	// CaptureTimeZoneless is true when the file recorded no time zone (most
	// cameras): CaptureTime then holds the camera's wall clock as if UTC.
	CaptureTimeZoneless bool
	Make, Model         string // camera or phone
	GPS                 *GPS

	// Video only.
	Duration   time.Duration
	VideoCodec string  // ffprobe codec_name, e.g. h264, hevc, vp9
	AudioCodec string  // "" when there is no audio stream
	FrameRate  float64 // frames per second (average)
	Rotation   int     // display rotation in degrees clockwise: 0, 90, 180, 270
	HasAudio   bool
	Subtitles  int // number of embedded subtitle streams

	// Meta is the descriptive metadata the file carries (title, caption,
	// keywords, creator, rights, location…).
	Meta Descriptive

	// Warnings are problems that did not stop probing, e.g. an unreadable
	// EXIF block. Each is a short English sentence.
	Warnings []string
}

// Limits bound what probing accepts.
type Limits struct {
	MaxPixels int64 // refuse images declaring more pixels than this (default: 200,000,000)
}
