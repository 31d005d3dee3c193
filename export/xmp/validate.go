package xmp

import (
	"fmt"
	"math"
	"regexp"
)

var (
	langCode = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
	isoDate  = regexp.MustCompile(`^\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?)?)?$`)
)

// validate reports the first value of a cleaned m that XMP cannot carry.
func (m Metadata) validate() error {
	if err := m.validateLangs(); err != nil {
		return err
	}
	if m.DateCreated != "" && !isoDate.MatchString(m.DateCreated) {
		return fmt.Errorf("xmp: date created %q is not an ISO 8601 date like 2026-03-10 or 2026-03-10T08:30:00+07:00", m.DateCreated)
	}
	if c := m.Location.CountryCode; c != "" && iimCountry(c) == "" {
		return fmt.Errorf("xmp: country code %q is not an ISO 3166 country like VN or VNM", c)
	}
	if g := m.GPS; g != nil {
		if !(math.Abs(g.Lat) <= 90 && math.Abs(g.Lon) <= 180) {
			return fmt.Errorf("xmp: GPS position %v,%v is outside ±90,±180", g.Lat, g.Lon)
		}
		if g.Alt != nil && (math.IsNaN(*g.Alt) || math.IsInf(*g.Alt, 0)) {
			return fmt.Errorf("xmp: GPS altitude %v is not a number", *g.Alt)
		}
	}
	return nil
}

func (m Metadata) validateLangs() error {
	langs := []string{}
	if m.DefaultLang != "" {
		langs = append(langs, m.DefaultLang)
	}
	for _, t := range []LangText{m.Title, m.Description, m.AltText, m.Rights, m.UsageTerms,
		m.Location.Sublocation, m.Location.City, m.Location.State, m.Location.Country} {
		langs = append(langs, order(t, "")...)
	}
	langs = append(langs, order(m.Keywords, "")...)
	for _, l := range langs {
		if !langCode.MatchString(l) || l == "x-default" {
			return fmt.Errorf("xmp: language code %q is not a BCP 47 tag like vi or en", l)
		}
	}
	return nil
}
