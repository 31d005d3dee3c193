package xmp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// item is one rdf:li of a parsed packet: its xml:lang (if any) and text.
type item struct{ lang, text string }

// items parses packet as XML and returns the rdf:li items under the first
// element named tag (prefix included); ok is false if there is none.
func items(t *testing.T, packet []byte, tag string) (list []item, ok bool) {
	t.Helper()
	prefix, local, _ := strings.Cut(tag, ":")
	d := xml.NewDecoder(bytes.NewReader(packet))
	depth := 0 // > 0 while inside tag
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return list, ok
		}
		if err != nil {
			t.Fatalf("packet is not well-formed XML: %v\n%s", err, packet)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth > 0 {
				depth++
			} else if e.Name.Local == local && strings.Contains(e.Name.Space, nsHint[prefix]) && !ok {
				depth, ok = 1, true
			}
			if depth > 0 && e.Name.Local == "li" {
				var it item
				for _, a := range e.Attr {
					if a.Name.Local == "lang" {
						it.lang = a.Value
					}
				}
				var text string
				if err := d.DecodeElement(&text, &e); err != nil {
					t.Fatal(err)
				}
				it.text = text
				list = append(list, it)
				depth--
			}
		case xml.EndElement:
			if depth > 0 {
				depth--
			}
		}
	}
}

var nsHint = map[string]string{"dc": "purl.org/dc", "xmpRights": "xap/1.0/rights", "Iptc4xmpCore": "Iptc4xmpCore", "Iptc4xmpExt": "Iptc4xmpExt", "photoshop": "photoshop"}

func packet(t *testing.T, m Metadata) []byte {
	t.Helper()
	p, err := Packet(m)
	if err != nil {
		t.Fatalf("Packet: %v", err)
	}
	return p
}

func TestPacketLangAltOrder(t *testing.T) {
	cases := []struct {
		name string
		def  string
		in   LangText
		want []item
	}{
		{"default first", "vi", LangText{"en": "E", "vi": "V"}, []item{{"x-default", "V"}, {"vi", "V"}, {"en", "E"}}},
		{"others sorted", "vi", LangText{"fr": "F", "vi": "V", "en": "E", "de": "D"}, []item{{"x-default", "V"}, {"vi", "V"}, {"de", "D"}, {"en", "E"}, {"fr", "F"}}},
		{"no default text", "vi", LangText{"fr": "F", "en": "E"}, []item{{"x-default", "E"}, {"en", "E"}, {"fr", "F"}}},
		{"blank default", "vi", LangText{"vi": " \t", "en": "E"}, []item{{"x-default", "E"}, {"en", "E"}}},
		{"no default language", "", LangText{"vi": "V", "en": "E"}, []item{{"x-default", "E"}, {"en", "E"}, {"vi", "V"}}},
		{"english default", "en", LangText{"vi": "V", "en": "E", "ja": "J"}, []item{{"x-default", "E"}, {"en", "E"}, {"ja", "J"}, {"vi", "V"}}},
		{"empty", "vi", LangText{"vi": "", "en": "  "}, nil},
	}
	for _, c := range cases {
		for range 3 { // map order must not leak into the output
			m := Metadata{DefaultLang: c.def, Title: c.in, Rights: c.in, UsageTerms: c.in, AltText: c.in, Description: c.in}
			p := packet(t, m)
			for _, tag := range []string{"dc:title", "dc:description", "dc:rights", "xmpRights:UsageTerms", "Iptc4xmpCore:AltTextAccessibility"} {
				got, ok := items(t, p, tag)
				if !slices.Equal(got, c.want) || ok != (c.want != nil) {
					t.Errorf("%s: %s = %v (present %v), want %v", c.name, tag, got, ok, c.want)
				}
			}
		}
	}
}

func TestPacketEscaping(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a & b", "a & b"},
		{"<script>alert(1)</script>", "<script>alert(1)</script>"},
		{`"double" 'single'`, `"double" 'single'`},
		{"]]> and <?xpacket end=\"w\"?>", "]]> and <?xpacket end=\"w\"?>"},
		{"line 1\nline 2\ttab", "line 1\nline 2\ttab"},
		{"crlf\r\ncr\rend", "crlf\ncr\nend"},
		{"bell\x07 nul\x00 esc\x1b del\x7f nel\u0085 bom\ufffe", "bell nul esc del nel bom"},
		{"bad \xff\xfe utf-8", "bad  utf-8"},
		{"  Hồ Lắk  \n", "Hồ Lắk"},
		{"Ho\u0302\u0300 La\u0306\u0301k", "Hồ Lắk"},
		{"🌅 👩‍👩‍👧 🇻🇳", "🌅 👩‍👩‍👧 🇻🇳"},
		{captionVi, captionVi},
	}
	for _, c := range cases {
		p := packet(t, Metadata{DefaultLang: "vi", Title: LangText{"vi": c.in}, Creator: []string{c.in}})
		title, _ := items(t, p, "dc:title")
		creator, _ := items(t, p, "dc:creator")
		if len(title) != 2 || title[1].text != c.want || len(creator) != 1 || creator[0].text != c.want {
			t.Errorf("%+q: title %+q, creator %+q, want %+q", c.in, title, creator, c.want)
		}
		if n := bytes.Count(p, []byte("<?xpacket")); n != 2 {
			t.Errorf("%+q: %d xpacket instructions, want 2", c.in, n)
		}
	}
}

func TestPacketKeywords(t *testing.T) {
	m := Metadata{DefaultLang: "vi", Keywords: map[string][]string{
		"en": {"lake", "Hồ Lắk", "dawn"},
		"vi": {"hồ", "Ho\u0302\u0300 La\u0306\u0301k", " ", "bình minh", "hồ"},
		"fr": {"lac", "aube", "lake"},
	}}
	got, _ := items(t, packet(t, m), "dc:subject")
	want := []item{{"", "hồ"}, {"", "Hồ Lắk"}, {"", "bình minh"}, {"", "lake"}, {"", "dawn"}, {"", "lac"}, {"", "aube"}}
	if !slices.Equal(got, want) {
		t.Errorf("dc:subject = %v, want %v", got, want)
	}
}

func TestPacketOmitsEmpty(t *testing.T) {
	p := packet(t, Metadata{DefaultLang: "vi", Title: LangText{"vi": "Tháp Nhạn"}})
	for _, absent := range []string{"dc:description", "dc:subject", "dc:creator", "photoshop:", "Iptc4xmpCore:Location", "LocationShown", "exif:GPS", "DigitalSourceType", "rdf:li xml:lang=\"en\""} {
		if bytes.Contains(p, []byte("<"+absent)) {
			t.Errorf("packet has %s for an empty field:\n%s", absent, p)
		}
	}
	if !bytes.HasPrefix(p, []byte("<?xpacket begin=\"\ufeff\"")) || !bytes.HasSuffix(p, []byte(`<?xpacket end="w"?>`)) {
		t.Errorf("packet is not wrapped in xpacket instructions:\n%s", p)
	}
}

func TestPacketTooLarge(t *testing.T) {
	big := strings.Repeat("Lễ hội cồng chiêng ", 3000) // about 70 kB
	_, err := Packet(Metadata{DefaultLang: "vi", Description: LangText{"vi": big}})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Packet with a 70 kB caption: err = %v, want ErrTooLarge", err)
	}
	fits := strings.Repeat("x", 31000) // twice (x-default and vi) still fits
	p, err := Packet(Metadata{DefaultLang: "vi", Description: LangText{"vi": fits}})
	if err != nil || len(p) > maxPacket || len(xmpHeader)+len(p)+2 > 0xffff {
		t.Errorf("Packet with a 31 kB caption: %d bytes, err %v; limit %d", len(p), err, maxPacket)
	}
}

func TestPacketInvalid(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := map[string]Metadata{
		"date format":    {DateCreated: "10/03/2026"},
		"date garbage":   {DateCreated: "2026-03-10 morning"},
		"language space": {Title: LangText{"vi VN": "x"}},
		"x-default key":  {Title: LangText{"x-default": "x"}},
		"keyword lang":   {Keywords: map[string][]string{"<vi>": {"x"}}},
		"default lang":   {DefaultLang: "vi\"", Title: LangText{"vi": "x"}},
		"country code":   {Location: Location{CountryCode: "Vietnam"}},
		"country region": {Location: Location{CountryCode: "419"}},
		"latitude":       {GPS: &GPS{Lat: 91, Lon: 108}},
		"longitude":      {GPS: &GPS{Lat: 12, Lon: -181}},
		"NaN":            {GPS: &GPS{Lat: nan, Lon: 108}},
		"altitude":       {GPS: &GPS{Lat: 12, Lon: 108, Alt: &inf}},
	}
	for name, m := range cases {
		if _, err := Packet(m); err == nil {
			t.Errorf("%s: Packet accepted %+v", name, m)
		}
	}
	for _, date := range []string{"2026", "2026-03", "2026-03-10", "2026-03-10T08:30+07:00", "2026-03-10T08:30:00Z", "2026-03-10T08:30:00.25-05:00"} {
		if _, err := Packet(Metadata{DateCreated: date}); err != nil {
			t.Errorf("Packet rejected date %q: %v", date, err)
		}
	}
}

func TestCoord(t *testing.T) {
	cases := []struct {
		v        float64
		pos, neg byte
		want     string
	}{
		{12.675, 'N', 'S', "12,40.5N"},
		{-12.675, 'N', 'S', "12,40.5S"},
		{108.1975, 'E', 'W', "108,11.85E"},
		{-0.5, 'E', 'W', "0,30W"},
		{0, 'N', 'S', "0,0N"},
		{12.99999999999, 'N', 'S', "13,0N"},
		{12.123456789, 'N', 'S', "12,7.407407N"},
		{180, 'E', 'W', "180,0E"},
	}
	for _, c := range cases {
		if got := coord(c.v, c.pos, c.neg); got != c.want {
			t.Errorf("coord(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
