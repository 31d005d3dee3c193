// Package xmp writes bilingual IPTC metadata into JPEG and MP4 files as XMP and IPTC-IIM.
package xmp

// LangText maps a language code ("vi", "en", …) to text in that language.
type LangText map[string]string

// Location names where the picture was taken, each name in every language.
type Location struct {
	Sublocation, City, State, Country LangText
	CountryCode                       string // ISO 3166 alpha-2 or alpha-3: "VN"
}

// GPS is a WGS 84 position in decimal degrees; Alt is metres above sea level.
type GPS struct {
	Lat, Lon float64
	Alt      *float64
}

// Metadata is what Packet, IIM, EmbedJPEG and AppendMP4 write.
type Metadata struct {
	DefaultLang string // the language repeated as x-default: "vi"

	Title, Description, AltText, Rights, UsageTerms LangText

	Keywords map[string][]string // language → keywords
	Creator  []string
	Credit   string

	DateCreated string // ISO 8601: "2026-03-10" or "2026-03-10T08:30:00+07:00"
	Location    Location
	GPS         *GPS

	DigitalSourceType string // IPTC NewsCodes URI

	// StripLocation also removes the position the file itself carries, for
	// pictures from border and defence areas whose place must not leave
	// the building. It implies WithoutLocation for what we write, and
	// EmbedJPEG blanks the EXIF GPS IFD (dropping the whole EXIF segment
	// when it is too malformed to blank safely) while AppendMP4 blanks the
	// location boxes in moov (©xyz, loci, location keys, old XMP) in place.
	StripLocation bool
}

// WithoutLocation returns m without GPS, sublocation and city, keeping
// province and country, for pictures whose exact place must not travel.
func (m Metadata) WithoutLocation() Metadata {
	m.GPS = nil
	m.Location.Sublocation = nil
	m.Location.City = nil
	return m
}
