package probe

import (
	"slices"
	"strings"
)

// videoMeta reads the descriptive tags of a video container as ffprobe
// reports them (format tags). Keys are matched without regard to case; a
// key with an ISO 639-2 suffix ("title-vie", as Matroska tags carry it)
// gives the value that language.
func videoMeta(tags map[string]string) Descriptive {
	var d Descriptive
	var comments []Text
	var dates [3]string // date, Apple's creation date, creation_time
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	// "title" before "TITLE-eng" before "TITLE-vie"
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	for _, k := range keys {
		base, lang := splitLangKey(strings.ToLower(k))
		base = strings.TrimPrefix(base, "com.apple.quicktime.")
		v := tags[k]
		switch base {
		case "title":
			addText(&d.Title, lang, v)
		case "description":
			addText(&d.Description, lang, v)
		case "comment":
			addText(&comments, lang, v)
		case "artist", "author":
			addString(&d.Creator, v)
		case "copyright":
			addText(&d.Rights, lang, v)
		case "keywords":
			for _, kw := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
				addText(&d.Keywords, lang, kw)
			}
		case "date", "creationdate", "creation_time":
			i := map[string]int{"date": 0, "creationdate": 1, "creation_time": 2}[base]
			dates[i] = orString(dates[i], v)
		}
	}
	d.Description = or(d.Description, comments)
	if _, ok := parseVideoTime(dates[2]); !ok {
		dates[2] = "" // muxers write 1904 or 1970 when they know nothing
	}
	for _, s := range dates {
		if date, ok := normDate(s); ok && d.DateCreated == "" {
			d.DateCreated = date
		}
	}
	return d
}

// splitLangKey splits "title-vie" into "title" and "vi".
func splitLangKey(k string) (base, lang string) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 || len(k)-i-1 != 3 {
		return k, ""
	}
	code := k[i+1:]
	for _, c := range code {
		if c < 'a' || c > 'z' {
			return k, ""
		}
	}
	if short, ok := iso6392[code]; ok {
		return k[:i], short
	}
	return k[:i], code
}

// iso6392 maps the ISO 639-2 codes containers use to the ISO 639-1 codes
// XMP uses, for the languages likely here; others stay as they are.
var iso6392 = map[string]string{
	"vie": "vi", "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de",
	"jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "rus": "ru", "spa": "es",
	"ita": "it", "por": "pt", "tha": "th", "khm": "km", "lao": "lo", "und": "",
}
