// Package subtitle reads, checks, fixes and writes subtitle tracks in Vietnamese and other languages.
package subtitle

import (
	"errors"
	"fmt"
	"time"
)

// Cue is one subtitle shown between Start and End.
type Cue struct {
	Index      int // 1-based position in the track
	Start, End time.Duration
	// Lines are the displayed lines as plain NFC text: SRT/WebVTT tags,
	// HTML entities and ASS override codes are resolved or removed.
	Lines []string
}

// Track is a list of cues sorted by start time.
type Track struct{ Cues []Cue }

// Warning is a problem met while parsing that did not stop it.
type Warning struct {
	Cue     int // Index of the cue in the parsed track; 0 when not tied to a kept cue
	At      time.Duration
	Message string
}

func (w Warning) String() string {
	if w.Cue == 0 {
		return w.Message
	}
	return fmt.Sprintf("cue %d (%s): %s", w.Cue, clock(w.At, '.'), w.Message)
}

var (
	// ErrEncoding means the text encoding was refused; see EncodingError.
	ErrEncoding = errors.New("subtitle: unsupported text encoding")
	// ErrFormat means the data is not a subtitle file that can be read.
	ErrFormat = errors.New("subtitle: not a readable subtitle file")
)

// EncodingError names the encoding that was detected and refused, with
// advice in Vietnamese (Vi) and English (En).
type EncodingError struct {
	Detected string // e.g. "VNI", "TCVN3", "windows-1251", "binary"
	Vi, En   string
}

func (e *EncodingError) Error() string { return "subtitle: " + e.En }
func (e *EncodingError) Unwrap() error { return ErrEncoding }

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// clock formats d as HH:MM:SS followed by sep and milliseconds.
func clock(d time.Duration, sep byte) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%s%02d:%02d:%02d%c%03d", neg, ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}
