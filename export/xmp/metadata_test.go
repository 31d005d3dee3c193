package xmp

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

const digitalCapture = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"

// The caption tries everything a text can do wrong: quotes, ampersand,
// angle brackets, an emoji, a control character, and NFD input (as macOS
// sends it) that must come out NFC.
const (
	captionVi = `Thuyền độc mộc "Ê Đê" & <hồ> lúc 6 giờ 🌅`
	captionEn = `Dugout canoe of the "Ê Đê" & <lake> at 6 am 🌅`
)

// sample is an asset from Hồ Lắk with every field set.
func sample() Metadata {
	alt := 412.5
	return Metadata{
		DefaultLang: "vi",
		Title:       LangText{"vi": norm.NFD.String("Hồ Lắk lúc bình minh"), "en": "Lak Lake at dawn"},
		Description: LangText{"vi": norm.NFD.String(captionVi) + "\x07", "en": captionEn},
		AltText:     LangText{"vi": "Mặt hồ phẳng lặng, thuyền độc mộc", "en": "A calm lake with a dugout canoe"},
		Rights:      LangText{"vi": "© 2026 Sở VHTTDL Đắk Lắk", "en": "© 2026 Dak Lak Department of Culture"},
		UsageTerms:  LangText{"vi": "Được dùng để quảng bá du lịch", "en": "For tourism promotion"},
		Keywords:    map[string][]string{"vi": {"hồ Lắk", "bình minh"}, "en": {"Lak Lake", "dawn", "hồ Lắk"}},
		Creator:     []string{"Nguyễn Thị Hương", "Y Bhim Niê"},
		Credit:      "Sở VHTTDL Đắk Lắk",
		DateCreated: "2026-03-10T06:05:00+07:00",
		Location: Location{
			Sublocation: LangText{"vi": "Hồ Lắk", "en": "Lak Lake"},
			City:        LangText{"vi": "Liên Sơn Lắk", "en": "Lien Son Lak"},
			State:       LangText{"vi": "Đắk Lắk", "en": "Dak Lak"},
			Country:     LangText{"vi": "Việt Nam", "en": "Vietnam"},
			CountryCode: "VN",
		},
		GPS:               &GPS{Lat: 12.41875, Lon: 108.1975, Alt: &alt},
		DigitalSourceType: digitalCapture,
	}
}

func TestWithoutLocation(t *testing.T) {
	m := sample()
	w := m.WithoutLocation()
	if w.GPS != nil || w.Location.Sublocation != nil || w.Location.City != nil {
		t.Errorf("WithoutLocation kept %+v, %+v", w.GPS, w.Location)
	}
	if w.Location.State["vi"] != "Đắk Lắk" || w.Location.Country["en"] != "Vietnam" || w.Location.CountryCode != "VN" {
		t.Errorf("WithoutLocation dropped province or country: %+v", w.Location)
	}
	if m.GPS == nil || m.Location.City == nil {
		t.Error("WithoutLocation changed its receiver")
	}
}
