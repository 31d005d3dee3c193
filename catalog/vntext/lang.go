package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// evidence is how strongly one letter points to Vietnamese; larger wins.
type evidence int

const (
	none    evidence = iota
	weak             // é, à, â: Vietnamese, but also French loans in English
	foreign          // a mark Vietnamese never uses: ï, ç, û, ñ
	strong           // ă, đ, ơ, ư, ả, ạ, ĩ, ế: only Vietnamese writes these
)

const (
	grave      = '\u0300'
	acute      = '\u0301'
	circumflex = '\u0302'
	tilde      = '\u0303'
	breve      = '\u0306'
	hook       = '\u0309'
	horn       = '\u031b'
	dotBelow   = '\u0323'
)

// Lang tells Vietnamese from English: "vi" when s has a letter only
// Vietnamese writes, or ambiguous accents (é, à, ô) in two words and no
// mark foreign to Vietnamese; "en" otherwise, so "café" and "naïve" stay
// "en". Unaccented Vietnamese ("Gia Rai") cannot be told apart and is "en".
func Lang(s string) string {
	weakWords, foreignSeen := 0, false
	for _, w := range words(s) {
		switch w.evidence() {
		case strong:
			return "vi"
		case foreign:
			foreignSeen = true
		case weak:
			weakWords++
		}
	}
	if weakWords >= 2 && !foreignSeen {
		return "vi"
	}
	return "en"
}

// letter is a base letter with the combining marks that follow it in NFD.
type letter struct {
	base  rune
	marks []rune
}

type word []letter

// words splits s, decomposed, into runs of letters; anything else separates.
func words(s string) []word {
	var out []word
	var w word
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) && len(w) > 0:
			w[len(w)-1].marks = append(w[len(w)-1].marks, r)
		case unicode.IsLetter(r):
			w = append(w, letter{base: r})
		case len(w) > 0:
			out, w = append(out, w), nil
		}
	}
	if len(w) > 0 {
		out = append(out, w)
	}
	return out
}

func (w word) evidence() evidence {
	ev := none
	for _, l := range w {
		ev = max(ev, l.evidence())
	}
	return ev
}

func (l letter) evidence() evidence {
	base := unicode.ToLower(l.base)
	switch {
	case base == 'đ':
		return strong
	case len(l.marks) == 0:
		return none
	case !strings.ContainsRune("aeiouy", base):
		return foreign
	}
	toned := false
	for _, m := range l.marks {
		toned = toned || m == grave || m == acute || m == tilde || m == hook || m == dotBelow
	}
	ev := none
	for _, m := range l.marks {
		ev = max(ev, markEvidence(base, m, toned))
	}
	return ev
}

func markEvidence(base, mark rune, toned bool) evidence {
	on := func(set string) bool { return strings.ContainsRune(set, base) }
	switch {
	case mark == hook, mark == dotBelow:
		return strong
	case mark == breve && on("a"), mark == horn && on("ou"):
		return strong
	case mark == circumflex && on("aeo"):
		if toned {
			return strong // ấ, ề, ổ: a tone on a hatted vowel
		}
		return weak
	case mark == tilde && on("ao"):
		return weak // ã, õ: also Portuguese
	case mark == tilde:
		return strong // ĩ, ũ, ỹ, ẽ
	case mark == grave && on("iy"), mark == acute && on("y"):
		return strong // ì, ỳ, ý: "bình minh", "Mỹ Ý"; rare outside Vietnamese in English text
	case mark == grave, mark == acute:
		return weak
	}
	return foreign
}
