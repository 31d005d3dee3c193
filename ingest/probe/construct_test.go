package probe

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// tiffBytes builds a little-endian TIFF with one IFD at offset 8 whose
// entries each hold one LONG value, followed by pixel bytes.
func tiffBytes(entries [][2]uint32, next uint32, pixels int) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = le.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = le.AppendUint16(b, uint16(e[0]))
		b = le.AppendUint16(b, typeLong)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint32(b, e[1])
	}
	b = le.AppendUint32(b, next)
	return append(b, make([]byte, pixels)...)
}

func TestTIFFConstructed(t *testing.T) {
	dataAt := uint32(8 + 2 + 5*12 + 4)
	good := [][2]uint32{{tagImageWidth, 4}, {tagImageLength, 4}, {tagStripOffsets, dataAt}, {tagStripByteCounts, 48}, {tagOrientation, 3}}
	tests := []struct {
		name   string
		data   []byte
		kind   error
		detail string
	}{
		{"good", tiffBytes(good, 0, 48), nil, ""},
		{"strip past the end", tiffBytes(good, 0, 47), ErrCorrupt, "lies outside the file"},
		{"directory loop", tiffBytes(good, 8, 48), ErrCorrupt, "loops back"},
		{"next directory outside", tiffBytes(good, 1<<20, 48), ErrCorrupt, "page 2"},
		{"no strips", tiffBytes(good[:2], 0, 0), ErrCorrupt, "no strip offsets"},
		{"DNG", tiffBytes(append(good[:4:4], [2]uint32{tagDNGVersion, 0x01040000}), 0, 48), ErrUnsupported, "camera raw (DNG)"},
		{"raw with preview IFD0", tiffBytes(append(good[:4:4], [2]uint32{tagNewSubfileType, 1}, [2]uint32{tagSubIFDs, 8}), 0, 48),
			ErrUnsupported, "camera raw"},
		{"too many pixels", tiffBytes([][2]uint32{{tagImageWidth, 100000}, {tagImageLength, 100000}}, 0, 0),
			ErrTooManyPixels, "100000×100000"},
	}
	for _, tt := range tests {
		info, err := Image(bytes.NewReader(tt.data), int64(len(tt.data)), FormatTIFF, Limits{})
		if kindOf(err) != tt.kind || (err != nil && !strings.Contains(err.Error(), tt.detail)) {
			t.Errorf("%s: %v; want %v %q", tt.name, err, tt.kind, tt.detail)
		}
		if tt.kind == nil && (info.Width != 4 || info.Orientation != 3) {
			t.Errorf("%s: %+v", tt.name, info)
		}
	}
	dng := tiffBytes(append(good[:4:4], [2]uint32{tagDNGVersion, 0x01040000}), 0, 48)
	if _, err := Sniff(dng); kindOf(err) != ErrUnsupported || !strings.Contains(err.Error(), "DNG") {
		t.Errorf("Sniff DNG: %v", err)
	}
}

// jpegBytes assembles a JPEG from hex-free parts: a baseline 16×8 frame
// with one component, the given restart interval, scan data and ending.
func jpegBytes(sof byte, restart int, scan []byte, end []byte) []byte {
	b := []byte{0xff, 0xd8}
	if restart > 0 {
		b = append(b, 0xff, 0xdd, 0, 4, byte(restart>>8), byte(restart))
	}
	b = append(b, 0xff, sof, 0, 11, 8, 0, 8, 0, 16, 1, 1, 0x11, 0)
	b = append(b, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0)
	b = append(b, scan...)
	return append(b, end...)
}

func TestJPEGConstructed(t *testing.T) {
	eoi := []byte{0xff, 0xd9}
	tests := []struct {
		name   string
		data   []byte
		kind   error
		detail string
	}{
		{"good", jpegBytes(0xc0, 0, []byte{1, 2, 0xff, 0, 3}, eoi), nil, ""},
		{"restarts in order", jpegBytes(0xc0, 1, []byte{1, 0xff, 0xd0, 2, 0xff, 0xd1, 3, 0xff, 0xff, 0xd2, 4}, eoi), nil, ""},
		{"restart out of order", jpegBytes(0xc0, 1, []byte{1, 0xff, 0xd0, 2, 0xff, 0xd2}, eoi), ErrCorrupt, "RST2"},
		{"no end marker", jpegBytes(0xc0, 0, []byte{1, 2, 3}, nil), ErrCorrupt, "truncated"},
		{"stray marker in scan", jpegBytes(0xc0, 0, []byte{1, 0xff, 0xc0, 2}, eoi), ErrCorrupt, "marker 0xC0"},
		{"lossless", jpegBytes(0xc3, 0, []byte{1}, eoi), ErrUnsupported, "lossless"},
		{"progressive without AC scans", jpegBytes(0xc2, 0, []byte{1}, eoi), ErrCorrupt, "invalid parameters"},
		{"scan before frame", []byte{0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, 1, 0xff, 0xd9}, ErrCorrupt, "before the frame"},
		{"zero width", bytes.Replace(jpegBytes(0xc0, 0, []byte{1}, eoi), []byte{0, 16, 1, 1}, []byte{0, 0, 1, 1}, 1),
			ErrCorrupt, "empty image"},
		{"JPEG-LS", []byte{0xff, 0xd8, 0xff, 0xf7, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0, 0xff, 0xd9}, ErrUnsupported, "JPEG-LS"},
	}
	for _, tt := range tests {
		_, err := Image(bytes.NewReader(tt.data), int64(len(tt.data)), FormatJPEG, Limits{})
		if kindOf(err) != tt.kind || (err != nil && !strings.Contains(err.Error(), tt.detail)) {
			t.Errorf("%s: %v; want %v %q", tt.name, err, tt.kind, tt.detail)
		}
	}
}

// pngBytes builds a grey 8-bit PNG whose IDAT inflates to raw.
func pngBytes(w, h uint32, raw []byte) []byte {
	chunk := func(b []byte, typ string, data []byte) []byte {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		b = append(b, typ...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b := chunk([]byte(pngSig), "IHDR", ihdr)
	b = chunk(b, "IDAT", z.Bytes())
	return chunk(b, "IEND", nil)
}

func TestPNGConstructed(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		kind   error
		detail string
	}{
		{"good", pngBytes(2, 2, []byte{0, 1, 2, 1, 3, 4}), nil, ""},
		{"too much data", pngBytes(2, 2, []byte{0, 1, 2, 1, 3, 4, 0, 0, 0}), ErrCorrupt, "longer than"},
		{"too little data", pngBytes(2, 2, []byte{0, 1, 2}), ErrCorrupt, "ends early"},
		{"bad filter", pngBytes(2, 2, []byte{0, 1, 2, 9, 3, 4}), ErrCorrupt, "filter type 9"},
		// A zlib bomb: 1 MB of zeros in a 1000×1000 frame would be fine, but
		// the limit refuses the header before inflating anything.
		{"bomb", pngBytes(1000, 1000, make([]byte, 1001000)), ErrTooManyPixels, "1000×1000"},
	}
	for _, tt := range tests {
		_, err := Image(bytes.NewReader(tt.data), int64(len(tt.data)), FormatPNG, Limits{MaxPixels: 999_999})
		if kindOf(err) != tt.kind || (err != nil && !strings.Contains(err.Error(), tt.detail)) {
			t.Errorf("%s: %v; want %v %q", tt.name, err, tt.kind, tt.detail)
		}
	}
}
