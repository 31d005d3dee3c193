package glossary

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func shipped(t *testing.T) *Glossary {
	t.Helper()
	data, err := os.ReadFile("../../configs/glossary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(data)
	if err != nil {
		t.Fatalf("the shipped glossary does not parse: %v", err)
	}
	if g.Len() < 50 {
		t.Errorf("shipped glossary has %d terms", g.Len())
	}
	return g
}

func TestShippedGlossaryTranslatesDomainNames(t *testing.T) {
	g := shipped(t)
	cases := []struct{ vi, en string }{
		{"Buôn Ma Thuột", "Buon Ma Thuot"},
		{"Gành Đá Đĩa", "Ganh Da Dia"},
		{"Hồ Lắk", "Lak Lake"},
		{"Vườn quốc gia Yok Đôn", "Yok Don National Park"},
		{"Mũi Điện", "Cape Dien"},
		{"Tháp Nhạn", "Nhan Tower"},
		{"thác Dray Nur", "Dray Nur waterfall"},
		{"Ê Đê", "Ede"},
		{"M'nông", "Mnong"},
		{"Gia Rai", "Jarai"},
		{"Không gian văn hóa Cồng chiêng Tây Nguyên", "Space of Gong Culture of the Central Highlands"},
		{"Lễ hội Cà phê Buôn Ma Thuột", "Buon Ma Thuot Coffee Festival"},
		{"muối Tuyết Diêm", "Tuyet Diem salt"},
		{"nước mắm Gành Đỏ", "Ganh Do fish sauce"},
		{"mắc ca", "macadamia"},
	}
	for _, c := range cases {
		for _, in := range []string{c.vi, norm.NFD.String(c.vi), strings.ToUpper(c.vi)} {
			if got, ok := g.Translate("title", in, "vi", "en"); !ok || got != c.en {
				t.Errorf("vi→en %q = %q, %v; want %q", in, got, ok, c.en)
			}
		}
		if got, ok := g.Translate("title", c.en, "en", "vi"); !ok || got != c.vi {
			t.Errorf("en→vi %q = %q, %v; want %q", c.en, got, ok, c.vi)
		}
	}
}

func TestPartsAndRefusals(t *testing.T) {
	g := shipped(t)
	if got, ok := g.Translate("title", "Buôn Ma Thuột – Đắk Lắk", "vi", "en"); !ok || got != "Buon Ma Thuot – Dak Lak" {
		t.Errorf("two places = %q, %v", got, ok)
	}
	if got, ok := g.Translate("keywords", "cà phê, mắc ca; hồ tiêu", "vi", "en"); !ok || got != "coffee, macadamia; black pepper" {
		t.Errorf("list = %q, %v", got, ok)
	}
	for _, half := range []string{"Hồ Lắk lúc bình minh", "cà phê, bánh mì", "Buôn Ma Thuột – Hà Nội"} {
		if got, ok := g.Translate("title", half, "vi", "en"); ok {
			t.Errorf("partly known %q was translated to %q", half, got)
		}
	}
	if _, ok := g.Translate("title", "Hồ Lắk", "vi", "fr"); ok {
		t.Error("a language the glossary does not have was translated")
	}
}

func TestExactBeatsFolded(t *testing.T) {
	g := New([]Term{{VI: "hổ", EN: "tiger"}, {VI: "hồ", EN: "lake"}})
	for in, want := range map[string]string{"hồ": "lake", "hổ": "tiger", "ho": "tiger"} {
		if got, _ := g.Translate("keywords", in, "vi", "en"); got != want {
			t.Errorf("%q = %q; want %q", in, got, want)
		}
	}
}

func TestParseRefusesHalfTerms(t *testing.T) {
	for _, doc := range []string{"terms:\n  - {vi: Hồ Lắk}\n", "terms:\n  - {vi: x, en: y, colour: red}\n", "terms: [\n"} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q) accepted", doc)
		}
	}
}
