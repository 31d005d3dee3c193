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
	if format.Class == ClassVideo {
		if ff == nil {
			ff = defaultFFprobe()
		}
		return ff.Video(ctx, path, format)
	}
	return Image(f, st.Size(), format, lim)
}

var defaultFFprobe = sync.OnceValue(func() *FFprobe { return NewFFprobe("", 0, 0) })
