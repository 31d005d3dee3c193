package probe

import (
	"bytes"
	"fmt"
	"strings"
)

// iimDataset is one IPTC-IIM dataset: record, number and raw value.
type iimDataset struct {
	rec, num byte
	raw      []byte
}

// readIIM reads the descriptive datasets of an IPTC-IIM stream (IPTC IIM
// 4.2). Text is UTF-8 when dataset 1:90 says so (ESC % G), else UTF-8 if
// it is valid UTF-8, else Windows-1252. A damaged stream gives what could
// be read before the damage and a warning.
func readIIM(b []byte) (Descriptive, []string) {
	sets, err := iimDatasets(b)
	var warn []string
	if err != nil {
		warn = append(warn, "IPTC-IIM block unreadable: "+err.Error())
	}
	utf8Declared := false
	for _, s := range sets {
		if s.rec == 1 && s.num == 90 {
			utf8Declared = bytes.Equal(s.raw, []byte("\x1b%G"))
		}
	}
	var d Descriptive
	var date, tm string
	for _, s := range sets {
		if s.rec != 2 {
			continue
		}
		v := decodeLegacy(s.raw)
		if utf8Declared {
			v = strings.ToValidUTF8(string(s.raw), "\uFFFD")
		}
		switch s.num {
		case 55:
			date = orString(date, cleanText(v))
		case 60:
			tm = orString(tm, cleanText(v))
		default:
			iimField(&d, s.num, v)
		}
	}
	if d.DateCreated, err = iimDate(date, tm); err != nil {
		warn = append(warn, err.Error())
	}
	return d, warn
}

// iimField stores one record 2 dataset; non-repeatable ones keep the first.
func iimField(d *Descriptive, num byte, v string) {
	first := func(dst *[]Text) {
		if len(*dst) == 0 {
			addText(dst, "", v)
		}
	}
	switch num {
	case 5:
		first(&d.Title)
	case 120:
		first(&d.Description)
	case 116:
		first(&d.Rights)
	case 25:
		addText(&d.Keywords, "", v)
	case 80:
		addString(&d.Creator, v)
	case 110:
		setString(&d.Credit, v)
	case 90:
		first(&d.City)
	case 92:
		first(&d.Sublocation)
	case 95:
		first(&d.State)
	case 101:
		first(&d.Country)
	case 100:
		setString(&d.CountryCode, v)
	}
}

// iimDatasets splits an IIM stream into datasets. Each starts with the tag
// marker 0x1C; anything else (Photoshop pads with zeros) ends the stream.
func iimDatasets(b []byte) ([]iimDataset, error) {
	var out []iimDataset
	for len(b) >= 5 && b[0] == 0x1c {
		d := iimDataset{rec: b[1], num: b[2]}
		n := int(b[3])<<8 | int(b[4])
		b = b[5:]
		if n&0x8000 != 0 { // extended dataset: the next n&0x7fff bytes are the length
			k := n & 0x7fff
			if k == 0 || k > 4 || k > len(b) {
				return out, fmt.Errorf("dataset %d:%d has a bad extended length", d.rec, d.num)
			}
			n = 0
			for _, c := range b[:k] {
				n = n<<8 | int(c)
			}
			b = b[k:]
		}
		if n > len(b) {
			return out, fmt.Errorf("dataset %d:%d runs past the end of the block", d.rec, d.num)
		}
		d.raw, b = b[:n], b[n:]
		out = append(out, d)
	}
	return out, nil
}

// iimDate joins 2:55 (CCYYMMDD) and 2:60 (HHMMSS±HHMM).
func iimDate(date, tm string) (string, error) {
	if date == "" {
		return "", nil
	}
	d, ok := normDate(date)
	if !ok {
		return "", fmt.Errorf("IPTC-IIM date created %q is not a date", date)
	}
	if len(d) != 10 || len(tm) < 6 || !allDigits(tm[:6]) {
		return d, nil
	}
	iso := d + "T" + tm[:2] + ":" + tm[2:4] + ":" + tm[4:6]
	if z := tm[6:]; len(z) == 5 && (z[0] == '+' || z[0] == '-') && allDigits(z[1:]) {
		iso += z[:3] + ":" + z[3:]
	}
	if full, ok := normDate(iso); ok {
		return full, nil
	}
	return d, nil
}
