package photo

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/quangba/quangba/ingest/probe"
)

// source is a file whose format and header have been checked.
type source struct {
	path        string
	format      probe.Format
	orientation int    // EXIF orientation, 0 or 1 when upright
	data        []byte // the whole file; nil for HEIF, which heif-convert reads
}

// openSource sniffs the content, validates the header with ingest/probe
// (which refuses decompression bombs before any pixel is decoded) and reads
// the file.
func openSource(path string, maxPixels int64) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("photo: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("photo: %w", err)
	}
	head := make([]byte, min(st.Size(), probe.SniffSize))
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, fmt.Errorf("photo: read %s: %w", path, err)
	}
	format, err := probe.Sniff(head)
	if err != nil {
		return nil, probeErr(path, err)
	}
	if format.Class != probe.ClassImage {
		return nil, fmt.Errorf("photo: %s: %w: %s is not a photo", path, ErrUnsupported, format.Name)
	}
	info, err := probe.Image(f, st.Size(), format, probe.Limits{MaxPixels: maxPixels})
	if err != nil {
		return nil, probeErr(path, err)
	}
	src := &source{path: path, format: format, orientation: info.Orientation}
	if isHEIF(format) {
		return src, nil
	}
	src.data = make([]byte, st.Size())
	if _, err := f.ReadAt(src.data, 0); err != nil {
		return nil, fmt.Errorf("photo: read %s: %w", path, err)
	}
	return src, nil
}

func isHEIF(f probe.Format) bool {
	return f == probe.FormatHEIC || f == probe.FormatHEIF || f == probe.FormatAVIF
}

// probeErr maps a probe failure kind to ours, keeping probe's detail.
func probeErr(path string, err error) error {
	var kind error
	switch {
	case errors.Is(err, probe.ErrTooManyPixels):
		kind = ErrTooManyPixels
	case errors.Is(err, probe.ErrCorrupt), errors.Is(err, probe.ErrEmpty):
		kind = ErrCorrupt
	case errors.Is(err, probe.ErrUnsupported):
		kind = ErrUnsupported
	default:
		return fmt.Errorf("photo: probe %s: %w", path, err)
	}
	return fmt.Errorf("photo: probe %s: %w (%v)", path, kind, err)
}
