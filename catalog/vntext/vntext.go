// Package vntext normalises and folds Vietnamese text: NFC for storage,
// diacritic-free folding for search, slugs and ASCII file names.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C, the form everything is
// stored in (macOS sends NFD; legacy code pages decode to decomposed marks).
func NFC(s string) string { return norm.NFC.String(s) }

// Fold removes tone and vowel marks and maps đ/Đ to d/D, which Unicode
// decomposition alone does not do: "Đắk Lắk" → "Dak Lak". Case is kept.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
