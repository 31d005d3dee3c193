package bundle

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzCleanPath: whatever an entry name is made of (titles, uploaded file
// names, profile patterns), CleanPath either refuses it or returns a name
// that is relative, has no "." or ".." element, no backslash, no control
// character, is NFC and within the length limits, is its own clean form,
// and survives a round trip through a real zip archive unchanged and local.
func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{
		"photos/001-ho-lak.jpg", "Ảnh/Hồ Lắk.jpg", "A\u0309nh/Ho\u0302\u0300 La\u0306\u0301k.jpg",
		"../etc/passwd", "a/../../b", "./a/./b/", "//server/share/x", `C:\Windows\x`, `c:x`, `\\?\C:\x`,
		"/abs/x", "a\x00b", "a\tb", "a\x7fb", "\xff\xfe", "..", ".", "...", ".. /x", "a/.../b", "a..b/c..",
		strings.Repeat("ắ", 100) + ".jpg", strings.Repeat("a/", 600), "\u202egnp.exe", "con/aux/nul.txt",
		"ﬁle/Ⅻ/ℌ", "\u0308a/\u0301", "x/\u2024\u2024/y", "a/\uff0e\uff0e/b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c, err := CleanPath(p)
		if err != nil {
			if c != "" {
				t.Fatalf("CleanPath(%q) = %q with error %v", p, c, err)
			}
			return
		}
		switch {
		case c == "":
			t.Fatalf("CleanPath(%q) is empty", p)
		case !utf8.ValidString(c) || !norm.NFC.IsNormalString(c):
			t.Fatalf("CleanPath(%q) = %q: not NFC UTF-8", p, c)
		case strings.HasPrefix(c, "/") || filepath.IsAbs(c) || (len(c) >= 2 && c[1] == ':' && isASCIILetter(c[0])):
			t.Fatalf("CleanPath(%q) = %q: absolute", p, c)
		case strings.Contains(c, `\`):
			t.Fatalf("CleanPath(%q) = %q: backslash", p, c)
		case !fs.ValidPath(c) || !filepath.IsLocal(c):
			t.Fatalf("CleanPath(%q) = %q: not a valid local path", p, c)
		case len(c) > MaxPathBytes:
			t.Fatalf("CleanPath(%q): %d bytes", p, len(c))
		}
		for _, seg := range strings.Split(c, "/") {
			if seg == ".." || seg == "." || seg == "" || len(seg) > MaxSegmentBytes {
				t.Fatalf("CleanPath(%q) = %q: bad element %q", p, c, seg)
			}
		}
		for _, r := range c {
			if unicode.IsControl(r) {
				t.Fatalf("CleanPath(%q) = %q: control character %U", p, c, r)
			}
		}
		if again, err := CleanPath(c); err != nil || again != c {
			t.Fatalf("CleanPath(%q) = %q, but CleanPath of that = %q, %v", p, c, again, err)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		if _, err := zw.Create(c); err != nil {
			t.Fatalf("zip entry %q: %v", c, err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("zip with entry %q does not read back: %v", c, err)
		}
		if len(zr.File) != 1 || zr.File[0].Name != c {
			t.Fatalf("zip entry %q reads back as %+v", c, zr.File)
		}
	})
}
