package probe

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// cleanText makes a metadata value comparable: valid UTF-8 in NFC, line
// breaks as "\n", other control characters dropped, spaces trimmed.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n', r == '\t':
			return r
		case unicode.IsControl(r), r == '\uFEFF':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(norm.NFC.String(s))
}

// decodeLegacy reads text of unknown encoding: UTF-8 when it is valid
// UTF-8, else Windows-1252 (a superset of ISO-8859-1's printable range).
func decodeLegacy(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}

// latin1 decodes ISO-8859-1 text (PNG tEXt and zTXt).
func latin1(b []byte) string {
	s, err := charmap.ISO8859_1.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}

// junkText holds the placeholder descriptions cameras and tools write by
// default; they describe nothing.
var junkText = map[string]bool{
	"olympus digital camera": true, "sony dsc": true, "default": true,
	"digital camera": true, "minolta digital camera": true, "leica digital camera": true,
	"kodak digital still camera": true, "created with gimp": true,
	"exif_jpeg_picture": true, "image": true, "picture": true,
}

func isJunk(s string) bool {
	return junkText[strings.ToLower(cleanText(s))]
}

// normDate normalises a date as XMP (ISO 8601), EXIF ("2006:01:02
// 15:04:05") or IIM ("20060102") write it; ok is false when s is not a date.
func normDate(s string) (date string, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 && allDigits(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	if len(s) >= 10 && s[4] == ':' && s[7] == ':' {
		s = s[:4] + "-" + s[5:7] + "-" + s[8:]
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	return partialDate(s)
}

func partialDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02T15:04:05"), true
		}
	}
	// IIM writes unknown month or day as 00.
	s = strings.TrimSuffix(strings.TrimSuffix(s, "-00"), "-00")
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if _, err := time.Parse(layout, s); err == nil && len(s) == len(layout) {
			return s, true
		}
	}
	return "", false
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
