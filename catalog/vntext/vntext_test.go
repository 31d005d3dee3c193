package vntext

import "testing"

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Đắk Lắk":                        "Dak Lak",
		"Buôn Ma Thuột":                  "Buon Ma Thuot",
		"Gành Đá Đĩa":                    "Ganh Da Dia",
		"Ho\u0302\u0300 La\u0306\u0301k": "Ho Lak", // NFD input
		"cà phê":                         "ca phe",
		"M'nông":                         "M'nong",
		"plain ASCII":                    "plain ASCII",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNFC(t *testing.T) {
	if got := NFC("Ho\u0302\u0300 La\u0306\u0301k"); got != "Hồ Lắk" {
		t.Errorf("NFC = %q", got)
	}
}
