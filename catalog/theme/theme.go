// Package theme holds the taxonomy of themes (tourism, OCOP, heritage,
// border …) and suggests themes from an asset's text.
package theme

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/quangba/quangba/catalog/vntext"
)

// Theme is one theme or sub-theme. A sub-theme's ID is "parent/child".
type Theme struct {
	ID       string              `yaml:"id"`
	VI       string              `yaml:"vi"`
	EN       string              `yaml:"en"`
	Keywords map[string][]string `yaml:"keywords"` // language → keywords
	Children []Theme             `yaml:"children"`
	// StripLocation keeps GPS and the precise place out of exported files
	// of assets on this theme or any of its sub-themes (border areas).
	StripLocation bool `yaml:"strip_location"`
}

// Taxonomy is the parsed themes file.
type Taxonomy struct {
	Themes []Theme
	byID   map[string]Theme
	terms  []term // every keyword, folded, with its theme
}

type term struct {
	words []string // folded words of the keyword
	theme string
}

// Parse reads {themes: [...]} and qualifies sub-theme ids.
func Parse(data []byte) (*Taxonomy, error) {
	var doc struct {
		Themes []Theme `yaml:"themes"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("themes: %w", err)
	}
	t := &Taxonomy{byID: map[string]Theme{}}
	for _, th := range doc.Themes {
		if err := t.add(&th, ""); err != nil {
			return nil, err
		}
		t.Themes = append(t.Themes, th)
	}
	return t, nil
}

func (t *Taxonomy) add(th *Theme, parent string) error {
	if th.ID == "" || strings.ContainsAny(th.ID, "/ ") || th.VI == "" || th.EN == "" {
		return fmt.Errorf("themes: %q needs an id without spaces or slashes and both vi and en labels", th.ID)
	}
	if parent != "" {
		th.ID = parent + "/" + th.ID
	}
	if _, dup := t.byID[th.ID]; dup {
		return fmt.Errorf("themes: %q appears twice", th.ID)
	}
	for _, kws := range th.Keywords {
		for _, k := range kws {
			if w := words(k); len(w) > 0 {
				t.terms = append(t.terms, term{words: w, theme: th.ID})
			}
		}
	}
	for i := range th.Children {
		if err := t.add(&th.Children[i], th.ID); err != nil {
			return err
		}
	}
	t.byID[th.ID] = *th
	return nil
}

// Get returns a theme by id ("tourism", "tourism/eco").
func (t *Taxonomy) Get(id string) (Theme, bool) {
	th, ok := t.byID[id]
	return th, ok
}

// StripsLocation reports whether any of the themes, or a theme above one of
// them, requires location data to be stripped from exported files.
func (t *Taxonomy) StripsLocation(ids []string) bool {
	for _, id := range ids {
		for {
			if th, ok := t.byID[id]; ok && th.StripLocation {
				return true
			}
			i := strings.LastIndexByte(id, '/')
			if i < 0 {
				break
			}
			id = id[:i]
		}
	}
	return false
}

// Labels maps every theme id to its label in lang ("vi" or "en").
func (t *Taxonomy) Labels(lang string) map[string]string {
	out := map[string]string{}
	for id, th := range t.byID {
		out[id] = th.VI
		if lang == "en" {
			out[id] = th.EN
		}
	}
	return out
}

// Suggest returns the themes whose keywords occur in the texts as whole
// words, ignoring case; a word typed without diacritics matches the keyword
// without its diacritics ("ca phe" → cà phê), but a word with diacritics
// must match them ("chưa" is not "chùa"). A sub-theme brings its parent.
func (t *Taxonomy) Suggest(texts ...string) []string {
	var all []string
	for _, s := range texts {
		all = append(all, words(s)...)
	}
	found := map[string]bool{}
	for _, tm := range t.terms {
		if containsRun(all, tm.words) {
			found[tm.theme] = true
			if parent, _, ok := strings.Cut(tm.theme, "/"); ok {
				found[parent] = true
			}
		}
	}
	out := make([]string, 0, len(found))
	for id := range found {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// words splits lower-case NFC text into letter and digit runs; an
// apostrophe inside a word (M'nông) joins.
func words(s string) []string {
	return strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(vntext.NFC(s)), "'", ""), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// sameWord compares a word of the text with a word of a keyword.
func sameWord(text, kw string) bool {
	return text == kw || (isASCII(text) && strings.ToLower(vntext.Fold(kw)) == text)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func containsRun(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j, w := range needle {
			if !sameWord(hay[i+j], w) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
