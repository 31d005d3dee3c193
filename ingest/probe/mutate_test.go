package probe

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestMutations flips bytes in the headers of real files (a fixed random
// sequence) and checks that every result is a clean verdict: no recovered
// panic, exactly one kind, and quick.
func TestMutations(t *testing.T) {
	files := []string{
		"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic",
		"images/heic/mde_IMG_1034.heic",
		"images/orientation/pillow_avif_rot3mir1.avif",
		"images/exif_cameras/exiftool_GoPro.jpg",
		"images/formats/go_video-001.q50.440.progressive.jpeg",
		"images/formats/pngsuite_exif2c08.png",
		"images/orientation/pillow_hopper_orientation_6.webp",
		"images/tiff/ianare_Jobagent.tiff",
		"images/formats/go_video-001.interlaced.gif",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, file := range files {
		orig := readMedia(t, file)
		f, err := Sniff(orig[:min(len(orig), SniffSize)])
		if err != nil {
			t.Fatal(err)
		}
		region := min(len(orig), 4096)
		for i := 0; i < 400; i++ {
			data := bytes.Clone(orig)
			for j := rng.IntN(4) + 1; j > 0; j-- {
				data[rng.IntN(region)] = byte(rng.IntN(256))
			}
			start := time.Now()
			_, err := Image(bytes.NewReader(data), int64(len(data)), f, Limits{})
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("%s mutation %d: took %v", file, i, took)
			}
			if err == nil {
				continue
			}
			if k := kindOf(err); k == errNoKind || k == errManyKinds || strings.Contains(err.Error(), "internal error") {
				t.Errorf("%s mutation %d: %v", file, i, err)
			}
		}
	}
}
