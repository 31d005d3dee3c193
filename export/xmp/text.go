package xmp

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// cleanText returns s trimmed, in NFC, without invalid UTF-8 and without
// control characters other than tab and newline (XML 1.0 forbids most of
// them, and the rest break other tools). A carriage return becomes a newline.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t', r == '\n':
			return r
		case unicode.IsControl(r), r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(norm.NFC.String(s))
}

func cleanList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = cleanText(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// clean returns t with cleaned texts and language codes, without empty ones.
func (t LangText) clean() LangText {
	out := LangText{}
	for lang, s := range t {
		lang, s = strings.TrimSpace(lang), cleanText(s)
		if lang != "" && s != "" {
			out[lang] = s
		}
	}
	return out
}

// order lists the languages that have text: def first, then the others sorted.
func order[V any](t map[string]V, def string) []string {
	var langs []string
	for lang := range t {
		if lang != def {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)
	if _, ok := t[def]; ok {
		langs = slices.Insert(langs, 0, def)
	}
	return langs
}

// pick returns the text in def, or else in the first language of order.
func pick(t LangText, def string) string {
	if langs := order(t, def); len(langs) > 0 {
		return t[langs[0]]
	}
	return ""
}

// clean returns a copy of m with every text cleaned; m is left alone.
func (m Metadata) clean() Metadata {
	if m.StripLocation {
		m = m.WithoutLocation()
	}
	c := m
	c.DefaultLang = strings.TrimSpace(m.DefaultLang)
	for _, p := range []*LangText{&c.Title, &c.Description, &c.AltText, &c.Rights, &c.UsageTerms,
		&c.Location.Sublocation, &c.Location.City, &c.Location.State, &c.Location.Country} {
		*p = p.clean()
	}
	c.Keywords = map[string][]string{}
	for lang, kw := range m.Keywords {
		if lang, kw = strings.TrimSpace(lang), cleanList(kw); lang != "" && len(kw) > 0 {
			c.Keywords[lang] = kw
		}
	}
	c.Creator = cleanList(m.Creator)
	c.Credit = cleanText(m.Credit)
	c.DateCreated = cleanText(m.DateCreated)
	c.Location.CountryCode = cleanText(m.Location.CountryCode)
	c.DigitalSourceType = cleanText(m.DigitalSourceType)
	return c
}

// keywords lists the keywords of every language once: the default
// language's first, then the others by language code, each in given order.
func (m Metadata) keywords() []string {
	var out []string
	seen := map[string]bool{}
	for _, lang := range order(m.Keywords, m.DefaultLang) {
		for _, k := range m.Keywords[lang] {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
