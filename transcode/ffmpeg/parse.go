package ffmpeg

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Loudness is the EBU R128 summary printed by ffmpeg's ebur128 filter.
type Loudness struct {
	Integrated float64 // integrated loudness in LUFS (-70 for silence: the gate's floor)
	TruePeak   float64 // true peak in dBTP; -Inf for digital silence
}

// ParseLoudness reads the ebur128 filter's summary from ffmpeg's stderr.
// ffmpeg 5.1 configures a complex filter graph once to learn its output
// types and discards it, which prints an empty summary first; the last
// summary is the measurement.
func ParseLoudness(stderr string) (Loudness, error) {
	i := strings.LastIndex(stderr, "] Summary:")
	if i < 0 {
		return Loudness{}, errors.New("ffmpeg: no ebur128 summary in the output")
	}
	s := stderr[i:]
	integ, err := summaryValue(s, "I:", "LUFS")
	if err != nil {
		return Loudness{}, err
	}
	peak, err := summaryValue(s, "Peak:", "dBFS")
	if err != nil {
		return Loudness{}, err
	}
	return Loudness{Integrated: integ, TruePeak: peak}, nil
}

// summaryValue finds the first line of s that reads "key value unit".
func summaryValue(s, key, unit string) (float64, error) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != key || f[2] != unit {
			continue
		}
		if f[1] == "-inf" {
			return math.Inf(-1), nil
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return 0, fmt.Errorf("ffmpeg: ebur128 summary %s %q: %w", key, f[1], err)
		}
		return v, nil
	}
	return 0, fmt.Errorf("ffmpeg: ebur128 summary has no %s line", key)
}

// InputVideo is what ffmpeg says about the first video stream of its
// first input when it opens it.
type InputVideo struct {
	Codec      string // e.g. h264, hevc, mjpeg
	Profile    string // e.g. High, Main, High 10, High 4:2:2 Intra; "" when not printed
	PixFmt     string // e.g. yuv420p, yuvj422p, yuv420p10le
	Interlaced bool   // field order top or bottom first
	// Start is the input's first timestamp ("start:" on its Duration line).
	// Outputs begin at zero, so a clip that starts at 10 s and is listed
	// as 17.6 s long gives 7.6 s of output.
	Start time.Duration
}

// ParseInputVideo reads the stream line that ffmpeg prints for the first
// video stream of input #0, e.g.
//
//	Stream #0:1[0x2](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, top first), 1920x1080 …
func ParseInputVideo(stderr string) (InputVideo, error) {
	in := false
	var start time.Duration
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Input #"):
			in = strings.HasPrefix(line, "Input #0,")
		case strings.HasPrefix(line, "Output #") || strings.HasPrefix(line, "Stream mapping:"):
			in = false
		case in && strings.HasPrefix(line, "Duration:"):
			start = parseStart(line)
		case in && strings.HasPrefix(line, "Stream #0:"):
			if _, desc, ok := strings.Cut(line, ": Video: "); ok {
				v := parseVideoDesc(desc)
				v.Start = start
				return v, nil
			}
		}
	}
	return InputVideo{}, errors.New("ffmpeg: no video stream listed for input #0")
}

// parseStart reads "start: 10.000000" from "Duration: 00:00:17.61, start: 10.000000, bitrate: 50 kb/s".
func parseStart(line string) time.Duration {
	_, rest, ok := strings.Cut(line, "start: ")
	if !ok {
		return 0
	}
	v, _, _ := strings.Cut(rest, ",")
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f > 1e7 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// parseVideoDesc splits "h264 (High) (avc1 / 0x…), yuv420p(tv, …), 1920x1080, …"
// at its top-level commas.
func parseVideoDesc(desc string) InputVideo {
	parts := topLevelSplit(desc)
	var v InputVideo
	head := parts[0]
	v.Codec, head, _ = strings.Cut(head, " ")
	if strings.HasPrefix(head, "(") {
		if end := strings.IndexByte(head, ')'); end > 0 && !strings.Contains(head[:end], " / ") {
			v.Profile = head[1:end]
		}
	}
	if len(parts) > 1 {
		pix, extra, _ := strings.Cut(parts[1], "(")
		v.PixFmt = strings.TrimSpace(pix)
		v.Interlaced = strings.Contains(extra, "top first") || strings.Contains(extra, "bottom first") ||
			strings.Contains(extra, "top coded first") || strings.Contains(extra, "bottom coded first")
	}
	return v
}

func topLevelSplit(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}
