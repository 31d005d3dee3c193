package probe

import (
	"encoding/xml"
	"fmt"
)

// xmpData is what an XMP packet says.
type xmpData struct {
	meta    Descriptive
	extGUID string // xmpNote:HasExtendedXMP: the Extended XMP to fetch
	warn    []string
}

// readXMP reads the descriptive properties of an XMP packet. A packet that
// cannot be parsed gives an error and no data.
func readXMP(b []byte) (xmpData, error) {
	root, err := parseXMLTree(b)
	if err != nil {
		return xmpData{}, err
	}
	var x xmpData
	var shown, created Descriptive
	for _, desc := range descriptions(root) {
		for _, p := range fields(desc) {
			switch {
			case p.is(nsIptc4Ext, "LocationShown"):
				readLocation(&shown, p)
			case p.is(nsIptc4Ext, "LocationCreated"):
				readLocation(&created, p)
			case p.is(nsXMPNote, "HasExtendedXMP"):
				setString(&x.extGUID, value(p))
			default:
				if set := xmpProps[p.name]; set != nil {
					set(&x, p)
				}
			}
		}
	}
	// The legacy IPTC Core location fields come first, then the first
	// location shown, then the location the picture was taken.
	x.meta = x.meta.over(shown).over(created)
	return x, nil
}

type xmpSetter func(x *xmpData, p *xnode)

// texts reads a Lang Alt (or a Bag, or a plain string) into a field.
func texts(field func(*Descriptive) *[]Text) xmpSetter {
	return func(x *xmpData, p *xnode) {
		for _, li := range items(p) {
			addText(field(&x.meta), li.lang, value(li))
		}
	}
}

func simple(field func(*Descriptive) *string) xmpSetter {
	return func(x *xmpData, p *xnode) {
		for _, li := range items(p) {
			setString(field(&x.meta), value(li))
		}
	}
}

var xmpProps = map[xml.Name]xmpSetter{
	{Space: nsDC, Local: "title"}:                       texts(func(d *Descriptive) *[]Text { return &d.Title }),
	{Space: nsDC, Local: "description"}:                 texts(func(d *Descriptive) *[]Text { return &d.Description }),
	{Space: nsDC, Local: "rights"}:                      texts(func(d *Descriptive) *[]Text { return &d.Rights }),
	{Space: nsXMPRights, Local: "UsageTerms"}:           texts(func(d *Descriptive) *[]Text { return &d.UsageTerms }),
	{Space: nsIptc4Core, Local: "AltTextAccessibility"}: texts(func(d *Descriptive) *[]Text { return &d.AltText }),
	{Space: nsDC, Local: "subject"}:                     texts(func(d *Descriptive) *[]Text { return &d.Keywords }),
	{Space: nsPhotoshop, Local: "City"}:                 texts(func(d *Descriptive) *[]Text { return &d.City }),
	{Space: nsPhotoshop, Local: "State"}:                texts(func(d *Descriptive) *[]Text { return &d.State }),
	{Space: nsPhotoshop, Local: "Country"}:              texts(func(d *Descriptive) *[]Text { return &d.Country }),
	{Space: nsIptc4Core, Local: "Location"}:             texts(func(d *Descriptive) *[]Text { return &d.Sublocation }),
	{Space: nsPhotoshop, Local: "Credit"}:               simple(func(d *Descriptive) *string { return &d.Credit }),
	{Space: nsIptc4Core, Local: "CountryCode"}:          simple(func(d *Descriptive) *string { return &d.CountryCode }),
	{Space: nsIptc4Ext, Local: "DigitalSourceType"}:     simple(func(d *Descriptive) *string { return &d.DigitalSourceType }),
	{Space: nsDC, Local: "creator"}:                     creators,
	{Space: nsPhotoshop, Local: "DateCreated"}:          dateCreated,
}

func creators(x *xmpData, p *xnode) {
	for _, li := range items(p) {
		addString(&x.meta.Creator, value(li))
	}
}

func dateCreated(x *xmpData, p *xnode) {
	s := cleanText(value(p))
	if s == "" || x.meta.DateCreated != "" {
		return
	}
	if d, ok := normDate(s); ok {
		x.meta.DateCreated = d
		return
	}
	x.warn = append(x.warn, fmt.Sprintf("XMP date created %q is not a date", s))
}

// readLocation reads the first location of an Iptc4xmpExt location list
// (or a single location) into loc.
func readLocation(loc *Descriptive, p *xnode) {
	list := items(p)
	if len(list) == 0 || len(loc.City)+len(loc.Sublocation)+len(loc.State)+len(loc.Country) > 0 || loc.CountryCode != "" {
		return
	}
	for _, f := range structFields(list[0]) {
		if f.name.Space != nsIptc4Ext {
			continue
		}
		var dst *[]Text
		switch f.name.Local {
		case "Sublocation":
			dst = &loc.Sublocation
		case "City":
			dst = &loc.City
		case "ProvinceState":
			dst = &loc.State
		case "CountryName":
			dst = &loc.Country
		case "CountryCode":
			setString(&loc.CountryCode, value(f))
			continue
		default:
			continue
		}
		for _, li := range items(f) {
			addText(dst, li.lang, value(li))
		}
	}
}
