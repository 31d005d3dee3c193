package storage

import (
	"net/url"
	"strings"

	"github.com/quangba/quangba/catalog/vntext"
)

// ContentDisposition returns an RFC 6266 "attachment" header value for a
// file name that may contain Vietnamese letters: an ASCII fallback for old
// clients ("Hồ Lắk.jpg" → "Ho Lak.jpg") and the UTF-8 name in filename*.
func ContentDisposition(name string) string {
	if name == "" {
		return "attachment"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, vntext.Fold(name))
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + strings.ReplaceAll(url.PathEscape(name), "'", "%27")
}
