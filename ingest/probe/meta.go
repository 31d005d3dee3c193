package probe

// Text is one value with the language it was tagged with: "vi", "en", …,
// "x-default" for an XMP default item, "" when untagged.
type Text struct{ Lang, Value string }

// Descriptive is the descriptive metadata a file already carries, in the
// terms of the IPTC Photo Metadata standard. Photos are read from XMP,
// IPTC-IIM, PNG text chunks and EXIF; videos from their container tags.
// Each field comes whole from the best source that has it: XMP, then
// IPTC-IIM, then PNG text, then EXIF. Values are NFC-normalised, trimmed,
// with line breaks as "\n"; empty values are dropped.
type Descriptive struct {
	Title, Description, AltText, Rights, UsageTerms []Text
	Keywords                                        []Text // one per keyword
	Creator                                         []string
	Credit                                          string
	// DateCreated is "2006-01-02" (or "2006", "2006-01" when only those are
	// known); with a time, RFC 3339 when the zone was recorded and
	// "2006-01-02T15:04:05" when it was not.
	DateCreated                       string
	Sublocation, City, State, Country []Text
	CountryCode                       string
	DigitalSourceType                 string // IPTC NewsCodes URI as found
}

// over returns d with each empty field taken from under.
func (d Descriptive) over(under Descriptive) Descriptive {
	return Descriptive{
		Title:             or(d.Title, under.Title),
		Description:       or(d.Description, under.Description),
		AltText:           or(d.AltText, under.AltText),
		Rights:            or(d.Rights, under.Rights),
		UsageTerms:        or(d.UsageTerms, under.UsageTerms),
		Keywords:          or(d.Keywords, under.Keywords),
		Creator:           or(d.Creator, under.Creator),
		Credit:            orString(d.Credit, under.Credit),
		DateCreated:       orString(d.DateCreated, under.DateCreated),
		Sublocation:       or(d.Sublocation, under.Sublocation),
		City:              or(d.City, under.City),
		State:             or(d.State, under.State),
		Country:           or(d.Country, under.Country),
		CountryCode:       orString(d.CountryCode, under.CountryCode),
		DigitalSourceType: orString(d.DigitalSourceType, under.DigitalSourceType),
	}
}

func or[T any](a, b []T) []T {
	if len(a) > 0 {
		return a
	}
	return b
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// maxValues bounds the values kept per field (and the cost of keeping
// them unique).
const maxValues = 1000

// addText appends a cleaned value unless it is empty or already there.
func addText(dst *[]Text, lang, value string) {
	if len(*dst) >= maxValues {
		return
	}
	t := Text{Lang: cleanText(lang), Value: cleanText(value)}
	if t.Value == "" {
		return
	}
	for _, have := range *dst {
		if have == t {
			return
		}
	}
	*dst = append(*dst, t)
}

// addString appends a cleaned value unless it is empty or already there.
func addString(dst *[]string, value string) {
	if len(*dst) >= maxValues {
		return
	}
	v := cleanText(value)
	if v == "" {
		return
	}
	for _, have := range *dst {
		if have == v {
			return
		}
	}
	*dst = append(*dst, v)
}

// setString sets *dst to a cleaned value unless it is already set.
func setString(dst *string, value string) {
	if *dst == "" {
		*dst = cleanText(value)
	}
}
