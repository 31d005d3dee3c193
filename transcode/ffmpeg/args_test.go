package ffmpeg

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTranscodeArgs(t *testing.T) {
	proxy := MP4{Path: "/out/proxy.mp4", Video: Video{Width: 1280, Height: 720, Preset: "veryfast", CRF: 23},
		Audio: &Audio{Bitrate: 128000, Channels: 2}, StripMetadata: true}
	enc := "-c:v libx264 -profile:v high -preset veryfast -crf 23 -fps_mode vfr"
	tests := []struct {
		name string
		plan TranscodePlan
		want string
	}{
		{"proxy, remux and loudness from one decode", TranscodePlan{
			Input: Input{Path: "/in/clip.mov"}, Deinterlace: true, Loudness: true,
			Outputs: []MP4{proxy, {Path: "/out/delivery.mp4", Video: Video{Copy: true}, Audio: &Audio{Copy: true}}},
		}, "-i /in/clip.mov -filter_complex [0:v:0]yadif=deint=interlaced,null[v0];[v0]scale=1280:720:flags=bicubic,format=yuv420p[vout0];[0:a:0]asplit=2[a0][a1];[a1]ebur128=peak=true:framelog=verbose[loudness] " +
			"-map [vout0] " + enc + " -map [a0] -c:a aac -b:a 128000 -ac 2 -map_metadata -1 -map_chapters -1 -movflags +faststart -f mp4 /out/proxy.mp4 " +
			"-map 0:v:0 -c:v copy -map 0:a:0 -c:a copy -movflags +faststart -f mp4 /out/delivery.mp4 " +
			"-map [loudness] -c:a pcm_f32le -f null -"},
		{"two encodes, no audio", TranscodePlan{
			Input: Input{Path: "/in/a.mp4"},
			Outputs: []MP4{{Path: "/out/p.mp4", Video: Video{Width: 640, Height: 360}},
				{Path: "/out/d.mp4", Video: Video{Width: 1920, Height: 1080, CRF: 20}}},
		}, "-i /in/a.mp4 -filter_complex [0:v:0]split=2[v0][v1];[v0]scale=640:360:flags=bicubic,format=yuv420p[vout0];[v1]scale=1920:1080:flags=bicubic,format=yuv420p[vout1] " +
			"-map [vout0] " + enc + " -an -movflags +faststart -f mp4 /out/p.mp4 " +
			"-map [vout1] -c:v libx264 -profile:v high -preset veryfast -crf 20 -fps_mode vfr -an -movflags +faststart -f mp4 /out/d.mp4"},
		{"cut: seek and duration on the input, relative names", TranscodePlan{
			Input:   Input{Path: "-in.mp4", Seek: 2300 * time.Millisecond, Duration: 2 * time.Second},
			Outputs: []MP4{{Path: "-out.mp4", Video: Video{Width: 320, Height: 240}, Audio: &Audio{}}},
		}, "-ss 2.300000 -t 2.000000 -i file:-in.mp4 -filter_complex [0:v:0]null[v0];[v0]scale=320:240:flags=bicubic,format=yuv420p[vout0];[0:a:0]anull[a0] " +
			"-map [vout0] " + enc + " -map [a0] -c:a aac -b:a 128000 -movflags +faststart -f mp4 file:-out.mp4"},
	}
	for _, tt := range tests {
		if got := strings.Join(TranscodeArgs(tt.plan), " "); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestPosterArgs(t *testing.T) {
	got := PosterArgs(PosterPlan{Path: "/in/c.mp4", Times: []time.Duration{time.Second, 3 * time.Second},
		JPEGs: []string{"/o/0.jpg", "/o/1.jpg"}, Grays: []string{"/o/0.gray", "/o/1.gray"}, GrayWidth: 256, GrayHeight: 144})
	want := []string{"-ss", "1.000000", "-i", "/in/c.mp4", "-ss", "3.000000", "-i", "/in/c.mp4",
		"-filter_complex", "[0:v:0]split=2[f0][g0];[f0]scale=w=trunc(iw*sar/2)*2:h=ih,setsar=1[full0];[g0]scale=256:144:flags=area,format=gray[gray0];" +
			"[1:v:0]split=2[f1][g1];[f1]scale=w=trunc(iw*sar/2)*2:h=ih,setsar=1[full1];[g1]scale=256:144:flags=area,format=gray[gray1]",
		"-map", "[full0]", "-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "2", "-f", "image2", "-update", "1", "/o/0.jpg",
		"-map", "[gray0]", "-frames:v", "1", "-c:v", "rawvideo", "-f", "rawvideo", "/o/0.gray",
		"-map", "[full1]", "-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "2", "-f", "image2", "-update", "1", "/o/1.jpg",
		"-map", "[gray1]", "-frames:v", "1", "-c:v", "rawvideo", "-f", "rawvideo", "/o/1.gray"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestSafePath: no user-supplied name can be read as an option, a
// protocol or stdin/stdout.
func TestSafePath(t *testing.T) {
	for in, want := range map[string]string{
		"/srv/media/clip.mp4": "/srv/media/clip.mp4",
		"-clip.mp4":           "file:-clip.mp4",
		"./-y":                "file:-y",
		"-":                   "file:-",
		"http://x/y.mp4":      "file:http:/x/y.mp4",
		"pipe:1":              "file:pipe:1",
		"a/../b.mp4":          "file:b.mp4",
	} {
		if got := SafePath(in); got != want {
			t.Errorf("SafePath(%q) = %q, want %q", in, got, want)
		}
	}
}
