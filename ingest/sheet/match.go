package sheet

import (
	"path/filepath"
	"strings"

	"github.com/quangba/quangba/catalog/vntext"
)

// Match pairs rows with files. A row names its file by its path relative to
// one of the folders given (roots), or by its base name when only one file
// has that name. Names compare in NFC (macOS writes NFD) and ignoring case.
// It returns the row of each matched file, the rows whose file is not
// among files, and the files no row names.
func Match(rows []Row, files, roots []string) (byFile map[string]*Row, missing []Row, unmatched []string) {
	byRel, byBase := map[string]string{}, map[string][]string{}
	for _, f := range files {
		for _, root := range roots {
			if rel, err := filepath.Rel(root, f); err == nil && !strings.HasPrefix(rel, "..") {
				byRel[nameKey(rel)] = f
			}
		}
		b := nameKey(filepath.Base(f))
		byBase[b] = append(byBase[b], f)
	}
	byFile = map[string]*Row{}
	for i := range rows {
		name := nameKey(strings.ReplaceAll(rows[i].File, "\\", "/"))
		f, ok := byRel[name]
		if !ok && len(byBase[nameKey(filepath.Base(name))]) == 1 {
			f, ok = byBase[nameKey(filepath.Base(name))][0], true
		}
		if !ok || byFile[f] != nil {
			missing = append(missing, rows[i])
			continue
		}
		byFile[f] = &rows[i]
	}
	for _, f := range files {
		if byFile[f] == nil {
			unmatched = append(unmatched, f)
		}
	}
	return byFile, missing, unmatched
}

func nameKey(s string) string {
	return strings.ToLower(vntext.NFC(filepath.ToSlash(filepath.Clean(s))))
}
