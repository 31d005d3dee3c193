package subtitle

import (
	"strings"
	"unicode"
)

// rareIn lists letters that a code page can produce but its languages
// seldom use: seeing them suggests another code page.
var rareIn = map[string]string{
	"windows-1252": "ðÐþÞæÆ",
	"windows-1250": "ĺĹŕŔţŢ",
}

// oddity counts what makes text implausible as the output of code page cp:
// replacement and control characters, symbols inside words, words mixing
// scripts, long runs of accented Latin letters and rare letters.
func oddity(text, cp string) int {
	rs := []rune(text)
	n := 0
	for i, r := range rs {
		switch {
		case r == unicode.ReplacementChar || (r >= 0x80 && r < 0xA0):
			n += 3
		case r >= 0x80 && !unicode.IsLetter(r) && !unicode.IsMark(r) && i > 0 && i+1 < len(rs) &&
			unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]):
			n++
		case strings.ContainsRune(rareIn[cp], r):
			n++
		}
	}
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		n += wordOddity([]rune(w))
	}
	return n
}

func wordOddity(w []rune) int {
	n, run, script := 0, 0, ""
	for _, r := range w {
		switch s := scriptOf(r); {
		case s == "":
		case script == "":
			script = s
		case s != script:
			n++
		}
		if r >= 0x80 && unicode.Is(unicode.Latin, r) {
			run++
			if run >= 3 {
				n++
			}
		} else {
			run = 0
		}
	}
	return n
}

func scriptOf(r rune) string {
	for _, s := range []struct {
		name  string
		table *unicode.RangeTable
	}{
		{"latin", unicode.Latin}, {"cyrillic", unicode.Cyrillic}, {"greek", unicode.Greek},
		{"cjk", unicode.Han}, {"cjk", unicode.Hiragana}, {"cjk", unicode.Katakana}, {"hangul", unicode.Hangul},
	} {
		if unicode.Is(s.table, r) {
			return s.name
		}
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	return "other"
}
