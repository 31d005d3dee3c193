package ffmpeg

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Input is a media file that ffmpeg reads.
type Input struct {
	Path     string
	Seek     time.Duration // start reading here (-ss before -i: fast and, when decoding, frame-accurate); 0 = the start
	Duration time.Duration // read this long from Seek (-t before -i); 0 = to the end
}

// Video says how an output's video is made.
type Video struct {
	Copy bool // stream copy: the other fields are ignored

	Width, Height int    // output size in pixels, both even
	Codec         string // encoder (default libx264)
	Profile       string // H.264 profile (default high)
	Preset        string // x264 preset (default veryfast)
	CRF           int    // x264 constant rate factor (default 23)
}

// Audio says how an output's audio is made.
type Audio struct {
	Copy bool // stream copy: the other fields are ignored

	Bitrate  int // AAC bit rate in bits per second (default 128000)
	Channels int // downmix to this many channels; 0 keeps the source's
}

// MP4 is one MP4 output, written with its index (moov) before its data so
// that playback starts before the download ends.
type MP4 struct {
	Path          string
	Video         Video
	Audio         *Audio // nil: no audio stream
	StripMetadata bool   // drop container metadata (creation time, GPS location, …)
}

// TranscodePlan reads Input once and writes every output from that one
// decode: encoded MP4s share a split of the decoded video, stream copies
// read the packets, and the loudness measurement taps the decoded audio.
type TranscodePlan struct {
	Input       Input
	Deinterlace bool // deinterlace frames flagged interlaced; others pass untouched
	Outputs     []MP4
	Loudness    bool // measure EBU R128 loudness and true peak of audio stream 0 (see ParseLoudness)
}

// Default encoding settings.
const (
	defaultCodec   = "libx264"
	defaultProfile = "high"
	defaultPreset  = "veryfast"
	defaultCRF     = 23
	defaultBitrate = 128000
)

// TranscodeArgs builds the ffmpeg arguments for p. Outputs that copy
// streams map the input directly; everything else goes through one
// filter graph, so the source is decoded once whatever the number of
// outputs.
func TranscodeArgs(p TranscodePlan) []string {
	args := inputArgs(p.Input)
	g, vLabels, aLabels := transcodeGraph(p)
	if g != "" {
		args = append(args, "-filter_complex", g)
	}
	for _, o := range p.Outputs {
		args = append(args, mp4Args(o, &vLabels, &aLabels)...)
	}
	if p.Loudness {
		args = append(args, "-map", "[loudness]", "-c:a", "pcm_f32le", "-f", "null", "-")
	}
	return args
}

func inputArgs(in Input) []string {
	var args []string
	if in.Seek > 0 {
		args = append(args, "-ss", seconds(in.Seek))
	}
	if in.Duration > 0 {
		args = append(args, "-t", seconds(in.Duration))
	}
	return append(args, "-i", SafePath(in.Path))
}

// transcodeGraph returns the filter graph of p and the labels of its
// video and audio outputs, in the order the encoded outputs use them.
func transcodeGraph(p TranscodePlan) (graph string, video, audio []string) {
	var chains []string
	var nv, na int
	for _, o := range p.Outputs {
		if !o.Video.Copy {
			nv++
		}
		if o.Audio != nil && !o.Audio.Copy {
			na++
		}
	}
	if nv > 0 {
		src := "[0:v:0]"
		if p.Deinterlace {
			src += "yadif=deint=interlaced,"
		}
		split := splitLabels("v", nv)
		chains = append(chains, src+splitFilter("split", nv)+strings.Join(split, ""))
		i := 0
		for _, o := range p.Outputs {
			if o.Video.Copy {
				continue
			}
			out := fmt.Sprintf("[vout%d]", i)
			chains = append(chains, fmt.Sprintf("%sscale=%d:%d:flags=bicubic,format=yuv420p%s", split[i], o.Video.Width, o.Video.Height, out))
			video = append(video, out)
			i++
		}
	}
	if n := na + btoi(p.Loudness); n > 0 {
		split := splitLabels("a", n)
		chains = append(chains, "[0:a:0]"+splitFilter("asplit", n)+strings.Join(split, ""))
		audio = split[:na]
		if p.Loudness {
			chains = append(chains, split[na]+"ebur128=peak=true:framelog=verbose[loudness]")
		}
	}
	return strings.Join(chains, ";"), video, audio
}

// splitFilter is "split=n" (or asplit), or "null"/"anull" when there is
// only one consumer.
func splitFilter(name string, n int) string {
	if n == 1 {
		return strings.TrimSuffix(name, "split") + "null"
	}
	return fmt.Sprintf("%s=%d", name, n)
}

func splitLabels(prefix string, n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = fmt.Sprintf("[%s%d]", prefix, i)
	}
	return l
}

// mp4Args are the options of one MP4 output; it takes its filter outputs
// from the front of video and audio.
func mp4Args(o MP4, video, audio *[]string) []string {
	var args []string
	if o.Video.Copy {
		args = append(args, "-map", "0:v:0", "-c:v", "copy")
	} else {
		args = append(args, "-map", pop(video))
		args = append(args, videoCodecArgs(o.Video)...)
	}
	switch {
	case o.Audio == nil:
		args = append(args, "-an")
	case o.Audio.Copy:
		args = append(args, "-map", "0:a:0", "-c:a", "copy")
	default:
		args = append(args, "-map", pop(audio))
		args = append(args, audioCodecArgs(*o.Audio)...)
	}
	if o.StripMetadata {
		args = append(args, "-map_metadata", "-1", "-map_chapters", "-1")
	}
	return append(args, "-movflags", "+faststart", "-f", "mp4", SafePath(o.Path))
}

func videoCodecArgs(v Video) []string {
	return []string{
		"-c:v", or(v.Codec, defaultCodec),
		"-profile:v", or(v.Profile, defaultProfile),
		"-preset", or(v.Preset, defaultPreset),
		"-crf", strconv.Itoa(orInt(v.CRF, defaultCRF)),
		// Keep each frame's own timestamp: variable frame rate sources
		// stay in sync without duplicated or dropped frames.
		"-fps_mode", "vfr",
	}
}

func audioCodecArgs(a Audio) []string {
	args := []string{"-c:a", "aac", "-b:a", strconv.Itoa(orInt(a.Bitrate, defaultBitrate))}
	if a.Channels > 0 {
		args = append(args, "-ac", strconv.Itoa(a.Channels))
	}
	return args
}

// PosterPlan grabs one frame at each of Times. Each frame is written twice:
// as a full-size JPEG (JPEGs[i]) and as raw 8-bit grey pixels of
// GrayWidth×GrayHeight (Grays[i]) for judging its sharpness cheaply.
type PosterPlan struct {
	Path                  string
	Times                 []time.Duration
	JPEGs, Grays          []string
	GrayWidth, GrayHeight int
	Deinterlace           bool
	Quality               int // JPEG quantiser, 2 (best) to 31 (default 2)
}

// PosterArgs builds the ffmpeg arguments for p: one input per time, each
// opened with an input seek so that only the frames from the keyframe
// before that time are decoded. A seek past the last frame yields no file.
func PosterArgs(p PosterPlan) []string {
	var args, chains, outs []string
	for i, t := range p.Times {
		args = append(args, inputArgs(Input{Path: p.Path, Seek: t})...)
		src := fmt.Sprintf("[%d:v:0]", i)
		if p.Deinterlace {
			src += "yadif=deint=interlaced,"
		}
		// Picture viewers ignore a JPEG's pixel aspect ratio: make pixels square.
		chains = append(chains, fmt.Sprintf("%ssplit=2[f%d][g%d]", src, i, i),
			fmt.Sprintf("[f%d]scale=w=trunc(iw*sar/2)*2:h=ih,setsar=1[full%d]", i, i),
			fmt.Sprintf("[g%d]scale=%d:%d:flags=area,format=gray[gray%d]", i, p.GrayWidth, p.GrayHeight, i))
		outs = append(outs,
			"-map", fmt.Sprintf("[full%d]", i), "-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p",
			"-q:v", strconv.Itoa(orInt(p.Quality, 2)), "-f", "image2", "-update", "1", SafePath(p.JPEGs[i]),
			"-map", fmt.Sprintf("[gray%d]", i), "-frames:v", "1", "-c:v", "rawvideo", "-f", "rawvideo", SafePath(p.Grays[i]))
	}
	args = append(args, "-filter_complex", strings.Join(chains, ";"))
	return append(args, outs...)
}

// SafePath returns path in a form ffmpeg can only read as a local file
// name: never as an option (a name starting with "-") nor as a protocol
// or a special name ("http:…", "pipe:…", "-").
func SafePath(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return "file:" + filepath.ToSlash(filepath.Clean(path))
}

// seconds formats d as ffmpeg's decimal seconds, to the microsecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

func pop(s *[]string) string {
	v := (*s)[0]
	*s = (*s)[1:]
	return v
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
