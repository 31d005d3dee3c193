package probe

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxPixels is the pixel limit used when Limits.MaxPixels is zero.
const DefaultMaxPixels = 200_000_000

func (l Limits) maxPixels() int64 {
	if l.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return l.MaxPixels
}

// checkPixels refuses declared dimensions above the limit; it runs before any
// pixel data is touched.
func (l Limits) checkPixels(name string, w, h int64) error {
	if w <= 0 || h <= 0 {
		return errf(ErrCorrupt, "%s declares an empty image (%d×%d)", name, w, h)
	}
	if max := l.maxPixels(); w > max/h || w*h > max {
		return errf(ErrTooManyPixels, "%s declares %d×%d = %d pixels, limit is %d", name, w, h, w*h, max)
	}
	return nil
}

// errf builds an error of the given kind with an English detail. The detail
// follows the kind's message after ": " so callers can show it on its own.
func errf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
}

// errTruncated is returned by the low-level readers when data that the
// structure promises lies beyond the end of the file.
var errTruncated = errors.New("file ends early")

// readErr converts an error from a reader into a corrupt-file error when it
// means the data ran out, and keeps any other (I/O) error as it is.
func readErr(name, what string, err error) error {
	if isKind(err) {
		return err
	}
	if errors.Is(err, errTruncated) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf(ErrCorrupt, "%s is truncated: it ends inside %s", name, what)
	}
	var fe formatError
	if errors.As(err, &fe) {
		return errf(ErrCorrupt, "%s %s", name, err)
	}
	return fmt.Errorf("probe: reading %s %s: %w", name, what, err)
}

// truncatedError says what ran past the end; it matches errTruncated.
type truncatedError string

func (e truncatedError) Error() string        { return string(e) }
func (e truncatedError) Is(target error) bool { return target == errTruncated }

func truncated(format string, args ...any) error {
	return truncatedError(fmt.Sprintf(format, args...))
}

// formatError is a structural problem found by a low-level parser that does
// not know which format it is parsing; readErr reports it as corrupt.
type formatError string

func (e formatError) Error() string { return string(e) }

func malformed(format string, args ...any) error {
	return formatError(fmt.Sprintf(format, args...))
}

// isKind reports whether err already wraps one of the sentinel kinds.
func isKind(err error) bool {
	for _, k := range []error{ErrEmpty, ErrUnsupported, ErrCorrupt, ErrTooManyPixels, ErrToolMissing} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
