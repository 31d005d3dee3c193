package probe

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestReadIIM(t *testing.T) {
	utf8 := iimSet(1, 90, "\x1b%G")
	tests := []struct {
		name string
		iim  []byte
		want string // Title Keywords Creator DateCreated
		warn string
	}{
		{"declared UTF-8", cat(utf8, iimSet(2, 5, "Lễ hội"), iimSet(2, 25, "cồng chiêng")), "[{ Lễ hội}] [{ cồng chiêng}] [] ", ""},
		{"undeclared UTF-8", iimSet(2, 5, "Lễ hội"), "[{ Lễ hội}] [] [] ", ""},
		{"Latin-1", iimSet(2, 5, "Caf\xe9 M\xfcller"), "[{ Café Müller}] [] [] ", ""},
		{"Windows-1252 quotes", iimSet(2, 5, "\x93Hu\xe9\x94"), "[{ “Hué”}] [] [] ", ""},
		{"declared UTF-8, bad bytes", cat(utf8, iimSet(2, 5, "Hu\xe9")), "[{ Hu\uFFFD}] [] [] ", ""},
		{"first title wins, keywords repeat", cat(iimSet(2, 5, "A"), iimSet(2, 5, "B"), iimSet(2, 25, "k1"), iimSet(2, 25, "k2"), iimSet(2, 80, "X"), iimSet(2, 80, "Y")),
			"[{ A}] [{ k1} { k2}] [X Y] ", ""},
		{"extended length", cat([]byte{0x1c, 2, 5, 0x80, 0x04, 0, 0, 0, 3}, []byte("Dài")[:3]), "[{ Dà}] [] [] ", ""},
		{"padding ends the stream", cat(iimSet(2, 5, "A"), []byte{0, 0, 0x1c, 2, 25}), "[{ A}] [] [] ", ""},
		{"record 1 ignored", cat(iimSet(1, 5, "env"), iimSet(2, 5, "A")), "[{ A}] [] [] ", ""},
		{"date and zoned time", cat(iimSet(2, 55, "20240305"), iimSet(2, 60, "080910+0700")), "[] [] [] 2024-03-05T08:09:10+07:00", ""},
		{"date and plain time", cat(iimSet(2, 55, "20240305"), iimSet(2, 60, "080910")), "[] [] [] 2024-03-05T08:09:10", ""},
		{"unknown day", iimSet(2, 55, "20240300"), "[] [] [] 2024-03", ""},
		{"bad date", iimSet(2, 55, "20241305"), "[] [] [] ", `date created "20241305" is not a date`},
		{"bad extended length", cat(iimSet(2, 5, "A"), []byte{0x1c, 2, 25, 0x80, 0x09}), "[{ A}] [] [] ", "bad extended length"},
		{"cut dataset", cat(iimSet(2, 5, "A"), []byte{0x1c, 2, 25, 0, 9, 'x'}), "[{ A}] [] [] ", "runs past the end"},
	}
	for _, tt := range tests {
		d, warn := readIIM(tt.iim)
		got := fmt.Sprintf("%v %v %v %s", d.Title, d.Keywords, d.Creator, d.DateCreated)
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		if w := strings.Join(warn, "; "); (tt.warn == "") != (w == "") || !strings.Contains(w, tt.warn) {
			t.Errorf("%s: warnings %q, want %q", tt.name, w, tt.warn)
		}
	}
}

func TestIRBResources(t *testing.T) {
	named := cat([]byte("8BIM\x04\x04\x03abc"), []byte{0, 0, 0, 2}, []byte("\x1c\x02")) // name "abc": 4 bytes, even
	odd := cat([]byte("8BIM\x03\xed\x00\x00"), []byte{0, 0, 0, 3}, []byte("xyz\x00"))   // other resource, padded
	b := cat(odd, irbResource(irbIPTC, []byte("one")), named, []byte("\x00\x00\x00\x00"))
	blocks, err := irbIPTCData(b)
	if err != nil || len(blocks) != 2 || string(blocks[0]) != "one" || !bytes.Equal(blocks[1], []byte("\x1c\x02")) {
		t.Errorf("blocks %q, %v", blocks, err)
	}
	if _, err := irbIPTCData([]byte("8BIM\x04\x04")); err == nil {
		t.Error("a cut header gave no error")
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
