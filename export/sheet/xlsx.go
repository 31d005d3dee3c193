package sheet

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column widths, in characters.
const (
	minWidth = 8
	maxWidth = 60
)

// WriteXLSX writes the sheets as one workbook: a bold, frozen header row,
// columns as wide as their content (within limits). A cell that is a plain
// non-negative integer ("0", "42"; no sign, no leading zero, at most 15
// digits) becomes a number; every other cell is a string cell, never a
// formula, and is also Neutralise'd so that a copy into another program or a
// re-save as CSV stays inert.
func WriteXLSX(w io.Writer, sheets []Sheet) error {
	if len(sheets) == 0 {
		return errors.New("sheet: a workbook needs at least one sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("sheet: header style: %w", err)
	}
	seen := map[string]bool{}
	for i, s := range sheets {
		name := sheetName(s.Name, i)
		if seen[strings.ToLower(name)] {
			return fmt.Errorf("sheet: two sheets named %q", name)
		}
		seen[strings.ToLower(name)] = true
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("sheet: sheet %q: %w", name, err)
		}
		if err := fill(f, name, s, bold); err != nil {
			return fmt.Errorf("sheet: sheet %q: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheet: write xlsx: %w", err)
	}
	return nil
}

// fill writes one sheet's cells, header style, panes and widths.
func fill(f *excelize.File, name string, s Sheet, bold int) error {
	for c, h := range s.Headers {
		if err := f.SetCellStr(name, cell(c, 0), Neutralise(h)); err != nil {
			return err
		}
	}
	for r, row := range s.Rows {
		for c, v := range row {
			if err := setCell(f, name, cell(c, r+1), v); err != nil {
				return err
			}
		}
	}
	if len(s.Headers) > 0 {
		if err := f.SetCellStyle(name, cell(0, 0), cell(len(s.Headers)-1, 0), bold); err != nil {
			return err
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	for c, width := range widths(s) {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

func setCell(f *excelize.File, sheet, ref, v string) error {
	if n, ok := integer(v); ok {
		return f.SetCellInt(sheet, ref, n)
	}
	return f.SetCellStr(sheet, ref, Neutralise(v))
}

// integer reports whether v is written as a number: digits only, no leading
// zero (a code such as "0123" stays text), short enough to be exact.
func integer(v string) (int64, bool) {
	if v == "" || len(v) > 15 || (len(v) > 1 && v[0] == '0') {
		return 0, false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// widths is each column's width: its longest cell plus a margin, clamped.
func widths(s Sheet) []float64 {
	var w []float64
	grow := func(cells []string) {
		for c, v := range cells {
			for len(w) <= c {
				w = append(w, minWidth)
			}
			w[c] = max(w[c], min(float64(utf8.RuneCountInString(v)+2), maxWidth))
		}
	}
	grow(s.Headers)
	for _, row := range s.Rows {
		grow(row)
	}
	return w
}

func cell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return ref
}

// sheetName makes name acceptable to Excel: no []:*?/\, no quote at either
// end, at most 31 characters; an empty name becomes "Sheet N".
func sheetName(name string, i int) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), "'")
	if r := []rune(name); len(r) > excelize.MaxSheetNameLength {
		name = string(r[:excelize.MaxSheetNameLength])
	}
	if name == "" {
		name = "Sheet " + strconv.Itoa(i+1)
	}
	return name
}
