package catalog

import (
	"strings"
	"unicode"

	"github.com/quangba/quangba/catalog/vntext"
)

// Bounds on what a search reads of the typed text.
const (
	maxSearchInput  = 1000 // bytes of input looked at
	maxSearchTokens = 12
	maxTokenRunes   = 40
)

// searchText is typed text turned into FTS5 queries. User text never
// reaches MATCH as it is: it is cut into words (runs of letters and
// digits, as the unicode61 tokenizer cuts them), and each word becomes a
// quoted string, so quotes, NEAR, *, -, parentheses, AND/OR/NOT are only
// words or separators.
type searchText struct {
	exact, folded []string // lower-case words; folded: no diacritics, đ → d
}

func parseSearchText(s string) searchText {
	if len(s) > maxSearchInput {
		s = s[:maxSearchInput]
	}
	s = strings.ToLower(vntext.NFC(strings.ToValidUTF8(s, "")))
	var t searchText
	seenExact, seenFolded := map[string]bool{}, map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isTokenRune(r) }) {
		if len(t.exact) == maxSearchTokens {
			break
		}
		if r := []rune(w); len(r) > maxTokenRunes {
			w = string(r[:maxTokenRunes])
		}
		if !seenExact[w] {
			seenExact[w] = true
			t.exact = append(t.exact, w)
		}
		// Folding drops marks, which unicode61 treats as separators: the
		// folded word is still one run of letters.
		if f := strings.ToLower(vntext.Fold(w)); !seenFolded[f] {
			seenFolded[f] = true
			t.folded = append(t.folded, f)
		}
	}
	return t
}

// isTokenRune mirrors unicode61's default token characters (L*, N*, Co).
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

func (t searchText) empty() bool { return len(t.exact) == 0 }

// matchExpr is an FTS5 query: every word, in any order, in the column;
// the last word typed may be the start of a word.
func matchExpr(column string, words []string, lastTyped string) string {
	var b strings.Builder
	b.WriteString(column + " : (")
	for i, w := range words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(`"` + strings.ReplaceAll(w, `"`, `""`) + `"`)
		if w == lastTyped {
			b.WriteString(" *")
		}
	}
	b.WriteString(")")
	return b.String()
}

func (t searchText) exactMatch() string {
	return matchExpr("exact", t.exact, t.exact[len(t.exact)-1])
}

func (t searchText) foldedMatch() string {
	last := strings.ToLower(vntext.Fold(t.exact[len(t.exact)-1]))
	return matchExpr("folded", t.folded, last)
}
