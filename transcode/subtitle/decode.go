package subtitle

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// Decode returns data as UTF-8 NFC text and the name of the encoding it
// was in: "utf-8", "utf-16le", "utf-16be", "windows-1258" or "viscii".
// VNI, TCVN3, other legacy code pages and binary data are refused with an
// *EncodingError, which wraps ErrEncoding.
func Decode(data []byte) (text string, enc string, err error) {
	text, enc, err = decodeUnicode(data)
	if enc == "" && err == nil {
		text, enc, err = decodeLegacy(data)
	}
	if err != nil {
		return "", "", err
	}
	return norm.NFC.String(text), enc, nil
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeUnicode handles the Unicode encodings; enc is "" when data is in
// none of them.
func decodeUnicode(data []byte) (text, enc string, err error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		rest := data[len(bomUTF8):]
		if !utf8.Valid(rest) {
			return "", "", refuse("invalid UTF-8")
		}
		return string(rest), "utf-8", nil
	case bytes.HasPrefix(data, bomUTF16LE):
		return utf16(data[2:], unicode.LittleEndian), "utf-16le", nil
	case bytes.HasPrefix(data, bomUTF16BE):
		return utf16(data[2:], unicode.BigEndian), "utf-16be", nil
	}
	if e, name := guessUTF16(data); name != "" {
		return utf16(data, e), name, nil
	}
	if isBinary(data) {
		return "", "", refuse("binary")
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	return "", "", nil
}

func utf16(data []byte, e unicode.Endianness) string {
	return decodeWith(unicode.UTF16(e, unicode.IgnoreBOM), data)
}

func decodeWith(e encoding.Encoding, data []byte) string {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return string(utf8.RuneError)
	}
	return string(out)
}

// guessUTF16 recognises BOM-less UTF-16 of mostly Latin text by its zero
// bytes, all on one side of each pair.
func guessUTF16(data []byte) (unicode.Endianness, string) {
	if len(data) < 4 || len(data)%2 != 0 {
		return unicode.BigEndian, ""
	}
	var zeros [2]int
	for i, b := range data {
		if b == 0 {
			zeros[i%2]++
		}
	}
	pairs := len(data) / 2
	switch {
	case zeros[0] == 0 && zeros[1]*3 >= pairs:
		return unicode.LittleEndian, "utf-16le"
	case zeros[1] == 0 && zeros[0]*3 >= pairs:
		return unicode.BigEndian, "utf-16be"
	}
	return unicode.BigEndian, ""
}

// isBinary reports NUL bytes or more than a few control bytes that text
// does not use (VISCII's six capitals in C0 are allowed).
func isBinary(data []byte) bool {
	odd := 0
	for _, b := range data {
		switch {
		case b == 0:
			return true
		case b >= 0x20 || bytes.IndexByte([]byte("\t\n\v\f\r\x1a"), b) >= 0:
		case visciiTable.low[b] != 0:
		default:
			odd++
		}
	}
	return odd > 0 && odd*200 > len(data)
}
