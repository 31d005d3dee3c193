package api

import (
	"time"

	"github.com/quangba/quangba/catalog"
)

// MetaText is one field in one language.
type MetaText struct {
	Text   string     `json:"text,omitempty"`
	Items  []string   `json:"items,omitempty"` // keywords
	State  string     `json:"state"`           // empty, draft, reviewed
	Origin string     `json:"origin,omitempty"`
	By     string     `json:"by,omitempty"`
	At     *time.Time `json:"at,omitempty"`
}

// MetadataPatch changes metadata: per-language values, plain fields, and
// for curators the "field.lang" entries to mark reviewed.
type MetadataPatch struct {
	Title       map[string]string   `json:"title"`
	Caption     map[string]string   `json:"caption"`
	AltText     map[string]string   `json:"alt_text"`
	Copyright   map[string]string   `json:"copyright"`
	UsageTerms  map[string]string   `json:"usage_terms"`
	Sublocation map[string]string   `json:"sublocation"`
	City        map[string]string   `json:"city"`
	Province    map[string]string   `json:"province"`
	Country     map[string]string   `json:"country"`
	Keywords    map[string][]string `json:"keywords"`
	Creator     *string             `json:"creator"`
	Credit      *string             `json:"credit"`
	DateCreated *string             `json:"date_created"`
	CountryCode *string             `json:"country_code"`
	SourceType  *string             `json:"source_type"`
	Review      []string            `json:"review"`
}

// BulkMetadata applies one patch to many assets.
type BulkMetadata struct {
	IDs []string      `json:"ids"`
	Set MetadataPatch `json:"set"`
}

func (p MetadataPatch) edit() catalog.MetaEdit {
	e := catalog.MetaEdit{Texts: map[string]map[string]string{}, Keywords: p.Keywords, Creator: p.Creator, Credit: p.Credit,
		DateCreated: p.DateCreated, CountryCode: p.CountryCode, SourceType: p.SourceType, Review: p.Review}
	for field, v := range map[string]map[string]string{catalog.FieldTitle: p.Title, catalog.FieldCaption: p.Caption,
		catalog.FieldAltText: p.AltText, catalog.FieldCopyright: p.Copyright, catalog.FieldUsageTerms: p.UsageTerms,
		catalog.FieldSublocation: p.Sublocation, catalog.FieldCity: p.City, catalog.FieldProvince: p.Province, catalog.FieldCountry: p.Country} {
		if v != nil {
			e.Texts[field] = v
		}
	}
	return e
}

func toMetadata(m catalog.Metadata, langs []string) map[string]any {
	out := map[string]any{"creator": m.Creator, "credit": m.Credit, "date_created": m.DateCreated,
		"country_code": m.CountryCode, "source_type": m.SourceType}
	for _, field := range catalog.TextFields {
		byLang := map[string]MetaText{}
		for _, lang := range langs {
			t := m.Text(field, lang)
			byLang[lang] = MetaText{Text: t.Value, Items: t.Keywords, State: t.State, Origin: t.Origin, By: t.SetBy, At: t.SetAt}
		}
		out[field] = byLang
	}
	return out
}
