package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzCatalogue opens a catalogue in tb's temporary folder with a few
// assets written through the real paths (so the FTS5 tables and the
// in-memory index hold Vietnamese text). Fuzz targets open it once per
// fuzzing process, outside the per-input function.
func fuzzCatalogue(tb testing.TB) *DB {
	tb.Helper()
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(tb.TempDir(), "catalog.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	curator := Principal{Role: RoleCurator}
	for i, s := range searchCatalogue {
		org, err := d.EnsureOrg(ctx, s.org)
		if err != nil {
			tb.Fatal(err)
		}
		a := &Asset{Kind: s.kind, Status: cmpOr(s.status, StatusReady), OrgID: org.ID, FileName: s.raw, RawFileName: s.raw,
			Format: "jpeg", MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", i+1), Width: s.w, Height: s.h}
		if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "k/" + a.SHA256, MIME: a.MIME}); err != nil {
			tb.Fatal(err)
		}
		if _, err := d.EditMetadata(ctx, a.ID, MetaEdit{Texts: s.texts, Keywords: s.keywords}, curator, langs, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// FuzzSearchText: whatever a user types (and whatever page cursor or sort
// comes with it), the typed text becomes at most maxSearchTokens NFC words
// of at most maxTokenRunes letters or digits each; Search, answered by the
// in-memory index, and the SQL path, which runs the FTS5 MATCH queries the
// text produced against the real FTS5 tables, both answer with results or
// a clean ErrInvalid, never an SQL error or a panic; and the in-memory
// tokenizer cuts the same text without panicking.
func FuzzSearchText(f *testing.F) {
	d := fuzzCatalogue(f)
	for _, s := range []string{
		"cà phê", "Buôn Ma Thuột", "ca phe", "Đắk Lắk", "hồ", "M'nông", "Gành Đá Đĩa", "ho\u0302\u0300 la\u0306\u0301k",
		`"`, `""`, `NEAR(a b, 2)`, `*`, `-x`, `(`, `)`, `AND`, `OR b`, `NOT`, `exact:`, `folded : x`, `cà*phê`, `^cà`, `{exact folded}: x`,
		"\x00\xff\xfe", "\u200b", "😀 ☕", strings.Repeat("cà phê ", 200), strings.Repeat(`"(`, 600), "\uE000\uF8FF", "x\u0345",
		strings.Repeat("ắ", 60), "١٢٣ ๑๒๓", "ǅ ǈ ǋ", "İstanbul", "ß ẞ", "ﬁ", "Ⅻ ⅻ", "𝐀𝐁", "a\u00adb",
	} {
		f.Add(s, uint8(0), "", "", 0, uint8(0))
	}
	f.Add("cà phê", uint8(1), "", "", 3, uint8(1))
	f.Add("hồ", uint8(2), "2025-03-10", "01j", 0, uint8(1))
	f.Add("", uint8(3), "", "zz", 0, uint8(1))
	f.Add("x", uint8(4), "", "", 0, uint8(0))
	f.Add("x", uint8(1), "", "", -1, uint8(1))
	f.Add("x", uint8(1), "", "", 1<<62, uint8(1))
	f.Add("x", uint8(0), "eyJzIjoicmVsZXZhbmNlIiwibyI6NX0", "", 0, uint8(2))
	ctx := context.Background()
	sorts := []string{"", SortRelevance, SortCaptured, SortUploaded, "bogus"}
	f.Fuzz(func(t *testing.T, text string, sortSel uint8, key, id string, offset int, cursorMode uint8) {
		sort := sorts[int(sortSel)%len(sorts)]
		st := parseSearchText(text)
		if len(st.exact) > maxSearchTokens || len(st.folded) > maxSearchTokens {
			t.Fatalf("%d/%d words", len(st.exact), len(st.folded))
		}
		for _, w := range append(append([]string{}, st.exact...), st.folded...) {
			if w == "" || !utf8.ValidString(w) || !norm.NFC.IsNormalString(w) || utf8.RuneCountInString(w) > maxTokenRunes {
				t.Fatalf("word %q from %q", w, text)
			}
			for _, r := range w {
				if !isTokenRune(r) {
					t.Fatalf("word %q from %q has separator %U", w, text, r)
				}
			}
		}
		if !st.empty() {
			for _, m := range []string{st.exactMatch(), st.foldedMatch()} {
				if !strings.HasSuffix(m, ")") || strings.Count(m, `"`)%2 != 0 {
					t.Fatalf("MATCH %q from %q", m, text)
				}
			}
		}
		tk := (&memData{exact: newTermIndex(true), folded: newTermIndex(false)}).tokenizer()
		tk.tokens([]string{text, strings.ToUpper(text)})

		q := SearchQuery{Text: text, Sort: sort}
		switch cursorMode % 3 {
		case 1: // a well-formed cursor with any content
			q.Cursor = searchCursor{Sort: cmpOr(sort, SortRelevance), Key: key, ID: id, Offset: offset}.encode()
		case 2: // anything as the cursor
			q.Cursor = key
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		var results [2]SearchResult
		var errs [2]error
		for i, search := range []func(context.Context, SearchQuery) (SearchResult, error){d.Search, d.searchSQL} {
			name := [2]string{"Search", "searchSQL"}[i]
			res, err := search(ctx, q)
			if err != nil && !errors.Is(err, ErrInvalid) {
				// An SQL error of the query itself happens again; one of the
				// machine (a full disk under a parallel test) may not.
				first := err
				time.Sleep(100 * time.Millisecond)
				if res, err = search(ctx, q); err != nil && !errors.Is(err, ErrInvalid) {
					t.Fatalf("%s(%+v): %v (first try: %v)", name, q, err, first)
				}
				t.Logf("%s(%+v): transient error %v", name, q, first)
			}
			results[i], errs[i] = res, err
			if err != nil {
				continue
			}
			if len(res.Assets) > res.Total || res.Total > len(searchCatalogue) {
				t.Fatalf("%s(%+v): %d assets of %d", name, q, len(res.Assets), res.Total)
			}
		}
		// The SQL path is the reference the in-memory index must agree with.
		if (errs[0] == nil) != (errs[1] == nil) {
			t.Fatalf("Search(%+v): %v; searchSQL: %v", q, errs[0], errs[1])
		}
		if errs[0] == nil {
			mem, ref := results[0], results[1]
			var memIDs, refIDs []string
			for _, a := range mem.Assets {
				memIDs = append(memIDs, a.ID)
			}
			for _, a := range ref.Assets {
				refIDs = append(refIDs, a.ID)
			}
			if mem.Total != ref.Total || !sameSet(memIDs, refIDs) {
				t.Fatalf("Search(%+v) = %d %v; searchSQL = %d %v", q, mem.Total, memIDs, ref.Total, refIDs)
			}
		}
	})
}
