package xmp

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/rivo/uniseg"
	"golang.org/x/text/language"
)

// dataset is one IPTC-IIM record 2 field with its maximum length in bytes.
type dataset struct {
	num    byte
	max    int
	values []string
}

// IIM returns m as IPTC-IIM records for tools that predate XMP: the text of
// the default language, UTF-8 declared in 1:90, each field cut to the
// standard's length at a character boundary.
func IIM(m Metadata) []byte {
	m = m.clean()
	var b bytes.Buffer
	putIIM(&b, 1, 90, "\x1b%G") // coded character set: UTF-8
	putIIM(&b, 2, 0, "\x00\x04")
	for _, d := range m.datasets() {
		for _, v := range d.values {
			if v = cut(v, d.max); v != "" {
				putIIM(&b, 2, d.num, v)
			}
		}
	}
	return b.Bytes()
}

// datasets lists record 2 in dataset order, as IIM asks.
func (m Metadata) datasets() []dataset {
	def, l := m.DefaultLang, m.Location
	one := func(s string) []string { return []string{s} }
	return []dataset{
		{5, 64, one(pick(m.Title, def))},           // ObjectName
		{25, 64, m.keywords()},                     // Keywords
		{55, 8, one(iimDate(m.DateCreated))},       // DateCreated
		{80, 32, m.Creator},                        // By-line
		{90, 32, one(pick(l.City, def))},           // City
		{92, 32, one(pick(l.Sublocation, def))},    // Sub-location
		{95, 32, one(pick(l.State, def))},          // Province-State
		{100, 3, one(iimCountry(l.CountryCode))},   // Country-PrimaryLocationCode
		{101, 64, one(pick(l.Country, def))},       // Country-PrimaryLocationName
		{110, 32, one(m.Credit)},                   // Credit
		{116, 128, one(pick(m.Rights, def))},       // CopyrightNotice
		{120, 2000, one(pick(m.Description, def))}, // Caption-Abstract
	}
}

func putIIM(b *bytes.Buffer, record, num byte, v string) {
	b.Write([]byte{0x1c, record, num})
	binary.Write(b, binary.BigEndian, uint16(len(v)))
	b.WriteString(v)
}

// cut returns the longest prefix of s that fits in max bytes without
// splitting a character, so no reader shows half a letter or emoji.
func cut(s string, max int) string {
	n := 0
	for rest := s; rest != ""; {
		cluster, next, _, _ := uniseg.FirstGraphemeClusterInString(rest, -1)
		if n+len(cluster) > max {
			break
		}
		n, rest = n+len(cluster), next
	}
	return strings.TrimSpace(s[:n])
}

// iimCountry returns the ISO 3166 alpha-3 code IIM asks for ("VNM" for
// "VN"), or "" for a code that is not a country.
func iimCountry(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return r.ISO3()
}

// iimDate turns an ISO 8601 date into CCYYMMDD, with 00 for an unknown
// month or day as IIM allows; it returns "" for anything else.
func iimDate(s string) string {
	if !isoDate.MatchString(s) {
		return ""
	}
	d := strings.ReplaceAll(s[:min(len(s), 10)], "-", "")
	return d + strings.Repeat("0", 8-len(d))
}
