package xmp

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// record is one parsed IIM dataset.
type record struct {
	rec, num byte
	value    string
}

func parseIIM(t *testing.T, b []byte) []record {
	t.Helper()
	var out []record
	for len(b) > 0 {
		if len(b) < 5 || b[0] != 0x1c {
			t.Fatalf("IIM: bad tag at % x", b[:min(len(b), 5)])
		}
		n := int(binary.BigEndian.Uint16(b[3:5]))
		out = append(out, record{b[1], b[2], string(b[5 : 5+n])})
		b = b[5+n:]
	}
	return out
}

// values returns the values of dataset 2:num.
func values(recs []record, num byte) []string {
	var out []string
	for _, r := range recs {
		if r.rec == 2 && r.num == num {
			out = append(out, r.value)
		}
	}
	return out
}

func TestIIMRecords(t *testing.T) {
	recs := parseIIM(t, IIM(sample()))
	if recs[0] != (record{1, 90, "\x1b%G"}) || recs[1] != (record{2, 0, "\x00\x04"}) {
		t.Errorf("IIM starts with %v, %v; want 1:90 UTF-8, 2:00 version 4", recs[0], recs[1])
	}
	for i := 2; i < len(recs); i++ {
		if recs[i].num < recs[i-1].num && recs[i].rec == recs[i-1].rec {
			t.Errorf("dataset 2:%d after 2:%d", recs[i].num, recs[i-1].num)
		}
	}
	want := map[byte][]string{
		5:   {"Hồ Lắk lúc bình minh"},
		25:  {"hồ Lắk", "bình minh", "Lak Lake", "dawn"},
		55:  {"20260310"},
		80:  {"Nguyễn Thị Hương", "Y Bhim Niê"},
		90:  {"Liên Sơn Lắk"},
		92:  {"Hồ Lắk"},
		95:  {"Đắk Lắk"},
		100: {"VNM"}, // IIM wants alpha-3
		101: {"Việt Nam"},
		110: {"Sở VHTTDL Đắk Lắk"},
		116: {"© 2026 Sở VHTTDL Đắk Lắk"},
		120: {captionVi},
	}
	for num, w := range want {
		if got := values(recs, num); !slices.Equal(got, w) {
			t.Errorf("2:%d = %q, want %q", num, got, w)
		}
	}
}

func TestIIMLimits(t *testing.T) {
	cases := []struct {
		name string
		num  byte
		m    Metadata
		want string
	}{
		{"title of 3-byte letters", 5, Metadata{Title: LangText{"vi": strings.Repeat("ắ", 30)}}, strings.Repeat("ắ", 21)},
		{"letter across the limit", 5, Metadata{Title: LangText{"vi": strings.Repeat("a", 63) + "ắ"}}, strings.Repeat("a", 63)},
		{"NFD title counted as NFC", 5, Metadata{Title: LangText{"vi": strings.Repeat("a\u0306\u0301", 22)}}, strings.Repeat("ắ", 21)},
		{"flag not halved", 5, Metadata{Title: LangText{"vi": strings.Repeat("a", 60) + "🇻🇳"}}, strings.Repeat("a", 60)},
		{"fits exactly", 5, Metadata{Title: LangText{"vi": strings.Repeat("ơ", 32)}}, strings.Repeat("ơ", 32)},
		{"by-line", 80, Metadata{Creator: []string{strings.Repeat("Niê ", 10)}}, strings.Repeat("Niê ", 6) + "Ni"},
		{"country code alpha-2", 100, Metadata{Location: Location{CountryCode: "KH"}}, "KHM"},
		{"country code alpha-3", 100, Metadata{Location: Location{CountryCode: "LAO"}}, "LAO"},
		{"keyword", 25, Metadata{Keywords: map[string][]string{"vi": {strings.Repeat("đ", 40)}}}, strings.Repeat("đ", 32)},
		{"caption", 120, Metadata{Description: LangText{"vi": strings.Repeat("Đắk Lắk ", 300)}}, strings.Repeat("Đắk Lắk ", 153) + "Đắk Lắ"}, // 13 bytes each
	}
	for _, c := range cases {
		got := values(parseIIM(t, IIM(c.m)), c.num)
		if len(got) != 1 || got[0] != c.want || !utf8.ValidString(got[0]) {
			t.Errorf("%s: 2:%d = %q (%d bytes), want %q (%d bytes)", c.name, c.num, got, len(strings.Join(got, "")), c.want, len(c.want))
		}
	}
}

func TestIIMDate(t *testing.T) {
	cases := map[string][]string{
		"2026-03-10T06:05:00+07:00": {"20260310"},
		"2026-03-10":                {"20260310"},
		"2026-03":                   {"20260300"},
		"2026":                      {"20260000"},
		"10/03/2026":                nil,
		"":                          nil,
	}
	for in, want := range cases {
		if got := values(parseIIM(t, IIM(Metadata{DateCreated: in})), 55); !slices.Equal(got, want) {
			t.Errorf("DateCreated %q → 2:55 %q, want %q", in, got, want)
		}
	}
}
