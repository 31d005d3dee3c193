package subtitle

import (
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/unicode/norm"
)

// decodeLegacy decodes 8-bit Vietnamese (Windows-1258, VISCII) when the
// result reads as Vietnamese, and refuses everything else by name.
func decodeLegacy(data []byte) (string, string, error) {
	best, bestEnc, bestScore := "", "", 0.0
	for _, c := range []struct {
		name string
		text string
	}{
		{"windows-1258", decodeWith(charmap.Windows1258, data)},
		{"viscii", visciiTable.decode(data)},
	} {
		if s := vietScore(norm.NFC.String(c.text)); s > bestScore {
			best, bestEnc, bestScore = c.text, c.name, s
		}
	}
	if bestScore >= plausible {
		return best, bestEnc, nil
	}
	if vietScore(norm.NFC.String(tcvnTable.decode(data))) >= plausible {
		return "", "", refuse("TCVN3")
	}
	if vniScore(data) >= plausible {
		return "", "", refuse("VNI")
	}
	return "", "", refuse(guessCodePage(data))
}

func (t *byteTable) decode(data []byte) string {
	out := make([]rune, 0, len(data))
	for _, b := range data {
		switch {
		case b >= 0x80:
			out = append(out, t.high[b-0x80])
		case t.low[b] != 0:
			out = append(out, t.low[b])
		default:
			out = append(out, rune(b))
		}
	}
	return string(out)
}

var codePages = []struct {
	name string
	enc  encoding.Encoding
}{
	{"windows-1252", charmap.Windows1252},
	{"windows-1250", charmap.Windows1250},
	{"windows-1251", charmap.Windows1251},
	{"windows-1253", charmap.Windows1253},
	{"Shift_JIS", japanese.ShiftJIS},
	{"GBK", simplifiedchinese.GBK},
	{"Big5", traditionalchinese.Big5},
	{"EUC-KR", korean.EUCKR},
}

// guessCodePage names the code page under which data reads most like text.
func guessCodePage(data []byte) string {
	best, min := codePages[0].name, -1
	for _, c := range codePages {
		p := oddity(decodeWith(c.enc, data), c.name)
		if min < 0 || p < min {
			best, min = c.name, p
		}
	}
	return best
}

func refuse(detected string) *EncodingError {
	e := &EncodingError{Detected: detected}
	switch detected {
	case "VNI", "TCVN3":
		e.En = "the file is in the legacy Vietnamese font encoding " + detected + "; convert it to Unicode (UTF-8), e.g. with UniKey's converter, and upload it again"
		e.Vi = "Tệp dùng bảng mã cũ " + detected + "; hãy chuyển sang Unicode (UTF-8), ví dụ bằng công cụ chuyển mã của UniKey, rồi tải lên lại"
	case "invalid UTF-8":
		e.En = "the file starts as UTF-8 but contains bytes that are not UTF-8; save it again as UTF-8"
		e.Vi = "Tệp bắt đầu như UTF-8 nhưng có byte không hợp lệ; hãy lưu lại dưới dạng UTF-8"
	case "binary":
		e.En = "the file is binary, not subtitle text"
		e.Vi = "Tệp là dữ liệu nhị phân, không phải văn bản phụ đề"
	default:
		e.En = "the file is in the " + detected + " encoding, not Vietnamese; save it as UTF-8 and upload it again"
		e.Vi = "Tệp dùng bảng mã " + detected + ", không phải tiếng Việt; hãy lưu lại dưới dạng UTF-8 rồi tải lên lại"
	}
	return e
}
