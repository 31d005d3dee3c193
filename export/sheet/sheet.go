// Package sheet writes tables as CSV and XLSX files that open cleanly in
// Excel and LibreOffice, with every cell neutralised against formula
// injection.
package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Sheet is one named table.
type Sheet struct {
	Name    string // at most 31 characters; []:*?/\ are replaced
	Headers []string
	Rows    [][]string
}

// bom makes Excel read a CSV file as UTF-8 instead of the system code page.
const bom = "\uFEFF"

// WriteCSV writes headers and rows as UTF-8 CSV with a byte-order mark and
// CRLF line ends. A cell that a spreadsheet could read as a formula gets a
// leading single quote (see Neutralise).
func WriteCSV(w io.Writer, headers []string, rows [][]string) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(neutraliseAll(headers))
	for _, row := range rows {
		cw.Write(neutraliseAll(row))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	return nil
}

// Neutralise returns s with a leading single quote when it starts with a
// character that makes a spreadsheet treat the cell as a formula (=, +, -,
// @) or that hides such a start (tab, carriage return); any other s is
// returned as it is (OWASP "CSV injection").
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func neutraliseAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = Neutralise(c)
	}
	return out
}
