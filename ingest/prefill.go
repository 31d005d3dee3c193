package ingest

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/vntext"
	"github.com/quangba/quangba/ingest/probe"
)

// prefill turns what the file carries into the asset's first metadata,
// with sent (from a spreadsheet row) taking precedence field by field. A
// value that cannot be kept (too long, a bad date) is dropped with a
// warning: metadata never blocks an upload.
func (s *Service) prefill(d probe.Descriptive, sent *catalog.MetaEdit) (*catalog.Prefill, []string) {
	e := fromFile(d, s.cfg.Languages)
	if sent != nil {
		e = merge(e, *sent)
	}
	var warnings []string
	for range 64 {
		err := e.Normalize(s.cfg.Languages)
		var fe *catalog.FieldError
		if !errors.As(err, &fe) {
			break
		}
		warnings = append(warnings, fmt.Sprintf("metadata %s dropped: %s", fe.Field, fe.En))
		drop(&e, fe.Field)
	}
	if empty(e) {
		return nil, warnings
	}
	return &catalog.Prefill{Edit: e, Langs: s.cfg.Languages, Suggest: s.cfg.Suggest}, warnings
}

// fromFile maps descriptive metadata to an edit. A value tagged with a
// language in use goes to it; an untagged or x-default one goes to the
// language it is written in, unless a tagged value already filled that.
func fromFile(d probe.Descriptive, langs []string) catalog.MetaEdit {
	e := catalog.MetaEdit{Origin: catalog.OriginFile, Texts: map[string]map[string]string{}, Keywords: map[string][]string{}}
	for field, texts := range map[string][]probe.Text{catalog.FieldTitle: d.Title, catalog.FieldCaption: d.Description,
		catalog.FieldAltText: d.AltText, catalog.FieldCopyright: d.Rights, catalog.FieldUsageTerms: d.UsageTerms,
		catalog.FieldSublocation: d.Sublocation, catalog.FieldCity: d.City, catalog.FieldProvince: d.State, catalog.FieldCountry: d.Country} {
		if byLang := byLanguage(texts, langs); len(byLang) > 0 {
			e.Texts[field] = byLang
		}
	}
	for _, k := range d.Keywords {
		lang := languageOf(k, langs)
		e.Keywords[lang] = append(e.Keywords[lang], k.Value)
	}
	plain := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	e.Creator = plain(strings.Join(d.Creator, "; "))
	e.Credit, e.DateCreated, e.CountryCode = plain(d.Credit), plain(d.DateCreated), plain(d.CountryCode)
	e.SourceType = plain(path.Base(d.DigitalSourceType))
	if d.DigitalSourceType == "" {
		e.SourceType = nil
	}
	return e
}

func byLanguage(texts []probe.Text, langs []string) map[string]string {
	out := map[string]string{}
	for pass := 0; pass < 2; pass++ { // tagged values first
		for _, t := range texts {
			tagged := tagLang(t.Lang, langs) != ""
			if (pass == 0) != tagged {
				continue
			}
			if lang := languageOf(t, langs); out[lang] == "" {
				out[lang] = t.Value
			}
		}
	}
	return out
}

// languageOf is the language in use a value belongs to.
func languageOf(t probe.Text, langs []string) string {
	if l := tagLang(t.Lang, langs); l != "" {
		return l
	}
	if l := vntext.Lang(t.Value); slices.Contains(langs, l) {
		return l
	}
	return langs[0]
}

// tagLang maps a language tag (vi, vi-VN, vie, en-US, eng) to a language
// in use, or "" (x-default, untagged, or a language not in use).
func tagLang(tag string, langs []string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(tag, "_", "-")), "-")
	if short, ok := threeLetter[base]; ok {
		base = short
	}
	if slices.Contains(langs, base) {
		return base
	}
	return ""
}

// threeLetter maps ISO 639-2 codes (video container tags use them) to ISO 639-1.
var threeLetter = map[string]string{"vie": "vi", "eng": "en", "fra": "fr", "fre": "fr", "zho": "zh", "chi": "zh",
	"kor": "ko", "jpn": "ja", "rus": "ru", "deu": "de", "ger": "de", "khm": "km", "lao": "lo", "tha": "th"}

// merge lays sent over e field by field.
func merge(e, sent catalog.MetaEdit) catalog.MetaEdit {
	for field, byLang := range sent.Texts {
		if e.Texts[field] == nil {
			e.Texts[field] = map[string]string{}
		}
		for lang, v := range byLang {
			e.Texts[field][lang] = v
		}
	}
	for lang, kws := range sent.Keywords {
		e.Keywords[lang] = kws
	}
	for _, p := range []struct{ dst, src **string }{{&e.Creator, &sent.Creator}, {&e.Credit, &sent.Credit},
		{&e.DateCreated, &sent.DateCreated}, {&e.CountryCode, &sent.CountryCode}, {&e.SourceType, &sent.SourceType}} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
	if sent.Origin != "" {
		e.Origin = sent.Origin
	}
	return e
}

// drop removes the field a FieldError names ("title.vi", "keywords.en",
// "date_created").
func drop(e *catalog.MetaEdit, name string) {
	field, lang, _ := strings.Cut(name, ".")
	switch field {
	case catalog.FieldKeywords:
		delete(e.Keywords, lang)
	case "creator":
		e.Creator = nil
	case "credit":
		e.Credit = nil
	case "date_created":
		e.DateCreated = nil
	case "country_code":
		e.CountryCode = nil
	case "source_type":
		e.SourceType = nil
	default:
		if lang == "" {
			delete(e.Texts, field)
		} else {
			delete(e.Texts[field], lang)
		}
	}
}

func empty(e catalog.MetaEdit) bool {
	for _, byLang := range e.Texts {
		for _, v := range byLang {
			if v != "" {
				return false
			}
		}
	}
	for _, k := range e.Keywords {
		if len(k) > 0 {
			return false
		}
	}
	return e.Creator == nil && e.Credit == nil && e.DateCreated == nil && e.CountryCode == nil && e.SourceType == nil
}
