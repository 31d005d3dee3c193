package probe

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// File probes a file on disk: it sniffs the head, then reads an image with
// Image or a video with ff (a shared default FFprobe when ff is nil).
// Errors opening or reading the file itself are returned wrapping the
// os error and none of the kinds.
func File(ctx context.Context, path string, lim Limits, ff *FFprobe) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("probe: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("probe: %w", err)
	}
	head := make([]byte, min(st.Size(), SniffSize))
	if _, err := io.ReadFull(f, head); err != nil {
		return Info{}, fmt.Errorf("probe: reading %s: %w", path, err)
	}
	format, err := Sniff(head)
	if err != nil {
		return Info{}, err
	}
	return Sniffed(ctx, f, st.Size(), format, lim, ff)
}

// Sniffed probes an open file whose format Sniff has already recognised:
// images are read from f, videos by ffprobe from f's path (ff nil: a
// shared default).
func Sniffed(ctx context.Context, f *os.File, size int64, format Format, lim Limits, ff *FFprobe) (Info, error) {
	if format.Class == ClassVideo {
		if ff == nil {
			ff = defaultFFprobe()
		}
		return ff.Video(ctx, f.Name(), format)
	}
	return Image(f, size, format, lim)
}

var defaultFFprobe = sync.OnceValue(func() *FFprobe { return NewFFprobe("", 0, 0) })
