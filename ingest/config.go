package ingest

import (
	"errors"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
)

// Config bounds what ingest accepts and where it spools uploads.
type Config struct {
	SpoolDir      string        // folder for in-flight uploads, on a disk with room for the largest file (default: <data dir>/tmp)
	MaxPhotoBytes int64         // largest photo accepted (default: 200 MiB)
	MaxVideoBytes int64         // largest clip or trailer accepted (default: 8 GiB)
	MaxPixels     int64         // largest declared photo size in pixels; protects against decompression bombs (default: 200,000,000)
	FFprobePath   string        // ffprobe binary (default: "ffprobe" on PATH)
	ProbeTimeout  time.Duration // longest a single ffprobe run may take (default: 60s)
	MaxProbes     int           // at most this many ffprobe runs at once (default: 2)
	// CaptureZone places capture times that the file recorded without a
	// zone (most cameras write only the wall clock) (default: UTC+07:00, Vietnam).
	CaptureZone *time.Location
	JobAttempts int // attempts the processing job of a new asset gets before it fails for good (default: 5)
	// Languages of descriptive metadata; an untagged value read from a file
	// goes to the language it is written in (default: vi, en).
	Languages []string
	Suggest   catalog.Suggester // translates short prefilled fields (optional)
	Themes    *theme.Taxonomy   // suggests themes from the prefilled text (optional)
}

// DefaultConfig returns the defaults; SpoolDir must still be set.
func DefaultConfig() Config {
	return Config{
		MaxPhotoBytes: 200 << 20,
		MaxVideoBytes: 8 << 30,
		MaxPixels:     200_000_000,
		FFprobePath:   "ffprobe",
		ProbeTimeout:  60 * time.Second,
		MaxProbes:     2,
		CaptureZone:   time.FixedZone("UTC+07:00", 7*3600),
		JobAttempts:   5,
		Languages:     []string{"vi", "en"},
	}
}

// Validate reports the first unusable setting.
func (c Config) Validate() error {
	switch {
	case c.SpoolDir == "":
		return errors.New("ingest: spool_dir is required")
	case c.MaxPhotoBytes <= 0 || c.MaxVideoBytes <= 0:
		return errors.New("ingest: max_photo_bytes and max_video_bytes must be positive")
	case c.MaxPixels <= 0:
		return errors.New("ingest: max_pixels must be positive")
	case c.ProbeTimeout <= 0 || c.MaxProbes <= 0:
		return errors.New("ingest: probe_timeout and max_probes must be positive")
	case len(c.Languages) == 0:
		return errors.New("ingest: at least one metadata language is required")
	case c.JobAttempts <= 0:
		return errors.New("ingest: job_attempts must be positive")
	case c.CaptureZone == nil:
		return errors.New("ingest: capture zone is required")
	}
	return nil
}
