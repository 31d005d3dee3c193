// Package glossary translates short texts (titles, keywords, place names)
// between Vietnamese and English from a list of agreed terms.
package glossary

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/quangba/quangba/catalog/vntext"
)

// Term is one agreed pair.
type Term struct {
	VI   string `yaml:"vi"`
	EN   string `yaml:"en"`
	Kind string `yaml:"kind"` // place, theme, ocop, festival, ethnic, heritage, nature, …
}

// Glossary looks terms up in either direction, by exact text or by text
// folded without marks and case.
type Glossary struct {
	terms []Term
	exact map[string]map[string]string // "vi>en" → lower-case text → translation
	fold  map[string]map[string]string // "vi>en" → folded text → translation
}

// Parse reads a YAML document {terms: [{vi, en, kind}, …]}.
func Parse(data []byte) (*Glossary, error) {
	var doc struct {
		Terms []Term `yaml:"terms"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	for i, t := range doc.Terms {
		if strings.TrimSpace(t.VI) == "" || strings.TrimSpace(t.EN) == "" {
			return nil, fmt.Errorf("glossary: term %d (%q / %q) needs both vi and en", i+1, t.VI, t.EN)
		}
	}
	return New(doc.Terms), nil
}

// New indexes terms; a later duplicate does not replace an earlier one.
func New(terms []Term) *Glossary {
	g := &Glossary{terms: terms, exact: map[string]map[string]string{"vi>en": {}, "en>vi": {}},
		fold: map[string]map[string]string{"vi>en": {}, "en>vi": {}}}
	for _, t := range terms {
		vi, en := vntext.NFC(strings.TrimSpace(t.VI)), vntext.NFC(strings.TrimSpace(t.EN))
		for dir, p := range map[string][2]string{"vi>en": {vi, en}, "en>vi": {en, vi}} {
			addOnce(g.exact[dir], lower(p[0]), p[1])
			addOnce(g.fold[dir], folded(p[0]), p[1])
		}
	}
	return g
}

func addOnce(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// Len is the number of terms.
func (g *Glossary) Len() int { return len(g.terms) }

// Terms returns the terms in file order.
func (g *Glossary) Terms() []Term { return g.terms }

var separators = regexp.MustCompile(`\s*(?:,|;|\s[–—-]\s)\s*`)

// Translate translates text from one language to the other when the whole
// text is a term, or every part of it separated by commas, semicolons or
// dashes is ("Buôn Ma Thuột – Đắk Lắk" → "Buon Ma Thuot – Dak Lak"). A
// text that is only partly known is not translated: half-translated titles
// are worse than none. field is accepted for the catalogue's interface.
func (g *Glossary) Translate(field, text, from, to string) (string, bool) {
	dir := from + ">" + to
	if g.exact[dir] == nil {
		return "", false
	}
	text = vntext.NFC(strings.TrimSpace(text))
	if v, ok := g.lookup(dir, text); ok {
		return v, true
	}
	parts := separators.Split(text, -1)
	seps := separators.FindAllString(text, -1)
	if len(parts) < 2 {
		return "", false
	}
	var b strings.Builder
	for i, p := range parts {
		v, ok := g.lookup(dir, p)
		if !ok {
			return "", false
		}
		b.WriteString(v)
		if i < len(seps) {
			b.WriteString(seps[i])
		}
	}
	return b.String(), true
}

// lookup prefers the exact term ("hồ", lake) to one that differs only in
// marks ("hổ", tiger), and falls back to the folded form for text typed
// without marks.
func (g *Glossary) lookup(dir, text string) (string, bool) {
	if v, ok := g.exact[dir][lower(text)]; ok {
		return v, true
	}
	v, ok := g.fold[dir][folded(text)]
	return v, ok
}

func lower(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func folded(s string) string { return lower(vntext.Fold(s)) }
