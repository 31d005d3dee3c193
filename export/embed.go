// Package export builds what leaves the system: for now the metadata
// embedded in every file the API serves and every bundle will contain.
package export

import (
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/xmp"
)

// sourceTypes is the IPTC NewsCodes vocabulary for DigitalSourceType.
const sourceTypes = "http://cv.iptc.org/newscodes/digitalsourcetype/"

// EmbedOptions shape the embedded metadata.
type EmbedOptions struct {
	Langs         []string       // languages in use; the first is x-default
	StripLocation bool           // drop GPS and precise location (border areas, some profiles)
	Zone          *time.Location // for the capture time when no date was entered (default: UTC+7)
}

// XMP is what gets embedded into a's files: its current metadata in every
// language (drafts included: what the catalogue holds now), the capture
// time as the date when none was entered, and its GPS position.
func XMP(a catalog.Asset, m catalog.Metadata, o EmbedOptions) xmp.Metadata {
	if len(o.Langs) == 0 {
		o.Langs = []string{"vi", "en"}
	}
	texts := func(field string) xmp.LangText {
		out := xmp.LangText{}
		for _, l := range o.Langs {
			if v := m.Text(field, l).Value; v != "" {
				out[l] = v
			}
		}
		return out
	}
	x := xmp.Metadata{DefaultLang: o.Langs[0], Title: texts(catalog.FieldTitle), Description: texts(catalog.FieldCaption),
		AltText: texts(catalog.FieldAltText), Rights: texts(catalog.FieldCopyright), UsageTerms: texts(catalog.FieldUsageTerms),
		Keywords: map[string][]string{}, Creator: splitList(m.Creator), Credit: m.Credit, DateCreated: dateOf(a, m, o.Zone),
		Location: xmp.Location{Sublocation: texts(catalog.FieldSublocation), City: texts(catalog.FieldCity),
			State: texts(catalog.FieldProvince), Country: texts(catalog.FieldCountry), CountryCode: m.CountryCode}}
	for _, l := range o.Langs {
		if k := m.Text(catalog.FieldKeywords, l).Keywords; len(k) > 0 {
			x.Keywords[l] = k
		}
	}
	if m.SourceType != "" {
		x.DigitalSourceType = sourceTypes + m.SourceType
		if strings.Contains(m.SourceType, "/") {
			x.DigitalSourceType = m.SourceType
		}
	}
	if a.GPS != nil {
		x.GPS = &xmp.GPS{Lat: a.GPS.Lat, Lon: a.GPS.Lon, Alt: a.GPS.Alt}
	}
	if o.StripLocation {
		x = x.WithoutLocation()
	}
	return x
}

// dateOf is the entered date, else the capture time in the province's zone.
func dateOf(a catalog.Asset, m catalog.Metadata, zone *time.Location) string {
	if m.DateCreated != "" || a.CapturedAt == nil {
		return m.DateCreated
	}
	if zone == nil {
		zone = time.FixedZone("UTC+07:00", 7*3600)
	}
	return a.CapturedAt.In(zone).Format(time.RFC3339)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
