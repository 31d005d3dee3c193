package subtitle

import (
	"bytes"
	"fmt"

	"github.com/asticode/go-astisub"
)

const (
	stlGSISize = 1024
	stlTTISize = 128
)

// readSTL reads EBU STL. Times before the programme start time code are
// read as relative to 0. Teletext files whose rows never open a box are
// read as open subtitles, since astisub would otherwise find no text.
func readSTL(data []byte) ([]rawCue, []Warning, error) {
	var ws []Warning
	if (data[11] == '1' || data[11] == '2') && !hasStartBox(data) {
		data = append([]byte(nil), data...)
		data[11] = '0'
	}
	s, err := readSTLWith(data, false)
	if err == nil && len(s.Items) > 0 && s.Items[0].StartAt < 0 {
		ws = append(ws, Warning{Message: "cue times are before the programme start time code; read as times from 0"})
		s, err = readSTLWith(data, true)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: EBU STL: %v", ErrFormat, err)
	}
	return fromItems(s.Items), ws, nil
}

func readSTLWith(data []byte, ignoreStart bool) (*astisub.Subtitles, error) {
	return guard(func() (*astisub.Subtitles, error) {
		return astisub.ReadFromSTL(bytes.NewReader(data), astisub.STLOptions{IgnoreTimecodeStartOfProgramme: ignoreStart})
	})
}

// hasStartBox reports whether any TTI text field holds a teletext start-box
// code (0x0B).
func hasStartBox(data []byte) bool {
	for off := stlGSISize; off+stlTTISize <= len(data); off += stlTTISize {
		if bytes.IndexByte(data[off+16:off+stlTTISize], 0x0B) >= 0 {
			return true
		}
	}
	return false
}
