package ingest

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameBytes bounds a sanitized file name.
const maxNameBytes = 200

// DisplayName cleans an uploaded name just enough to show it: valid UTF-8,
// NFC, no control characters, the last path element only.
func DisplayName(raw string) string {
	raw = strings.ToValidUTF8(raw, "\uFFFD")
	raw = strings.ReplaceAll(raw, "\\", "/")
	raw = path.Base("/" + raw)
	raw = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u202e' || r == '\u202d' || r == '\u200e' || r == '\u200f' {
			return -1
		}
		return r
	}, raw)
	raw = norm.NFC.String(strings.TrimSpace(raw))
	if raw == "/" || raw == "." || raw == ".." {
		return ""
	}
	return raw
}

// SanitizeName turns an uploaded file name into one that is safe on every
// file system and in a shell: the display name with reserved characters
// replaced by "_", no leading dots or dashes, at most 200 bytes (keeping the
// extension), never empty.
func SanitizeName(raw string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r == utf8.RuneError {
			return '_'
		}
		return r
	}, DisplayName(raw))
	name = strings.TrimLeft(name, ".- ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return "file"
	}
	if len(name) <= maxNameBytes {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	base := name[:len(name)-len(ext)]
	cut := maxNameBytes - len(ext)
	for cut > 0 && !utf8.RuneStart(base[cut]) {
		cut--
	}
	return norm.NFC.String(base[:cut]) + ext
}
