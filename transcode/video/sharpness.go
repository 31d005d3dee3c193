package video

import "math"

// Thresholds below which a frame counts as black or featureless (fades,
// slates, lens caps): such frames make poor posters however sharp.
const (
	darkMean = 24.0 // mean luma, 0..255
	flatStd  = 10.0 // luma standard deviation
)

// sharpness scores a grey w×h frame: the variance of its Laplacian,
// which grows with fine detail and falls with blur, divided by 100 when
// the frame is near-black or flat so that any real picture beats it.
func sharpness(gray []byte, w, h int) float64 {
	if w < 3 || h < 3 || len(gray) < w*h {
		return 0
	}
	var sum, sum2 float64
	for _, p := range gray[:w*h] {
		v := float64(p)
		sum += v
		sum2 += v * v
	}
	n := float64(w * h)
	mean := sum / n
	std := math.Sqrt(max(sum2/n-mean*mean, 0))

	var lsum, lsum2 float64
	for y := 1; y < h-1; y++ {
		row := gray[y*w : (y+1)*w]
		up, down := gray[(y-1)*w:y*w], gray[(y+1)*w:(y+2)*w]
		for x := 1; x < w-1; x++ {
			l := float64(up[x]) + float64(down[x]) + float64(row[x-1]) + float64(row[x+1]) - 4*float64(row[x])
			lsum += l
			lsum2 += l * l
		}
	}
	m := float64((w - 2) * (h - 2))
	score := lsum2/m - (lsum/m)*(lsum/m)
	if mean < darkMean || std < flatStd {
		score /= 100
	}
	return score
}
