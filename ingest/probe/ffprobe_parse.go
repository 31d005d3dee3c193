package probe

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// ffOutput is the part of `ffprobe -print_format json -show_format
// -show_streams` output that we read.
type ffOutput struct {
	Streams []ffStream `json:"streams"`
	Format  struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

type ffStream struct {
	CodecName    string            `json:"codec_name"`
	CodecType    string            `json:"codec_type"`
	CodecTag     string            `json:"codec_tag_string"`
	Width        int               `json:"width"`
	Height       int               `json:"height"`
	AvgFrameRate string            `json:"avg_frame_rate"`
	RFrameRate   string            `json:"r_frame_rate"`
	Duration     string            `json:"duration"`
	Disposition  map[string]int    `json:"disposition"`
	Tags         map[string]string `json:"tags"`
	SideData     []struct {
		Type     string   `json:"side_data_type"`
		Rotation *float64 `json:"rotation"`
	} `json:"side_data_list"`
}

// streamSummary is what Video needs beyond Info to judge a file.
type streamSummary struct {
	total       int    // audio, video and other streams
	undecodable string // tag of a video stream ffmpeg has no decoder for
}

// ParseFFprobe reads the output of `ffprobe -print_format json -show_format
// -show_streams`. It fills the video fields of Info from the first video
// stream that is not cover art; Format is left for the caller, who knows
// what Sniff said.
func ParseFFprobe(out []byte) (Info, error) {
	info, _, err := parseFFprobe(out)
	return info, err
}

func parseFFprobe(out []byte) (Info, streamSummary, error) {
	var info Info
	var sum streamSummary
	var o ffOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return info, sum, errf(ErrCorrupt, "ffprobe output is not the JSON we expect: %v", err)
	}
	sum.total = len(o.Streams)
	var video *ffStream
	for i := range o.Streams {
		st := &o.Streams[i]
		switch st.CodecType {
		case "video":
			switch {
			case st.Disposition["attached_pic"] == 1:
			case st.CodecName == "" || st.CodecName == "none":
				if sum.undecodable == "" {
					sum.undecodable = cleanString([]byte(st.CodecTag))
				}
			case video == nil:
				video = st
			}
		case "audio":
			if !info.HasAudio {
				info.HasAudio, info.AudioCodec = true, st.CodecName
			}
		case "subtitle":
			info.Subtitles++
		}
	}
	info.Duration = seconds(o.Format.Duration)
	if video != nil {
		info.VideoCodec = video.CodecName
		info.Width, info.Height = video.Width, video.Height
		info.FrameRate = frameRate(video.AvgFrameRate)
		if info.FrameRate == 0 {
			info.FrameRate = frameRate(video.RFrameRate)
		}
		info.Rotation = rotation(video)
		if info.Duration == 0 {
			info.Duration = seconds(video.Duration)
		}
	}
	for i := 0; info.Duration == 0 && i < len(o.Streams); i++ {
		info.Duration = seconds(o.Streams[i].Duration)
	}
	tags := []map[string]string{o.Format.Tags}
	if video != nil {
		tags = append(tags, video.Tags)
	}
	info.CaptureTime = captureTag(tags)
	info.Make = firstTag(tags, "com.apple.quicktime.make", "make", "com.android.manufacturer")
	info.Model = firstTag(tags, "com.apple.quicktime.model", "model", "com.android.model")
	if loc := firstTag(tags, "com.apple.quicktime.location.ISO6709", "location", "location-eng"); loc != "" {
		info.GPS = parseISO6709(loc)
	}
	info.Meta = videoMeta(o.Format.Tags)
	return info, sum, nil
}

// seconds parses a decimal number of seconds; anything unusable is 0.
func seconds(s string) time.Duration {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v > 1e9 {
		return 0
	}
	return time.Duration(math.Round(v*1e6)) * time.Microsecond
}

// frameRate parses "30000/1001"; "0/0" and junk are 0.
func frameRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseFloat(num, 64)
	d, err2 := strconv.ParseFloat(den, 64)
	if !ok || err1 != nil || err2 != nil || d == 0 || n <= 0 || math.IsInf(n/d, 0) {
		return 0
	}
	return n / d
}

// rotation returns the clockwise display rotation. ffprobe's display matrix
// rotation is anti-clockwise (an iPhone clip shown turned 90° clockwise
// reports -90); the old "rotate" tag is already clockwise.
func rotation(st *ffStream) int {
	for _, sd := range st.SideData {
		if sd.Type == "Display Matrix" && sd.Rotation != nil {
			return quarterTurns(-*sd.Rotation)
		}
	}
	if r, err := strconv.ParseFloat(st.Tags["rotate"], 64); err == nil {
		return quarterTurns(r)
	}
	return 0
}

func quarterTurns(deg float64) int {
	if math.IsNaN(deg) || math.IsInf(deg, 0) {
		return 0
	}
	q := int(math.Round(math.Mod(deg, 360) / 90))
	return ((q%4 + 4) % 4) * 90
}

func firstTag(tags []map[string]string, keys ...string) string {
	for _, k := range keys {
		for _, t := range tags {
			if v := cleanString([]byte(t[k])); v != "" {
				return v
			}
		}
	}
	return ""
}

// captureTag prefers Apple's creation date, which carries the zone, over
// the container's creation_time (UTC). Placeholder dates before 1971 (the
// QuickTime and Unix epochs) are ignored.
func captureTag(tags []map[string]string) *time.Time {
	for _, k := range []string{"com.apple.quicktime.creationdate", "creation_time"} {
		for _, t := range tags {
			if tm, ok := parseVideoTime(t[k]); ok {
				return &tm
			}
		}
	}
	return nil
}

func parseVideoTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05"} {
		if tm, err := time.Parse(layout, s); err == nil {
			if tm.Year() < 1971 {
				return time.Time{}, false
			}
			return tm, true
		}
	}
	return time.Time{}, false
}

// parseISO6709 reads a point such as "+12.6667+108.0500+450.000/" (degrees,
// or degrees and minutes and seconds packed as ±DDMM.mm / ±DDDMMSS.ss).
func parseISO6709(s string) *GPS {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	if i := strings.Index(s, "CRS"); i >= 0 {
		s = s[:i]
	}
	parts := splitSigned(s)
	if len(parts) < 2 {
		return nil
	}
	lat, ok1 := isoAngle(parts[0], 2)
	lon, ok2 := isoAngle(parts[1], 3)
	if !ok1 || !ok2 || !validPosition(lat, lon) {
		return nil
	}
	g := &GPS{Lat: lat, Lon: lon}
	if len(parts) > 2 {
		if alt, err := strconv.ParseFloat(parts[2], 64); err == nil && !math.IsInf(alt, 0) && !math.IsNaN(alt) {
			g.Alt = &alt
		}
	}
	return g
}

// splitSigned splits "+1.5-2.5+3" into "+1.5", "-2.5", "+3".
func splitSigned(s string) []string {
	var parts []string
	start := -1
	for i, c := range s {
		if c == '+' || c == '-' {
			if start >= 0 {
				parts = append(parts, s[start:i])
			}
			start = i
		}
	}
	if start >= 0 {
		parts = append(parts, s[start:])
	}
	return parts
}

// isoAngle reads ±D[D]D[.d], ±DDMM[.m] or ±DDMMSS[.s]; degDigits is 2 for
// latitude, 3 for longitude.
func isoAngle(s string, degDigits int) (float64, bool) {
	if len(s) < 2 {
		return 0, false
	}
	sign, body := 1.0, s[1:]
	if s[0] == '-' {
		sign = -1
	}
	intPart, _, _ := strings.Cut(body, ".")
	v, err := strconv.ParseFloat(body, 64)
	if err != nil {
		return 0, false
	}
	switch len(intPart) {
	case degDigits + 2: // DDMM.mm
		deg := math.Floor(v / 100)
		v = deg + (v-deg*100)/60
	case degDigits + 4: // DDMMSS.ss
		deg := math.Floor(v / 10000)
		min := math.Floor((v - deg*10000) / 100)
		v = deg + min/60 + (v-deg*10000-min*100)/3600
	}
	return sign * v, true
}

// countFrames reads the output of the frame check.
func countFrames(out []byte) (int, error) {
	var o struct {
		Frames []json.RawMessage `json:"frames"`
	}
	if err := json.Unmarshal(out, &o); err != nil {
		return 0, err
	}
	return len(o.Frames), nil
}
