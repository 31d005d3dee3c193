package bundle

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits applied by CleanPath.
const (
	MaxSegmentBytes = 255
	MaxPathBytes    = 1024
)

// CleanPath sanitizes p for use as a bundle entry name. It returns the
// NFC-normalized, slash-separated relative path, or an error if p is empty,
// absolute ("/x", "C:\x", "//server"), contains a ".." segment, a control
// character or invalid UTF-8, or is too long (a segment over 255 bytes or the
// whole path over 1024 bytes). Backslashes become slashes; "." and empty
// segments are dropped.
func CleanPath(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	if !utf8.ValidString(p) {
		return "", errors.New("path is not valid UTF-8")
	}
	for _, r := range p {
		if unicode.IsControl(r) { // C0, DEL and C1 (U+0080–U+009F, e.g. NEL)
			return "", fmt.Errorf("path contains control character %U", r)
		}
	}
	p = strings.ReplaceAll(norm.NFC.String(p), `\`, "/")
	if strings.HasPrefix(p, "/") {
		return "", errors.New("absolute path")
	}
	if len(p) >= 2 && p[1] == ':' && isASCIILetter(p[0]) {
		return "", errors.New("path with a drive letter")
	}
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
			continue
		case "..":
			return "", errors.New(`path contains a ".." segment`)
		}
		if len(s) > MaxSegmentBytes {
			return "", fmt.Errorf("path segment longer than %d bytes", MaxSegmentBytes)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "", errors.New("empty path")
	}
	c := strings.Join(out, "/")
	if len(c) > MaxPathBytes {
		return "", fmt.Errorf("path longer than %d bytes", MaxPathBytes)
	}
	return c, nil
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// foldKey is the key under which a clean path is checked for duplicates:
// Unicode case folding then NFC, so "Ảnh.JPG" and "ảnh.jpg" collide as they
// would on a case-insensitive disk.
func foldKey(clean string) string {
	return norm.NFC.String(cases.Fold().String(clean))
}
