package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// photoPool are real photographs from testdata; every upload is one of them
// with distinct bytes after the JPEG end marker, so each is a valid photo
// with its own SHA-256 (real cameras leave trailers there too: Samsung's
// SEFT block ends the first one).
var photoPool = []string{
	"testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg",
	"testdata/media/images/xmp_iptc/mde_Nikon_E995_iptc.jpg",
	"testdata/media/images/formats/mde_Multiple_ICC_segments.jpg",
	"testdata/media/images/orientation/recurser_Landscape_0.jpg",
	"testdata/media/images/orientation/recurser_Portrait_5.jpg",
	"testdata/media/images/gps/ianare_gps_DSCN0025.jpg",
}

// exportPhoto is at least 3,000 px wide: it passes Happy Vietnam's rule.
const exportPhoto = "testdata/media/images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"

func loadPhotos(root string, paths []string) ([][]byte, error) {
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			return nil, err
		}
		if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
			return nil, fmt.Errorf("%s is not a JPEG", p)
		}
		out = append(out, b)
	}
	return out, nil
}

// distinctPhoto is base with a unique tag after its end marker.
func distinctPhoto(name string, base []byte, tag string) upload {
	b := append(bytes.Clone(base), []byte("\nqbload "+tag+"\n")...)
	s := sha256.Sum256(b)
	return upload{Name: name, Kind: "photo", Size: int64(len(b)), SHA256: hex.EncodeToString(s[:]),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

// distinctVideo is the MP4 at path followed by a top-level free box holding
// tag: still a valid MP4, with its own SHA-256.
func distinctVideo(name, path, tag string) (upload, error) {
	payload := []byte("qbload " + tag)
	pad := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(pad, uint32(8+len(payload)))
	copy(pad[4:], "free")
	pad = append(pad, payload...)
	f, err := os.Open(path)
	if err != nil {
		return upload{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return upload{}, err
	}
	h.Write(pad)
	return upload{Name: name, Kind: "clip", Size: n + int64(len(pad)), SHA256: hex.EncodeToString(h.Sum(nil)),
		Open: func() (io.ReadCloser, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{io.MultiReader(f, bytes.NewReader(pad)), f}, nil
		}}, nil
}

// makeVideo generates (once, cached in dir) an H.264/AAC MP4 of seconds
// seconds at width×height and the given video bitrate, with noise so it does
// not compress away.
func makeVideo(ctx context.Context, dir string, width, height, seconds int, bitrate string) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("qbload-%dx%d-%ds-%s.mp4", width, height, seconds, bitrate))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := path + ".tmp.mp4"
	cmd := exec.CommandContext(ctx, "ffmpeg", "-y", "-v", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=25", width, height),
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", fmt.Sprint(seconds), "-vf", "noise=alls=30:allf=t",
		"-c:v", "libx264", "-preset", "ultrafast", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("ffmpeg: %v\n%s", err, out)
	}
	return path, os.Rename(tmp, path)
}
