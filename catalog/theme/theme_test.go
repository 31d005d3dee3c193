package theme

import (
	"os"
	"strings"
	"testing"
)

func shipped(t *testing.T) *Taxonomy {
	t.Helper()
	data, err := os.ReadFile("../../configs/themes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := Parse(data)
	if err != nil {
		t.Fatalf("shipped themes.yaml: %v", err)
	}
	return tx
}

func TestShippedThemes(t *testing.T) {
	tx := shipped(t)
	for _, id := range []string{"tourism", "ocop", "heritage", "border", "tourism/eco", "ocop/coffee", "heritage/gongs", "border/fishing"} {
		if _, ok := tx.Get(id); !ok {
			t.Errorf("theme %s missing", id)
		}
	}
	if tx.Labels("vi")["heritage"] != "Di sản – văn hóa" || tx.Labels("en")["border"] != "Border, sea and islands" {
		t.Errorf("labels = %v", tx.Labels("vi"))
	}
}

func TestSuggest(t *testing.T) {
	tx := shipped(t)
	cases := []struct {
		texts []string
		want  string
	}{
		{[]string{"Lễ hội Cà phê Buôn Ma Thuột"}, "heritage,heritage/festivals,ocop,ocop/coffee"},
		{[]string{"Ngư dân Phú Yên ra khơi", "Fishermen of Phu Yen"}, "border,border/fishing"},
		{[]string{"ca phe Buon Ma Thuot"}, "ocop,ocop/coffee"}, // typed without diacritics
		{[]string{"Cà phê chưa chín"}, "ocop,ocop/coffee"},     // "chưa" is not "chùa"
		{[]string{"Đêm cồng chiêng của người Ê Đê"}, "heritage,heritage/ethnic,heritage/gongs"},
		{[]string{"Hoàng hôn trên phố"}, ""},
	}
	for _, c := range cases {
		if got := strings.Join(tx.Suggest(c.texts...), ","); got != c.want {
			t.Errorf("Suggest(%q) = %q; want %q", c.texts, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, doc := range []string{
		"themes:\n  - {id: a b, vi: x, en: y}\n",
		"themes:\n  - {id: a, vi: x}\n",
		"themes:\n  - {id: a, vi: x, en: y}\n  - {id: a, vi: x, en: y}\n",
		"themes:\n  - {id: a, vi: x, en: y, colour: red}\n",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q) accepted", doc)
		}
	}
}

func TestStripsLocationOnBorderAndBelow(t *testing.T) {
	tx := shipped(t)
	cases := []struct {
		ids  []string
		want bool
	}{
		{nil, false},
		{[]string{"tourism", "ocop/coffee"}, false},
		{[]string{"border"}, true},
		{[]string{"tourism", "border/fishing"}, true}, // inherited from the parent
		{[]string{"nonexistent/child"}, false},
	}
	for _, c := range cases {
		if got := tx.StripsLocation(c.ids); got != c.want {
			t.Errorf("StripsLocation(%v) = %v, want %v", c.ids, got, c.want)
		}
	}
}
