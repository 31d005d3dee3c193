// Package sheet reads the spreadsheet (CSV) a department sends with a
// folder of files: one row of metadata per file.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/vntext"
)

// Row is one file's metadata.
type Row struct {
	Line   int    // 1-based line in the sheet
	File   string // as written in the sheet
	Edit   catalog.MetaEdit
	Themes []string // theme ids, kept for the theme catalogue
}

// columns maps plain header names to what they fill; "<field>_<lang>"
// headers (title_vi, caption_en, city_vi …) are handled apart.
var columns = map[string]string{"file": "file", "tep": "file", "date": "date_created", "date_created": "date_created",
	"creator": "creator", "credit": "credit", "country_code": "country_code", "source_type": "source_type", "themes": "themes"}

// aliases lets the common sheet columns use short names.
var aliases = map[string]string{"location": catalog.FieldSublocation, "description": catalog.FieldCaption}

// Error is a refusal of the sheet, in Vietnamese and in English, with the
// line it is about (0: the whole sheet) and the cause when there is one.
type Error struct {
	Line   int
	Vi, En string
	Err    error
}

func (e *Error) Error() string { return "sheet: " + e.En + " / Bảng kê: " + e.Vi }

func (e *Error) Unwrap() error { return e.Err }

// refuse builds an Error; the messages are NFC as a whole (a quoted value
// may end in an escape that a combining mark after it would compose with).
func refuse(cause error, vi, en string) *Error {
	return &Error{Vi: vntext.NFC(vi), En: vntext.NFC(en), Err: cause}
}

// Read parses a UTF-8 CSV (with or without BOM; comma, semicolon or tab
// separated) whose first line names the columns.
func Read(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, refuse(err, "không đọc được tệp: "+err.Error(), "cannot read the file: "+err.Error())
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, refuse(nil, "tệp không phải UTF-8; hãy lưu bảng kê dạng \"CSV UTF-8\"", "not UTF-8; save the sheet as \"CSV UTF-8\"")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord, cr.TrimLeadingSpace = delimiter(data), -1, true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, csvError(err)
	}
	if len(records) == 0 {
		return nil, refuse(nil, "bảng kê trống", "empty")
	}
	header, err := readHeader(records[0])
	if err != nil {
		return nil, err
	}
	var rows []Row
	for i, rec := range records[1:] {
		row, err := readRow(header, rec, i+2)
		if err != nil {
			return nil, err
		}
		if row.File != "" {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// csvError explains a CSV syntax error in both languages.
func csvError(err error) *Error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return refuse(err, "không đọc được bảng kê: "+err.Error(), "cannot read the sheet: "+err.Error())
	}
	what, whatVi := pe.Err.Error(), "lỗi cú pháp CSV"
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		whatVi = "dấu ngoặc kép (\") không đúng chỗ hoặc không được đóng"
	case errors.Is(pe.Err, csv.ErrFieldCount):
		whatVi = "số cột không khớp"
	}
	e := refuse(err, fmt.Sprintf("dòng %d, cột %d: %s", pe.Line, pe.Column, whatVi),
		fmt.Sprintf("line %d, column %d: %s", pe.Line, pe.Column, what))
	e.Line = pe.Line
	return e
}

// delimiter guesses the separator from the header line.
func delimiter(data []byte) rune {
	line, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	best, n := ',', strings.Count(string(line), ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(string(line), string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

const knownColumns = "file, title_vi, title_en, caption_vi, caption_en, keywords_vi, keywords_en, creator, credit, date, location_vi, location_en, themes"

type column struct{ kind, field, lang string }

func readHeader(names []string) ([]column, error) {
	cols := make([]column, len(names))
	hasFile := false
	for i, n := range names {
		key := strings.ReplaceAll(strings.ToLower(vntext.Fold(strings.TrimSpace(n))), " ", "_")
		if kind, ok := columns[key]; ok {
			cols[i] = column{kind: kind}
			hasFile = hasFile || kind == "file"
			continue
		}
		field, lang, ok := cutLast(key, "_")
		if a, isAlias := aliases[field]; isAlias {
			field = a
		}
		if !ok || !isTextField(field) {
			e := refuse(nil, fmt.Sprintf("dòng 1: cột %q không rõ; hãy dùng %s (hoặc <trường>_<ngôn ngữ>)", n, knownColumns),
				fmt.Sprintf("line 1: unknown column %q; use %s (or <field>_<lang>)", n, knownColumns))
			e.Line = 1
			return nil, e
		}
		cols[i] = column{kind: "text", field: field, lang: lang}
	}
	if !hasFile {
		e := refuse(nil, "dòng 1: thiếu cột \"file\" (tên tệp)", "line 1: no \"file\" column")
		e.Line = 1
		return nil, e
	}
	return cols, nil
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

func isTextField(f string) bool {
	for _, t := range catalog.TextFields {
		if t == f {
			return true
		}
	}
	return false
}

func readRow(cols []column, rec []string, line int) (Row, error) {
	row := Row{Line: line, Edit: catalog.MetaEdit{Origin: catalog.OriginImport, Texts: map[string]map[string]string{}, Keywords: map[string][]string{}}}
	for i, v := range rec {
		v = strings.TrimSpace(vntext.NFC(v))
		if i >= len(cols) || v == "" {
			continue
		}
		if err := row.set(cols[i], v); err != nil {
			err.Line = line
			err.Vi = vntext.NFC(fmt.Sprintf("dòng %d: %s", line, err.Vi))
			err.En = vntext.NFC(fmt.Sprintf("line %d: %s", line, err.En))
			return Row{}, err
		}
	}
	return row, nil
}

func (r *Row) set(c column, v string) *Error {
	e := &r.Edit
	switch c.kind {
	case "file":
		r.File = v
	case "themes":
		r.Themes = split(v)
	case "date_created":
		d, err := date(v)
		if err != nil {
			return err
		}
		e.DateCreated = &d
	case "creator":
		e.Creator = &v
	case "credit":
		e.Credit = &v
	case "country_code":
		e.CountryCode = &v
	case "source_type":
		e.SourceType = &v
	case "text":
		if c.field == catalog.FieldKeywords {
			e.Keywords[c.lang] = split(v)
			return nil
		}
		if e.Texts[c.field] == nil {
			e.Texts[c.field] = map[string]string{}
		}
		e.Texts[c.field][c.lang] = v
	}
	return nil
}

// split reads a list cell: semicolons if there are any, else commas.
func split(v string) []string {
	sep := ","
	if strings.Contains(v, ";") {
		sep = ";"
	}
	var out []string
	for _, p := range strings.Split(v, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var (
	isoDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)
	vnDate  = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
)

// date accepts 2026-03-10 and the Vietnamese 10/03/2026 (day first).
func date(v string) (string, *Error) {
	if isoDate.MatchString(v) {
		return v, nil
	}
	if m := vnDate.FindStringSubmatch(v); m != nil {
		d := fmt.Sprintf("%s-%s-%s", m[3], pad(m[2]), pad(m[1]))
		if _, err := time.Parse("2006-01-02", d); err == nil {
			return d, nil
		}
	}
	return "", refuse(nil, fmt.Sprintf("ngày %q: hãy viết 10/03/2026 hoặc 2026-03-10", v), fmt.Sprintf("date %q: write 2026-03-10 or 10/03/2026", v))
}

func pad(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
