package export

import (
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
)

func TestXMPFromCatalogue(t *testing.T) {
	captured := time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)
	alt := 420.0
	a := catalog.Asset{CapturedAt: &captured, GPS: &catalog.GPS{Lat: 12.4, Lon: 108.2, Alt: &alt}}
	m := catalog.Metadata{Creator: "Nguyễn Văn A; Trần Thị B", SourceType: "digitalCapture", CountryCode: "VN",
		Texts: map[string]map[string]catalog.Text{
			catalog.FieldTitle:    {"vi": {Value: "Hồ Lắk", State: catalog.TextReviewed}, "en": {Value: "Lak Lake", State: catalog.TextDraft}},
			catalog.FieldCity:     {"vi": {Value: "Liên Sơn Lắk"}},
			catalog.FieldProvince: {"vi": {Value: "Đắk Lắk"}},
			catalog.FieldKeywords: {"en": {Keywords: []string{"lake"}}},
		}}
	x := XMP(a, m, EmbedOptions{Langs: []string{"vi", "en"}})
	if x.DefaultLang != "vi" || x.Title["vi"] != "Hồ Lắk" || x.Title["en"] != "Lak Lake" || len(x.Keywords["en"]) != 1 {
		t.Errorf("texts = %+v", x)
	}
	if len(x.Creator) != 2 || x.Creator[1] != "Trần Thị B" {
		t.Errorf("creator = %q", x.Creator)
	}
	if x.DateCreated != "2026-03-10T08:30:00+07:00" {
		t.Errorf("date from the capture time = %q; want it in the province's zone", x.DateCreated)
	}
	if x.DigitalSourceType != "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture" || x.GPS == nil || x.Location.City["vi"] != "Liên Sơn Lắk" {
		t.Errorf("source %q, GPS %v, city %v", x.DigitalSourceType, x.GPS, x.Location.City)
	}
	m.DateCreated = "2025"
	s := XMP(a, m, EmbedOptions{StripLocation: true})
	if s.GPS != nil || len(s.Location.City) != 0 || s.Location.State["vi"] != "Đắk Lắk" || s.DateCreated != "2025" {
		t.Errorf("stripped = GPS %v, city %v, province %v, date %q", s.GPS, s.Location.City, s.Location.State, s.DateCreated)
	}
}
