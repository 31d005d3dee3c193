package vntext

import "strings"

// Slug returns the ASCII, lowercase, hyphenated form of s used for URLs and
// file names in bundles: "Gành Đá Đĩa" → "ganh-da-dia". Apostrophes vanish
// without a break ("M'nông" → "mnong"); any other run of characters that is
// not an ASCII letter or digit becomes one hyphen.
func Slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(Fold(s)) {
		switch {
		case isApostrophe(r):
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			gap = false
			b.WriteRune(r)
		default:
			gap = true
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u02bc', '\u2018', '`':
		return true
	}
	return false
}
