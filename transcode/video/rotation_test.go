package video

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestProcessRotation checks that the display matrix is applied exactly
// once, mirroring included: the proxy's frames and the poster match the
// stored frames turned by hand (ffmpeg with -noautorotate and an explicit
// transform), and clearly differ from the untransformed or wrongly
// mirrored picture.
func TestProcessRotation(t *testing.T) {
	tests := []struct {
		src         string
		w, h        int    // upright proxy size
		transform   string // what the display matrix asks for, as a filter
		wrong       string // a plausible mistake: rotation without the mirror, or nothing
		rot90Stored bool
	}{
		{"mde_iphone_with-gps_rot90.mov", 320, 568, "transpose=clock", "transpose=cclock", true},
		{"rotation/baremedia_orientation-90-hflip.mov", 160, 120, "transpose=cclock_flip", "transpose=clock", true},
		{"rotation/baremedia_orientation-hflip.mov", 120, 160, "hflip", "null", false},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.src), func(t *testing.T) {
			src := filepath.Join(media, tt.src)
			info := probeFile(t, src)
			res, err := Process(context.Background(), src, t.TempDir(), info, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkMP4(t, res.Proxy.Path, tt.w, tt.h, info.HasAudio, true)
			if res.Delivery == nil {
				t.Fatal("a rotated or mirrored clip needs an upright delivery file")
			}
			checkMP4(t, res.Delivery.Path, tt.w, tt.h, info.HasAudio, true)
			if res.Poster.Width != tt.w || res.Poster.Height != tt.h {
				t.Errorf("poster %dx%d, want %dx%d", res.Poster.Width, res.Poster.Height, tt.w, tt.h)
			}

			const gw, gh = 48, 64
			const frame = 3
			got := grayFrame(t, res.Proxy.Path, -1, frame, gw, gh)
			right := handFrame(t, src, tt.transform, -1, frame, gw, gh)
			wrong := handFrame(t, src, tt.wrong, -1, frame, gw, gh)
			dr, dw := meanAbsDiff(got, right), meanAbsDiff(got, wrong)
			t.Logf("proxy: %.2f from the right picture, %.2f from the mistake", dr, dw)
			if dr > 6 || dw < 3*dr {
				t.Errorf("proxy frame %d differs from the hand-turned source by %.1f and from the mistake by %.1f", frame, dr, dw)
			}

			// The poster is one of the candidate frames, turned once.
			poster := grayFrame(t, res.Poster.Path, -1, 0, gw, gh)
			best, bestWrong := 255.0, 255.0
			for _, ts := range candidateTimes(info.Duration, 5) {
				best = min(best, meanAbsDiff(poster, handFrame(t, src, tt.transform, ts, 0, gw, gh)))
				bestWrong = min(bestWrong, meanAbsDiff(poster, handFrame(t, src, tt.wrong, ts, 0, gw, gh)))
			}
			t.Logf("poster: %.2f from the right picture, %.2f from the mistake", best, bestWrong)
			if best > 6 || bestWrong < 3*best {
				t.Errorf("poster differs from the hand-turned candidates by %.1f and from the mistake by %.1f", best, bestWrong)
			}
		})
	}
}

// handFrame decodes a stored frame without autorotation and applies
// transform by hand; seek < 0 selects frame number n instead.
func handFrame(t *testing.T, src, transform string, seek time.Duration, n, w, h int) []byte {
	t.Helper()
	return grayFrameArgs(t, src, []string{"-noautorotate"}, transform, seek, n, w, h)
}
