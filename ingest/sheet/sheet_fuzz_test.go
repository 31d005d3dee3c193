package sheet

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// clean reports whether s is what the sheet may hand on: valid UTF-8, NFC.
func clean(s string) bool { return utf8.ValidString(s) && norm.NFC.IsNormalString(s) }

// FuzzSheetRead feeds arbitrary bytes to Read, the parser of the CSV sent
// with a folder: it never panics or hangs, every value it returns is valid
// NFC UTF-8 (macOS writes NFD), rows are in order with a date in one of the
// accepted forms, and every refusal is a *Error in Vietnamese and English.
func FuzzSheetRead(f *testing.F) {
	for _, s := range []string{
		sample,
		"file,title_vi\nx.jpg,Buôn Ma Thuột\n",
		"file;title_vi;date\nHo\u0302\u0300 La\u0306\u0301k.jpg;Ho\u0302\u0300 La\u0306\u0301k;10/03/2026\n",
		"tệp\ttitle_en\tkeywords_vi\n../../etc/passwd\tx\ta, b; c\n/abs/x.jpg\t\"multi\nline\"\t\n",
		"file,titel_vi\nx.jpg,a\n", "title_vi\na\n", "file,date\nx.jpg,31/02/2026\n", "file,date\nx.jpg,2026-13\n",
		"Buôn Ma Thuột", "", "\xef\xbb\xbf", "file\n\"unterminated\n", "file,,\nx,,\n", "file,title_\nx,y\n",
		"FILE, Title VI ,Caption_EN,location_vi,description_en,themes,creator,credit,country_code,source_type,date_created\n" +
			"a\x00b.jpg,\u202eevil,=cmd|' /C calc'!A0,x,y,tourism;heritage,c,c,VN,digitalCapture,2026\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			rows []Row
			err  error
		}
		done := make(chan result, 1)
		go func() {
			rows, err := Read(strings.NewReader(string(data)))
			done <- result{rows, err}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Read of %d bytes still running after 2s", len(data))
		}
		if res.err != nil {
			var e *Error
			if !errors.As(res.err, &e) {
				t.Fatalf("error is not a *sheet.Error: %v", res.err)
			}
			if e.Vi == "" || e.En == "" || e.Vi == e.En {
				t.Fatalf("error is not bilingual: vi %q en %q", e.Vi, e.En)
			}
			if !strings.HasPrefix(res.err.Error(), "sheet: ") || !clean(e.Vi) || !clean(e.En) {
				t.Fatalf("badly formed error %q", res.err)
			}
			if res.rows != nil {
				t.Fatalf("rows with an error: %v", res.err)
			}
			return
		}
		last := 1
		for _, r := range res.rows {
			if r.Line <= last {
				t.Fatalf("row line %d after %d", r.Line, last)
			}
			last = r.Line
			if r.File == "" || !clean(r.File) {
				t.Fatalf("line %d: file %q", r.Line, r.File)
			}
			e := r.Edit
			for field, byLang := range e.Texts {
				for lang, v := range byLang {
					if v == "" || !clean(v) || !clean(lang) || v != strings.TrimSpace(v) {
						t.Fatalf("line %d: %s_%s = %q", r.Line, field, lang, v)
					}
				}
			}
			for lang, kws := range e.Keywords {
				for _, k := range kws {
					if k == "" || !clean(k) || !clean(lang) {
						t.Fatalf("line %d: keywords_%s has %q", r.Line, lang, k)
					}
				}
			}
			for _, th := range r.Themes {
				if th == "" || !clean(th) {
					t.Fatalf("line %d: theme %q", r.Line, th)
				}
			}
			for _, p := range []*string{e.Creator, e.Credit, e.CountryCode, e.SourceType, e.DateCreated} {
				if p != nil && (*p == "" || !clean(*p)) {
					t.Fatalf("line %d: value %q", r.Line, *p)
				}
			}
			if d := e.DateCreated; d != nil && !isoDate.MatchString(*d) {
				t.Fatalf("line %d: date %q", r.Line, *d)
			}
		}
	})
}
