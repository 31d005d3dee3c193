package probe

import (
	"encoding/binary"
	"fmt"
)

// Photoshop image resources (JPEG APP13 "Photoshop 3.0", TIFF tag 34377).
const (
	irbSignature = "Photoshop 3.0\x00"
	irbIPTC      = 0x0404
	maxIRB       = 4 << 20 // image resources kept from a JPEG's APP13 segments
)

// irbIPTCData returns the IPTC-IIM data of each IPTC resource (0x0404) in
// a run of image resources. A resource cut short by the end of the data
// gives what is there and an error.
func irbIPTCData(b []byte) ([][]byte, error) {
	var iim [][]byte
	for len(b) > 0 {
		switch string(b[:min(4, len(b))]) {
		case "8BIM", "PHUT", "AgHg", "DCSR", "MeSa":
		default:
			return iim, nil // padding or unknown data ends the resources
		}
		if len(b) < 4+2+2+4 {
			return iim, fmt.Errorf("Photoshop resource block is truncated")
		}
		id := binary.BigEndian.Uint16(b[4:])
		name := 1 + int(b[6]) // Pascal string, padded to an even length
		name += name & 1
		if 6+name+4 > len(b) {
			return iim, fmt.Errorf("Photoshop resource 0x%04x is truncated", id)
		}
		size := int(binary.BigEndian.Uint32(b[6+name:]))
		data := b[6+name+4:]
		if size > len(data) || size < 0 {
			if id == irbIPTC {
				iim = append(iim, data)
			}
			return iim, fmt.Errorf("Photoshop resource 0x%04x (%d bytes) runs past the end of the data", id, size)
		}
		if id == irbIPTC {
			iim = append(iim, data[:size])
		}
		b = data[min(size+size&1, len(data)):]
	}
	return iim, nil
}
