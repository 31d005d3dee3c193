package video

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quangba/quangba/transcode/ffmpeg"
)

// inputFailures are what ffmpeg 5.1 prints when the input itself is bad.
var inputFailures = []string{
	"Invalid data found when processing input",
	"moov atom not found",
	"error reading header",
	"partial file",
}

// runErr turns a failed ffmpeg run on src into an error: ErrCorrupt when
// ffmpeg could not read the source, the runner's error otherwise (missing
// tool, cancellation, timeout, an encoder or disk failure).
func runErr(ctx context.Context, what, src, stderr string, err error) error {
	if ctx.Err() != nil || errors.Is(err, ffmpeg.ErrToolMissing) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("video: %s: %w", what, err)
	}
	if d := inputFailure(stderr, src); d != "" {
		return corruptf("%s: %s", what, d)
	}
	return fmt.Errorf("video: %s: %w", what, err)
}

// inputFailure returns the line of stderr that blames the input, without
// the server's path, or "" when none does.
func inputFailure(stderr, src string) string {
	prefix := ffmpeg.SafePath(src) + ": "
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, prefix) {
			return "ffmpeg: " + strings.TrimPrefix(line, prefix)
		}
		for _, f := range inputFailures {
			if strings.Contains(line, f) {
				if _, msg, ok := strings.Cut(line, "] "); ok {
					line = msg
				}
				return "ffmpeg: " + strings.ReplaceAll(line, ffmpeg.SafePath(src), "input")
			}
		}
	}
	return ""
}
