package profile

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/quangba/quangba/catalog/vntext"
)

// MaxNameBytes bounds a bundle file name before its extension.
const MaxNameBytes = 120

// namePart is a literal or a placeholder of a naming pattern.
type namePart struct {
	lit   string
	ph    string // seq, slug, creator, date, id, kind
	width int    // {seq:0N}
}

var placeholders = []string{"seq", "seq:0N", "slug", "creator", "date", "id", "kind"}

// parseNaming reads a pattern such as "{creator}-{seq:03}-{slug}".
// Literal text may hold ASCII letters, digits, '-', '_' and '.'.
func parseNaming(pat string) ([]namePart, error) {
	var parts []namePart
	rest := pat
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			i = len(rest)
		}
		if lit := rest[:i]; lit != "" {
			for _, r := range lit {
				if !asciiNameRune(r) {
					return nil, fmt.Errorf("%q: character %q is not allowed in a file name (use ASCII letters, digits, - _ .)", pat, r)
				}
			}
			parts = append(parts, namePart{lit: lit})
		}
		rest = rest[i:]
		if rest == "" {
			break
		}
		if rest[0] == '}' {
			return nil, fmt.Errorf("%q: '}' without '{'", pat)
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return nil, fmt.Errorf("%q: '{' without '}'", pat)
		}
		name := rest[1:j]
		rest = rest[j+1:]
		part := namePart{ph: name}
		if w, ok := strings.CutPrefix(name, "seq:0"); ok {
			n, err := strconv.Atoi(w)
			if err != nil || n < 1 || n > 9 {
				return nil, fmt.Errorf("%q: {%s}: write {seq:0N} with N from 1 to 9", pat, name)
			}
			part = namePart{ph: "seq", width: n}
		} else if !contains(placeholders, name) || name == "seq:0N" {
			return nil, fmt.Errorf("unknown placeholder {%s} (expected one of {%s})", name, strings.Join(placeholders, "}, {"))
		}
		parts = append(parts, part)
	}
	return parts, nil
}

func asciiNameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.'
}

// safeASCII keeps ASCII letters, digits, '-', '_' and '.'; anything else
// becomes '-'.
func safeASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if asciiNameRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// baseName applies the naming pattern to item number seq (1-based). Empty
// placeholders leave no doubled or dangling separators; the result is ASCII,
// at most MaxNameBytes long and never empty (the asset id stands in).
func (p *Profile) baseName(seq int, it Item) string {
	var b strings.Builder
	for _, part := range p.naming {
		if part.ph == "" {
			b.WriteString(part.lit)
			continue
		}
		switch part.ph {
		case "seq":
			fmt.Fprintf(&b, "%0*d", part.width, seq)
		case "slug":
			b.WriteString(p.slug(it))
		case "creator":
			b.WriteString(vntext.Slug(it.Creator))
		case "date":
			b.WriteString(dateDigits(it))
		case "id":
			b.WriteString(safeASCII(it.AssetID))
		case "kind":
			b.WriteString(vntext.Slug(it.Kind))
		}
	}
	name := tidyName(b.String(), MaxNameBytes)
	if name == "" {
		name = tidyName(safeASCII(it.AssetID), MaxNameBytes)
	}
	if name == "" {
		name = "asset-" + strconv.Itoa(seq)
	}
	return name
}

// tidyName collapses runs of '-' and trims separators at both ends after
// cutting s to max bytes (s is ASCII).
func tidyName(s string, max int) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	s = strings.Trim(s, "-_.")
	if len(s) > max {
		s = strings.Trim(s[:max], "-_.")
	}
	return s
}

// slug is {slug}: the title in the profile's first language, else the
// original file name without its extension.
func (p *Profile) slug(it Item) string {
	if t := strings.TrimSpace(it.Texts["title"][p.TitleLang()].Value); t != "" {
		if s := vntext.Slug(t); s != "" {
			return s
		}
	}
	base := path.Base(strings.ReplaceAll(it.FileName, `\`, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	if base == "." || base == "/" {
		return ""
	}
	return vntext.Slug(base)
}

// dateDigits is {date}: YYYYMMDD of the date created, else of the capture
// time in Vietnam; a partial date gives its digits ("2026", "202603").
func dateDigits(it Item) string {
	if d, ok := parseDate(it.DateCreated); ok {
		switch d.prec {
		case 1:
			return d.from.Format("2006")
		case 2:
			return d.from.Format("200601")
		}
		return d.from.Format("20060102")
	}
	if it.CapturedAt != nil {
		return it.CapturedAt.In(vietnam).Format("20060102")
	}
	return ""
}

// uniqueName makes base+ext unique among used (compared case-insensitively,
// as zip readers on Windows and macOS do), appending "-2", "-3", …
func uniqueName(base, ext string, used map[string]bool) string {
	name := base
	for n := 2; used[strings.ToLower(name+ext)]; n++ {
		suffix := "-" + strconv.Itoa(n)
		name = tidyName(base, MaxNameBytes-len(suffix)) + suffix
	}
	used[strings.ToLower(name+ext)] = true
	return name + ext
}

var extensions = map[string]string{
	"jpeg": ".jpg", "jpg": ".jpg", "png": ".png", "heic": ".heic", "heif": ".heif",
	"avif": ".avif", "webp": ".webp", "tiff": ".tif", "tif": ".tif", "dng": ".dng",
	"mp4": ".mp4", "mov": ".mov", "mkv": ".mkv", "webm": ".webm", "m4v": ".m4v",
	"avi": ".avi", "mxf": ".mxf",
}

// Ext is the extension a file gets in a bundle: ".jpg" for JPEG, ".mp4",
// …; an unknown format gives "." and the format (ASCII-safe), nothing when
// the format is empty.
func (p *Profile) Ext(f File) string {
	format := strings.ToLower(strings.TrimSpace(f.Format))
	if e, ok := extensions[format]; ok {
		return e
	}
	if s := strings.Trim(vntext.Slug(format), "-"); s != "" {
		return "." + s
	}
	return ""
}
