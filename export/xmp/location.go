package xmp

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// location writes the names in the default language to the fields most
// tools show, and adds an IPTC Extension LocationShown structure whose
// LocationName carries the full name in every language. The structure's
// City, ProvinceState and the like are plain text in the IPTC schema (and
// in exiftool), so only LocationName can hold translations.
func (w *writer) location(l Location, def string) {
	sub, city, state, country := pick(l.Sublocation, def), pick(l.City, def), pick(l.State, def), pick(l.Country, def)
	w.simple(3, "Iptc4xmpCore:Location", sub)
	w.simple(3, "photoshop:City", city)
	w.simple(3, "photoshop:State", state)
	w.simple(3, "photoshop:Country", country)
	w.simple(3, "Iptc4xmpCore:CountryCode", l.CountryCode)
	if sub+city+state+country+l.CountryCode == "" {
		return
	}
	w.line(3, "<Iptc4xmpExt:LocationShown>")
	w.line(4, "<rdf:Bag>")
	w.line(5, `<rdf:li rdf:parseType="Resource">`)
	w.langAlt(6, "Iptc4xmpExt:LocationName", l.fullNames(), def)
	w.simple(6, "Iptc4xmpExt:Sublocation", sub)
	w.simple(6, "Iptc4xmpExt:City", city)
	w.simple(6, "Iptc4xmpExt:ProvinceState", state)
	w.simple(6, "Iptc4xmpExt:CountryName", country)
	w.simple(6, "Iptc4xmpExt:CountryCode", l.CountryCode)
	w.line(5, "</rdf:li>")
	w.line(4, "</rdf:Bag>")
	w.line(3, "</Iptc4xmpExt:LocationShown>")
}

// fullNames joins, per language, the names that exist in that language:
// "Hồ Lắk, Đắk Lắk, Việt Nam".
func (l Location) fullNames() LangText {
	parts := []LangText{l.Sublocation, l.City, l.State, l.Country}
	names := LangText{}
	for _, p := range parts {
		for lang := range p {
			var full []string
			for _, q := range parts {
				if q[lang] != "" {
					full = append(full, q[lang])
				}
			}
			names[lang] = strings.Join(full, ", ")
		}
	}
	return names
}

func (w *writer) gps(g *GPS) {
	if g == nil {
		return
	}
	w.simple(3, "exif:GPSLatitude", coord(g.Lat, 'N', 'S'))
	w.simple(3, "exif:GPSLongitude", coord(g.Lon, 'E', 'W'))
	if g.Alt != nil {
		ref := "0"
		if *g.Alt < 0 {
			ref = "1" // below sea level
		}
		w.simple(3, "exif:GPSAltitudeRef", ref)
		w.simple(3, "exif:GPSAltitude", fmt.Sprintf("%d/100", int64(math.Round(math.Abs(*g.Alt)*100))))
	}
}

// coord formats decimal degrees the way XMP's exif namespace wants them:
// degrees, decimal minutes and a hemisphere letter, "12,40.5N".
func coord(v float64, pos, neg byte) string {
	hemi := pos
	if v < 0 {
		hemi, v = neg, -v
	}
	deg := math.Floor(v)
	minutes := math.Round((v-deg)*60*1e6) / 1e6
	if minutes >= 60 {
		deg, minutes = deg+1, 0
	}
	m := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(minutes, 'f', 6, 64), "0"), ".")
	return fmt.Sprintf("%d,%s%c", int(deg), m, hemi)
}
