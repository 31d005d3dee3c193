package transcode

import (
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/quangba/quangba/transcode/photo"
	"github.com/quangba/quangba/transcode/video"
)

// Config sets the worker pool, the job policy and the outputs.
type Config struct {
	Workers     int             // jobs run at once in one process (default: number of cores)
	Lease       time.Duration   // a claimed job is another worker's after this long without a heartbeat (default: 60s)
	Poll        time.Duration   // how often an idle worker looks for work (default: 1s)
	BackoffBase time.Duration   // wait before the first retry; doubles per attempt (default: 10s)
	BackoffMax  time.Duration   // longest wait between retries (default: 10m)
	WorkDir     string          // scratch folder for originals and outputs being made (required)
	Photo       photo.Options   // rendition set, JPEG quality, limits
	Video       video.Options   // proxy and delivery settings, ffmpeg binaries and limits
	Burn        video.BurnStyle // how burned-in subtitles look
	FFprobe     string          // ffprobe binary, to probe a trailer after cutting (default: "ffprobe")
}

// DefaultConfig returns the defaults; WorkDir must still be set.
func DefaultConfig() Config {
	return Config{
		Workers:     runtime.NumCPU(),
		Lease:       60 * time.Second,
		Poll:        time.Second,
		BackoffBase: 10 * time.Second,
		BackoffMax:  10 * time.Minute,
		Photo:       photo.Options{Renditions: photo.DefaultRenditions(), Quality: 85},
		FFprobe:     "ffprobe",
	}
}

// Validate reports the first unusable setting.
func (c Config) Validate() error {
	switch {
	case c.Workers < 0:
		return errors.New("transcode: workers must not be negative")
	case c.Lease < 2*time.Second:
		return errors.New("transcode: lease must be at least 2s")
	case c.Poll <= 0 || c.BackoffBase <= 0 || c.BackoffMax < c.BackoffBase:
		return errors.New("transcode: poll and back-off must be positive, back-off max at least its base")
	case c.WorkDir == "":
		return errors.New("transcode: work_dir is required")
	case len(c.Photo.Renditions) == 0:
		return errors.New("transcode: at least one photo rendition is required")
	}
	return validRenditions(c.Photo.Renditions)
}

func validRenditions(rs []photo.Rendition) error {
	seen := map[string]bool{}
	for _, r := range rs {
		switch {
		case r.LongEdge < 16 || r.LongEdge > 16384:
			return errors.New("transcode: rendition " + r.Name + ": long edge must be 16–16384 px")
		case !validName(r.Name) || seen[r.Name]:
			return errors.New("transcode: rendition name " + r.Name + " must be unique, lower-case letters, digits or -")
		case reserved[r.Name] || strings.HasPrefix(r.Name, "burned-"):
			return errors.New("transcode: rendition name " + r.Name + " is reserved")
		}
		seen[r.Name] = true
	}
	return nil
}

// reserved names belong to outputs other than photo renditions.
var reserved = map[string]bool{"original": true, "poster": true, "proxy": true, "delivery": true, "subtitled": true}

func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
