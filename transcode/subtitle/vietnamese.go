package subtitle

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// plausible is the share of non-ASCII words that must be Vietnamese
// syllables for a decoding to be taken as Vietnamese.
const plausible = 0.8

// vietScore is the share of words with non-ASCII letters in text that are
// well-formed Vietnamese syllables; 0 when there are none.
func vietScore(text string) float64 {
	valid, total := 0, 0
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		if isASCII(w) {
			continue
		}
		total++
		if isSyllable(w) {
			valid++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(valid) / float64(total)
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var (
	initials = strings.Fields("ngh ch gh gi kh ng nh ph qu th tr b c d đ g h k l m n p r s t v x")
	finals   = set("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
	nuclei   = set(strings.Fields(`a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi
		oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oay oao oeo uôi ươi ươu uya uyê uây uyu`)...)
	vowels = "aăâeêioôơuưy"
	// folded drops the marks VNI writes as separate bytes.
	folded       = strings.NewReplacer("ă", "a", "â", "a", "ê", "e", "ô", "o", "ơ", "o", "ư", "u", "đ", "d")
	foldedNuclei = foldSet(nuclei)
	tones        = "\u0300\u0301\u0303\u0309\u0323"
)

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

func foldSet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[folded.Replace(k)] = true
	}
	return out
}

// isSyllable reports whether w is one Vietnamese syllable: an initial
// consonant, a vowel nucleus, a final consonant and at most one tone.
func isSyllable(w string) bool { return syllable(w, nuclei) }

func syllable(w string, nuclei map[string]bool) bool {
	base, ok := stripTone(strings.ToLower(w))
	if !ok {
		return false
	}
	rest := base
	for _, in := range initials {
		if strings.HasPrefix(rest, in) {
			rest = rest[len(in):]
			break
		}
	}
	if rest == "" || (strings.HasPrefix(base, "gi") && !strings.ContainsAny(rest[:1], vowels)) {
		rest = "i" + rest // "gì", "gìn": the i of gi is the nucleus
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune(vowels, r) })
	if end < 0 {
		end = len(rest)
	}
	return nuclei[rest[:end]] && finals[rest[end:]]
}

// stripTone removes the tone mark; ok is false for more than one.
func stripTone(w string) (string, bool) {
	var b strings.Builder
	n := 0
	for _, r := range norm.NFD.String(w) {
		if strings.ContainsRune(tones, r) {
			n++
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String()), n <= 1
}

// vniScore reads data as VNI, where ư, ơ and đ are the bytes of ö, ô and ñ
// and each tone (with circumflex or breve) is one byte after the vowel:
// dropping those bytes must leave Vietnamese syllables.
func vniScore(data []byte) float64 {
	valid, total := 0, 0
	for _, w := range splitBytes(data) {
		if isASCII(string(w)) {
			continue
		}
		total++
		if s, ok := vniStrip(w); ok && syllable(folded.Replace(strings.ToLower(s)), foldedNuclei) {
			valid++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(valid) / float64(total)
}

var vniLetters = map[byte]string{0xF6: "ư", 0xD6: "Ư", 0xF4: "ơ", 0xD4: "Ơ", 0xF1: "đ", 0xD1: "Đ"}

func vniStrip(w []byte) (string, bool) {
	var b strings.Builder
	for i, c := range w {
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case vniLetters[c] != "":
			b.WriteString(vniLetters[c])
		case i > 0 && (strings.IndexByte("aeiouyAEIOUY", w[i-1]) >= 0 || vniLetters[w[i-1]] != ""):
		default:
			return "", false
		}
	}
	return b.String(), true
}

// splitBytes splits 8-bit text into words of ASCII letters and high bytes.
func splitBytes(data []byte) [][]byte {
	var words [][]byte
	start := -1
	for i := 0; i <= len(data); i++ {
		in := i < len(data) && (data[i] >= 0x80 || unicode.IsLetter(rune(data[i])))
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			words = append(words, data[start:i])
			start = -1
		}
	}
	return words
}
