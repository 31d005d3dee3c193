package profile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// lang selects the number conventions of a message: Vietnamese writes
// 3.000 and 2,5; English writes 3,000 and 2.5.
type lang int

const (
	vi lang = iota
	en
	neutral // finding values and limits: no thousands separator, decimal point
)

// formatInt writes n with thousands separators.
func formatInt(n int64, l lang) string {
	s := strconv.FormatInt(n, 10)
	if l == neutral {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if l == en {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatFloat writes f with at most decimals digits after the decimal mark,
// dropping trailing zeros.
func formatFloat(f float64, decimals int, l lang) string {
	p := math.Pow(10, float64(decimals))
	f = math.Round(f*p) / p
	ip, frac := math.Modf(math.Abs(f))
	s := formatInt(int64(ip), l)
	if f < 0 {
		s = "-" + s
	}
	if decimals > 0 && frac > 0 {
		d := strconv.FormatFloat(frac, 'f', decimals, 64) // "0.25"
		d = strings.TrimRight(d[2:], "0")
		if d != "" {
			mark := "."
			if l == vi {
				mark = ","
			}
			s += mark + d
		}
	}
	return s
}

// formatBytes writes a size in decimal units: "500 MB", "2,1 MB" (vi).
func formatBytes(b int64, l lang) string {
	return formatBytesPrec(b, 1, l)
}

func formatBytesPrec(b int64, decimals int, l lang) string {
	units := []struct {
		name string
		size float64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}}
	for _, u := range units {
		if float64(b) >= u.size {
			return formatFloat(float64(b)/u.size, decimals, l) + " " + u.name
		}
	}
	return formatInt(b, l) + " B"
}

// formatBytesVs writes value so that it visibly differs from limit when the
// two differ ("500.001 MB" against "500 MB", not "500 MB" twice).
func formatBytesVs(value, limit int64, l lang) string {
	for d := 1; d <= 6; d++ {
		if value == limit || formatBytesPrec(value, d, neutral) != formatBytesPrec(limit, d, neutral) {
			return formatBytesPrec(value, d, l)
		}
	}
	return formatInt(value, l) + " B"
}

// formatDuration writes a duration for people: "5 phút", "6 phút 12 giây" /
// "5 min", "6 min 12 s". Tenths of seconds are kept when present.
func formatDuration(d time.Duration, l lang) string {
	tenths := int64(math.Round(d.Seconds() * 10))
	h := tenths / 36000
	m := tenths / 600 % 60
	s := float64(tenths%600) / 10
	names := [3]string{"giờ", "phút", "giây"}
	if l != vi {
		names = [3]string{"h", "min", "s"}
	}
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", h, names[0]))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", m, names[1]))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, formatFloat(s, 1, l)+" "+names[2])
	}
	return strings.Join(parts, " ")
}

// seconds is the language-neutral form of a duration: "372 s", "300.5 s".
func seconds(d time.Duration) string {
	return formatFloat(d.Seconds(), 1, neutral) + " s"
}

// dims writes "2.048 × 1.365 px" (vi), "2,048 × 1,365 px" (en) or
// "2048×1365 px" (neutral).
func dims(w, h int, l lang) string {
	if l == neutral {
		return fmt.Sprintf("%d×%d px", w, h)
	}
	return formatInt(int64(w), l) + " × " + formatInt(int64(h), l) + " px"
}

// langName names a language in a message: "tiếng Việt" / "Vietnamese";
// other codes are shown as the code.
func langName(code string, l lang) string {
	names := map[string][2]string{
		"vi": {"tiếng Việt", "Vietnamese"},
		"en": {"tiếng Anh", "English"},
	}
	if n, ok := names[code]; ok {
		if l == vi {
			return n[0]
		}
		return n[1]
	}
	return code
}

// fieldName names a metadata field in a message.
func fieldName(field string, l lang) string {
	names := map[string][2]string{
		"title":       {"tiêu đề", "title"},
		"caption":     {"chú thích", "caption"},
		"keywords":    {"từ khóa", "keywords"},
		"alt_text":    {"văn bản thay thế", "alt text"},
		"copyright":   {"bản quyền", "copyright notice"},
		"usage_terms": {"điều khoản sử dụng", "usage terms"},
		"sublocation": {"địa điểm cụ thể", "sublocation"},
		"city":        {"thành phố", "city"},
		"province":    {"tỉnh", "province"},
		"country":     {"quốc gia", "country"},
		"creator":     {"tác giả", "creator"},
		"credit":      {"đơn vị cung cấp (credit)", "credit line"},
	}
	if n, ok := names[field]; ok {
		if l == vi {
			return n[0]
		}
		return n[1]
	}
	return field
}

// stateName names a text state.
func stateName(state string, l lang) string {
	names := map[string][2]string{
		"empty":    {"trống", "empty"},
		"draft":    {"bản nháp", "draft"},
		"reviewed": {"đã duyệt", "reviewed"},
	}
	if n, ok := names[state]; ok {
		if l == vi {
			return n[0]
		}
		return n[1]
	}
	return state
}

// sideText describes a pixel rule's side after "… px".
func sideText(side string, l lang) string {
	names := map[string][2]string{
		"long":   {"ở cạnh dài", "on the long edge"},
		"short":  {"ở cạnh ngắn", "on the short edge"},
		"width":  {"ở chiều rộng", "in width"},
		"height": {"ở chiều cao", "in height"},
		"either": {"ở chiều rộng hoặc chiều cao", "in width or height"},
		"both":   {"ở cả chiều rộng và chiều cao", "in both width and height"},
	}
	n := names[side]
	if l == vi {
		return n[0]
	}
	return n[1]
}

// kindName names an asset kind in a message.
func kindName(kind string, l lang) string {
	names := map[string][2]string{
		KindPhoto:   {"ảnh", "photo"},
		KindClip:    {"video clip", "clip"},
		KindTrailer: {"trailer", "trailer"},
	}
	if n, ok := names[kind]; ok {
		if l == vi {
			return n[0]
		}
		return n[1]
	}
	return kind
}

// subject is how a message names the thing checked: "Ảnh"/"ảnh này",
// "The photo"/"this one".
func subject(section string, l lang) (cap, this string) {
	if section == "photo" {
		if l == vi {
			return "Ảnh", "ảnh này"
		}
		return "The photo", "this one"
	}
	if l == vi {
		return "Video", "video này"
	}
	return "The video", "this one"
}

// upper writes a format or codec name for people: "JPEG", "H264".
func upper(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s)
}

func upperList(vals []string, l lang) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = upper(v)
	}
	return orList(out, l)
}

// orList joins alternatives: "JPEG hoặc PNG" / "JPEG or PNG".
func orList(vals []string, l lang) string {
	or := " hoặc "
	if l == en {
		or = " or "
	}
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + or + vals[len(vals)-1]
}

// dateText writes a civil date: "01/01/2024" (vi) or "2024-01-01".
func dateText(t time.Time, l lang) string {
	if l == vi {
		return t.Format("02/01/2006")
	}
	return t.Format("2006-01-02")
}
