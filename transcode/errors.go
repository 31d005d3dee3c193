package transcode

import (
	"errors"
	"fmt"
	"strings"

	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode/photo"
	"github.com/quangba/quangba/transcode/video"
)

// Failure codes, stored at the start of a job's error ("code: detail") so
// that the API can explain them in Vietnamese and English.
const (
	CodeCorrupt     = "corrupt_file"        // the original cannot be decoded
	CodeUnsupported = "unsupported_type"    // not a format we can render
	CodeTooLarge    = "too_many_pixels"     // decompression bomb
	CodeToolMissing = "tool_missing"        // ffmpeg, heif-convert… absent
	CodeStorage     = "storage_unavailable" // blob store unreachable
	CodeMissing     = "original_missing"    // the original object is gone
	CodeBadRange    = "bad_range"           // a cut outside the clip
	CodeInternal    = "internal_error"
)

// Kinds of request error.
var (
	// ErrNotVideo: a cut was asked of a photo.
	ErrNotVideo = errors.New("transcode: not a clip or trailer")
	// ErrBadRange: a cut's range is not inside the clip.
	ErrBadRange = video.ErrBadRange
)

// jobError is a failure with its code; permanent ones are not retried.
type jobError struct {
	code      string
	permanent bool
	err       error
}

func (e *jobError) Error() string { return e.code + ": " + e.err.Error() }
func (e *jobError) Unwrap() error { return e.err }

func permanent(code string, err error) error { return &jobError{code: code, permanent: true, err: err} }

// classify gives err its code and says whether a retry could help.
func classify(err error) *jobError {
	var je *jobError
	if errors.As(err, &je) {
		return je
	}
	switch {
	case errors.Is(err, photo.ErrCorrupt), errors.Is(err, video.ErrCorrupt):
		return &jobError{CodeCorrupt, true, err}
	case errors.Is(err, photo.ErrUnsupported):
		return &jobError{CodeUnsupported, true, err}
	case errors.Is(err, photo.ErrTooManyPixels):
		return &jobError{CodeTooLarge, true, err}
	case errors.Is(err, video.ErrBadRange):
		return &jobError{CodeBadRange, true, err}
	case errors.Is(err, photo.ErrToolMissing), errors.Is(err, video.ErrToolMissing):
		return &jobError{CodeToolMissing, false, err}
	case errors.Is(err, storage.ErrNotFound):
		return &jobError{CodeMissing, true, err}
	case errors.Is(err, storage.ErrUnavailable):
		return &jobError{CodeStorage, false, err}
	}
	return &jobError{CodeInternal, false, err}
}

func isPermanent(err error) bool { return classify(err).permanent }

// failureMessage is "code: detail", the detail cut to a readable length.
func failureMessage(err error) string {
	je := classify(err)
	msg := je.err.Error()
	if len(msg) > 2000 {
		msg = msg[:2000] + "…"
	}
	return je.code + ": " + strings.ToValidUTF8(msg, "?")
}

// SplitFailure separates a stored job error into its code and detail.
func SplitFailure(msg string) (code, detail string) {
	code, detail, ok := strings.Cut(msg, ": ")
	if !ok || strings.ContainsAny(code, " \n") {
		return CodeInternal, msg
	}
	return code, detail
}

// wrap adds the step to an error.
func wrap(step string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("transcode: %s: %w", step, err)
}
