package storage

import (
	"mime"
	"strings"
	"testing"
)

// The header must read back, with the standard library's parser, as the
// exact UTF-8 name, and be plain ASCII itself.
func TestContentDisposition(t *testing.T) {
	for _, name := range []string{"photo.jpg", "Hồ Lắk.jpg", "Đà Lạt 2024 (1).png", `a"b\c.txt`, "北京.jpg", "it's.mp4"} {
		got := ContentDisposition(name)
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] > 0x7e {
				t.Errorf("ContentDisposition(%q) = %q: byte %#x is not printable ASCII", name, got, got[i])
				break
			}
		}
		typ, params, err := mime.ParseMediaType(got)
		if err != nil || typ != "attachment" || params["filename"] != name {
			t.Errorf("ContentDisposition(%q) = %q: parses as %q, filename %q, %v; want attachment and the name", name, got, typ, params["filename"], err)
		}
	}
}

func TestContentDispositionASCIIFallback(t *testing.T) {
	got := ContentDisposition("Hồ Lắk – Đắk Lắk.jpg")
	if want := `filename="Ho Lak _ Dak Lak.jpg"`; !strings.Contains(got, want) {
		t.Errorf("ContentDisposition = %q, want the folded fallback %s", got, want)
	}
}
