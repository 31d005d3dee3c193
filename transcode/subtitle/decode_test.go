package subtitle

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// The first line of the uchardet sample, checked by hand against
// iconv -f WINDOWS-1258 (and -f VISCII for the other sample) and NFC.
const viLine = "Chữ Quốc ngữ là hệ chữ viết thống nhất chính thức hiện nay của tiếng Việt, sử"

func TestDecodeVietnameseLegacy(t *testing.T) {
	for file, wantEnc := range map[string]string{
		"uchardet_vi_windows-1258.txt": "windows-1258",
		"uchardet_vi_viscii.txt":       "viscii",
	} {
		data, err := os.ReadFile(filepath.Join(samples, "encoding_samples", file))
		if err != nil {
			t.Fatal(err)
		}
		text, enc, err := Decode(data)
		if err != nil || enc != wantEnc {
			t.Fatalf("%s: encoding %q, %v; want %s", file, enc, err, wantEnc)
		}
		if first, _, _ := strings.Cut(text, "\n"); first != viLine || !norm.NFC.IsNormalString(text) {
			t.Errorf("%s: first line %q, want NFC %q", file, first, viLine)
		}
	}
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecodeEncodings(t *testing.T) {
	nfd := norm.NFD.String("Việt Nam")
	tests := []struct {
		name, enc, text string
		data            []byte
	}{
		{"ascii", "utf-8", "hello", []byte("hello")},
		{"utf-8 NFD becomes NFC", "utf-8", "Việt Nam", []byte(nfd)},
		{"utf-8 BOM", "utf-8", "Việt", append([]byte{0xEF, 0xBB, 0xBF}, "Việt"...)},
		{"utf-16le BOM", "utf-16le", "Việt", unhex("fffe56006900c71e7400")},
		{"utf-16be BOM", "utf-16be", "Việt", unhex("feff00560069" + "1ec70074")},
		{"utf-16le no BOM", "utf-16le", "Viet Nam", unhex("560069006500740020004e0061006d00")},
		{"utf-16be no BOM", "utf-16be", "Viet Nam", unhex("00560069006500740020004e0061006d")},
		// "Người Việt" in Windows-1258: base letters plus combining marks.
		{"windows-1258", "windows-1258", "Người Việt", unhex("4e67fdf5cc69205669eaf274")},
	}
	for _, tt := range tests {
		text, enc, err := Decode(tt.data)
		if err != nil || enc != tt.enc || text != tt.text {
			t.Errorf("%s: %q, %q, %v; want %q, %q", tt.name, text, enc, err, tt.text, tt.enc)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name, detected string
		data           []byte
	}{
		// "Ngöôøi Vieät noùi tieáng Vieät", as VNI text shows in a Western font.
		{"VNI", "VNI", unhex("4e67f6f4f86920566965e474206e6ff96920746965e16e67205669" + "65e474")},
		// iconv -t TCVN5712-1 of "người việt nam yêu nước và tiếng việt của chúng ta".
		{"TCVN3", "TCVN3", unhex("6e67adea69207669d674206e616d2079aa75206eaded632076b5207469d56e67207669d6742063f161206368f36e67207461")},
		// iconv -t WINDOWS-1252 of "Le café était très bon à côté de la forêt, déjà ouvert."
		{"French", "windows-1252", unhex("4c6520636166e920e974616974207472e87320626f6e20e02063f474e9206465206c6120666f72ea742c2064e96ae0206f75766572742e")},
		// iconv -t GBK of "互联网已是日常生活的一部分".
		{"Chinese", "GBK", unhex("bba5c1aacdf8d2d1cac7c8d5b3a3c9fabbeeb5c4d2bbb2bfb7d6")},
		// iconv -t SHIFT_JIS of "インターネットは日常生活の一部です".
		{"Japanese", "Shift_JIS", unhex("83438393835e815b836c8362836782cd93fa8fed90b68a8882cc88ea959482c582b7")},
		{"binary", "binary", []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 0x0d}},
		{"broken UTF-8 after BOM", "invalid UTF-8", []byte{0xEF, 0xBB, 0xBF, 'a', 0xFF}},
	}
	for _, tt := range tests {
		_, _, err := Decode(tt.data)
		var ee *EncodingError
		if !errors.Is(err, ErrEncoding) || !errors.As(err, &ee) || ee.Detected != tt.detected {
			t.Errorf("%s: %v, want encoding error naming %s", tt.name, err, tt.detected)
			continue
		}
		if !strings.Contains(ee.En, tt.detected) && tt.detected != "binary" && tt.detected != "invalid UTF-8" {
			t.Errorf("%s: message %q does not name %s", tt.name, ee.En, tt.detected)
		}
	}
}
