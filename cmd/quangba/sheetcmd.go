package main

import (
	"fmt"
	"os"

	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/ingest/sheet"
)

// sheetRows is a parsed --meta sheet matched against the files to ingest.
type sheetRows struct {
	byFile    map[string]*sheet.Row
	missing   []sheet.Row
	unmatched []string
}

// readSheet reads and matches the sheet; with no sheet it matches nothing.
func readSheet(path string, files, roots []string) (sheetRows, error) {
	if path == "" {
		return sheetRows{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return sheetRows{}, fmt.Errorf("--meta: %w", err)
	}
	defer f.Close()
	rows, err := sheet.Read(f)
	if err != nil {
		return sheetRows{}, fmt.Errorf("--meta %s: %w", path, err)
	}
	byFile, missing, unmatched := sheet.Match(rows, files, roots)
	return sheetRows{byFile: byFile, missing: missing, unmatched: unmatched}, nil
}

func (s sheetRows) report(r *reporter) {
	for _, row := range s.missing {
		r.report(ingestLine{Path: row.File, Status: "missing_file", Row: row.Line})
	}
	if s.byFile == nil {
		return
	}
	for _, f := range s.unmatched {
		r.report(ingestLine{Path: f, Status: "no_row"})
	}
}

// request gives each file its row's metadata.
func (s sheetRows) request(base ingest.Request) func(string) ingest.Request {
	return func(path string) ingest.Request {
		req := base
		if row := s.byFile[path]; row != nil {
			e := row.Edit
			req.Meta = &e
		}
		return req
	}
}
