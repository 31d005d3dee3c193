package vntext

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// places are real names from Đắk Lắk (including the former Phú Yên),
// with their folded and slug forms.
var places = []struct{ name, fold, slug string }{
	{"Buôn Ma Thuột", "Buon Ma Thuot", "buon-ma-thuot"},
	{"Đắk Lắk", "Dak Lak", "dak-lak"},
	{"Gành Đá Đĩa", "Ganh Da Dia", "ganh-da-dia"},
	{"Hồ Lắk", "Ho Lak", "ho-lak"},
	{"Yok Đôn", "Yok Don", "yok-don"},
	{"Mũi Điện", "Mui Dien", "mui-dien"},
	{"Tháp Nhạn", "Thap Nhan", "thap-nhan"},
	{"Dray Nur", "Dray Nur", "dray-nur"},
	{"Ê Đê", "E De", "e-de"},
	{"M'nông", "M'nong", "mnong"},
	{"M’nông", "M’nong", "mnong"},
	{"Gia Rai", "Gia Rai", "gia-rai"},
	{"Tuy Hòa", "Tuy Hoa", "tuy-hoa"},
	{"Krông Pắc", "Krong Pac", "krong-pac"},
	{"Ea Súp", "Ea Sup", "ea-sup"},
	{"Buôn Đôn", "Buon Don", "buon-don"},
	{"Sông Cầu", "Song Cau", "song-cau"},
	{"Đồng Xuân", "Dong Xuan", "dong-xuan"},
	{"Ea H'leo", "Ea H'leo", "ea-hleo"},
	{"Vịnh Xuân Đài", "Vinh Xuan Dai", "vinh-xuan-dai"},
	{"Nhà thờ Mằng Lăng", "Nha tho Mang Lang", "nha-tho-mang-lang"},
	{"Lễ hội Cà phê Buôn Ma Thuột 2025!", "Le hoi Ca phe Buon Ma Thuot 2025!", "le-hoi-ca-phe-buon-ma-thuot-2025"},
}

func TestFold(t *testing.T) {
	for _, p := range places {
		for _, in := range []string{p.name, norm.NFD.String(p.name)} {
			if got := Fold(in); got != p.fold {
				t.Errorf("Fold(%+q) = %q, want %q", in, got, p.fold)
			}
		}
	}
	if got := Fold("plain ASCII"); got != "plain ASCII" {
		t.Errorf("Fold(plain ASCII) = %q", got)
	}
}

func TestSlugPlaces(t *testing.T) {
	for _, p := range places {
		for _, in := range []string{p.name, norm.NFD.String(p.name)} {
			if got := Slug(in); got != p.slug {
				t.Errorf("Slug(%+q) = %q, want %q", in, got, p.slug)
			}
		}
	}
}

func TestSlugEdges(t *testing.T) {
	cases := map[string]string{
		"":                            "",
		"   ":                         "",
		"!!!":                         "",
		"  Hồ   Lắk  ":                "ho-lak",
		"Hồ_Lắk--lúc...bình/minh":     "ho-lak-luc-binh-minh",
		"ĐẮK LẮK":                     "dak-lak",
		"Hồ Lắk 🌅 bình minh":          "ho-lak-binh-minh",
		"Festival (2025) – day 2":     "festival-2025-day-2",
		"日本 Tokyo":                    "tokyo",
		"rock'n'roll":                 "rocknroll",
		"Café Trung Nguyên № 1":       "cafe-trung-nguyen-1",
		"\u0110\u0103k L\u0103k":      "dak-lak",
		"Tháp Nhạn\nTuy Hòa\tPhú Yên": "thap-nhan-tuy-hoa-phu-yen",
	}
	for in, want := range cases {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if again := Slug(Slug(in)); again != want {
			t.Errorf("Slug(Slug(%q)) = %q, want %q", in, again, want)
		}
	}
}

func TestGraphemes(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Đắk Lắk", 7},
		{norm.NFD.String("Đắk Lắk"), 7},
		{norm.NFD.String("Buôn Ma Thuột"), 13},
		{"Ê Đê", 4},
		{"a\u0323\u0302", 1}, // ậ with marks in non-canonical order
		{"🇻🇳", 1},
		{"👍🏽", 1},
		{"👩‍👩‍👧", 1},
		{"cà phê ☕", 8},
	}
	for _, c := range cases {
		if got := Graphemes(c.in); got != c.want {
			t.Errorf("Graphemes(%+q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestLang(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hồ Lắk lúc bình minh", "vi"},
		{"Lễ hội Cà phê Buôn Ma Thuột lần thứ 9", "vi"},
		{"Thác Dray Nur mùa nước lớn", "vi"},
		{"Đêm cồng chiêng Tây Nguyên", "vi"},
		{"Vườn quốc gia Yok Đôn", "vi"},
		{"Mũi Điện", "vi"},
		{"Tháp Nhạn", "vi"},
		{"Gành Đá Đĩa", "vi"},
		{"Hồ thủy điện Ea Súp", "vi"},
		{"Phố núi về đêm", "vi"},
		{"ĐẮK LẮK", "vi"},
		{"bình minh", "vi"}, // ì: Vietnamese, not the loan words English borrows
		{"Mỹ Sơn", "vi"},
		{norm.NFD.String("Hồ Lắk lúc bình minh"), "vi"},
		{norm.NFD.String("Nhà sàn Ê Đê"), "vi"},
		{"bánh căn", "vi"},
		{"cà phê sáng", "vi"},   // two ambiguous accents in two words
		{"Tuy Hòa", "en"},       // one ambiguous accent: no more than "café"
		{"Buon Ma Thuot", "en"}, // unaccented: cannot tell
		{"Lak Lake at dawn", "en"},
		{"Coffee festival in Buon Ma Thuot", "en"},
		{"Gong night in the Central Highlands", "en"},
		{"Morning café by the lake", "en"},
		{"A naïve résumé", "en"}, // ï is not Vietnamese
		{"Crème brûlée at the café", "en"},
		{"Résumé", "en"},
		{"São Paulo", "en"},
		{"Pokémon", "en"},
		{"Ñandú and façade", "en"},
		{"", "en"},
		{"2025", "en"},
	}
	for _, c := range cases {
		if got := Lang(c.in); got != c.want {
			t.Errorf("Lang(%+q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNFC(t *testing.T) {
	if got := NFC("Ho\u0302\u0300 La\u0306\u0301k"); got != "Hồ Lắk" {
		t.Errorf("NFC = %q", got)
	}
}
