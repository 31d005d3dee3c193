package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// exiftoolTags runs exiftool on a file and returns its tags as
// "Group:Tag" → value. exiftool must be installed: a missing tool fails.
func exiftoolTags(t *testing.T, path string) map[string]any {
	t.Helper()
	cmd := exec.Command("exiftool", "-j", "-G1", "-a", "-struct", "-charset", "iptc=Latin", path)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exiftool %s (it must be on PATH): %v", path, err)
	}
	d := json.NewDecoder(bytes.NewReader(out))
	d.UseNumber()
	var v []map[string]any
	if err := d.Decode(&v); err != nil || len(v) != 1 {
		t.Fatalf("exiftool output: %v", err)
	}
	return v[0]
}

// oracle maps exiftool's reading onto Descriptive with the package's
// sources and precedence (XMP, then IPTC-IIM, then PNG text, then EXIF),
// so that a difference means a value was read differently.
type oracle map[string]any

func (o oracle) meta() Descriptive {
	return Descriptive{
		Title:       o.texts("XMP-dc:Title", "IPTC:ObjectName", "IPTC2:ObjectName", "PNG:Title", "IFD0:XPTitle"),
		Description: o.description(),
		AltText:     o.texts("XMP-iptcCore:AltTextAccessibility"),
		Rights:      o.texts("XMP-dc:Rights", "IPTC:CopyrightNotice", "IPTC2:CopyrightNotice", "PNG:Copyright", "IFD0:Copyright"),
		UsageTerms:  o.texts("XMP-xmpRights:UsageTerms"),
		Keywords:    o.texts("XMP-dc:Subject", "IPTC:Keywords", "IPTC2:Keywords", "IFD0:XPKeywords"),
		Creator:     o.strings("XMP-dc:Creator", "IPTC:By-line", "IPTC2:By-line", "PNG:Author", "IFD0:Artist", "IFD0:XPAuthor"),
		Credit:      o.first("XMP-photoshop:Credit", "IPTC:Credit", "IPTC2:Credit"),
		DateCreated: o.date(),
		Sublocation: o.texts("XMP-iptcCore:Location", "XMP-iptcExt:LocationShown.Sublocation", "XMP-iptcExt:LocationCreated.Sublocation", "IPTC:Sub-location"),
		City:        o.texts("XMP-photoshop:City", "XMP-iptcExt:LocationShown.City", "XMP-iptcExt:LocationCreated.City", "IPTC:City"),
		State:       o.texts("XMP-photoshop:State", "XMP-iptcExt:LocationShown.ProvinceState", "XMP-iptcExt:LocationCreated.ProvinceState", "IPTC:Province-State"),
		Country:     o.texts("XMP-photoshop:Country", "XMP-iptcExt:LocationShown.CountryName", "XMP-iptcExt:LocationCreated.CountryName", "IPTC:Country-PrimaryLocationName"),
		CountryCode: o.first("XMP-iptcCore:CountryCode", "XMP-iptcExt:LocationShown.CountryCode", "XMP-iptcExt:LocationCreated.CountryCode", "IPTC:Country-PrimaryLocationCode"),

		DigitalSourceType: o.first("XMP-iptcExt:DigitalSourceType"),
	}
}

func (o oracle) description() []Text {
	keys := []string{"XMP-dc:Description", "IPTC:Caption-Abstract", "IPTC2:Caption-Abstract", "PNG:Description",
		"PNG:Comment", "IFD0:ImageDescription", "IFD0:XPComment", "ExifIFD:UserComment"}
	for _, k := range keys {
		if ts := o.texts(k); len(ts) > 0 && !isJunk(ts[0].Value) {
			return ts
		}
	}
	return nil
}

// texts returns the first key's values with their languages: exiftool
// names an XMP x-default item Tag and the others Tag-vi, Tag-en, …; a
// "Struct.Field" key reads the field of the first structure.
func (o oracle) texts(keys ...string) []Text {
	for _, k := range keys {
		var out []Text
		base := ""
		if langAlts[k] {
			base = "x-default"
		}
		for _, v := range o.values(k) {
			out = appendText(out, base, v)
		}
		for tag, v := range o {
			if lang, ok := strings.CutPrefix(tag, k+"-"); ok && !strings.Contains(lang, ":") {
				for _, s := range asStrings(v) {
					out = appendText(out, lang, s)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// langAlts are the XMP Lang Alt properties, whose untagged exiftool name
// is the x-default item.
var langAlts = map[string]bool{"XMP-dc:Title": true, "XMP-dc:Description": true, "XMP-dc:Rights": true,
	"XMP-xmpRights:UsageTerms": true, "XMP-iptcCore:AltTextAccessibility": true}

func appendText(out []Text, lang, v string) []Text {
	if s := oracleClean(v); s != "" && !slices.Contains(out, Text{lang, s}) {
		out = append(out, Text{lang, s})
	}
	return out
}

func (o oracle) strings(keys ...string) []string {
	for _, k := range keys {
		var out []string
		for _, v := range append(o.values(k), o.tagged(k)...) {
			parts := []string{v}
			if k == "IFD0:XPAuthor" {
				parts = strings.Split(v, ";")
			}
			for _, p := range parts {
				if s := oracleClean(p); s != "" && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// tagged returns the values of a tag's language variants (Tag-ja, …).
func (o oracle) tagged(key string) []string {
	var out []string
	for tag, v := range o {
		if lang, ok := strings.CutPrefix(tag, key+"-"); ok && !strings.Contains(lang, ":") {
			out = append(out, asStrings(v)...)
		}
	}
	return out
}

func (o oracle) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range o.values(k) {
			if s := oracleClean(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// values returns a tag's values; XPKeywords is one string with ";" between
// keywords.
func (o oracle) values(key string) []string {
	group, field, isStruct := strings.Cut(key, ".")
	v := o[group]
	if isStruct {
		list, _ := v.([]any)
		if len(list) == 0 {
			return nil
		}
		m, _ := list[0].(map[string]any)
		v = m[field]
	}
	vals := asStrings(v)
	if key == "IFD0:XPKeywords" && len(vals) == 1 {
		vals = strings.Split(vals[0], ";")
	}
	return vals
}

func asStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case json.Number:
		return []string{v.String()}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, asStrings(x)...)
		}
		return out
	}
	return nil
}

// date turns exiftool's "2006:01:02 15:04:05+07:00" into ISO 8601.
func (o oracle) date() string {
	s := o.first("XMP-photoshop:DateCreated")
	if s == "" {
		if s = o.first("IPTC:DateCreated"); s == "" {
			return ""
		}
		if tm := o.first("IPTC:TimeCreated"); tm != "" {
			s += " " + tm
		}
	}
	s = strings.Replace(strings.Replace(s, ":", "-", 2), " ", "T", 1)
	if i := strings.IndexByte(s, '.'); i > 0 { // sub-seconds
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		s = s[:i] + s[j:]
	}
	return strings.Replace(s, "+00:00", "Z", 1)
}

func oracleClean(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n")))
}

// sameMeta reports the fields where got and want differ. Texts compare as
// sets of language and value; location fields compare values only, as
// exiftool drops the languages inside a location structure.
func sameMeta(got, want Descriptive) []string {
	var diffs []string
	check := func(name string, g, w any) {
		if fmt.Sprint(g) != fmt.Sprint(w) {
			diffs = append(diffs, fmt.Sprintf("%s = %q, exiftool says %q", name, g, w))
		}
	}
	texts := map[string][2][]Text{
		"Title": {got.Title, want.Title}, "Description": {got.Description, want.Description},
		"AltText": {got.AltText, want.AltText}, "Rights": {got.Rights, want.Rights},
		"UsageTerms": {got.UsageTerms, want.UsageTerms}, "Keywords": {got.Keywords, want.Keywords},
	}
	for name, p := range texts {
		check(name, textSet(p[0], true), textSet(p[1], true))
	}
	places := map[string][2][]Text{
		"Sublocation": {got.Sublocation, want.Sublocation}, "City": {got.City, want.City},
		"State": {got.State, want.State}, "Country": {got.Country, want.Country},
	}
	for name, p := range places {
		check(name, textSet(p[0], false), textSet(p[1], false))
	}
	check("Creator", got.Creator, want.Creator)
	check("Credit", got.Credit, want.Credit)
	check("DateCreated", got.DateCreated, want.DateCreated)
	check("CountryCode", got.CountryCode, want.CountryCode)
	check("DigitalSourceType", got.DigitalSourceType, want.DigitalSourceType)
	slices.Sort(diffs)
	return diffs
}

func textSet(ts []Text, withLang bool) []string {
	var out []string
	for _, t := range ts {
		s := t.Value
		if withLang {
			s = t.Lang + "|" + s
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
