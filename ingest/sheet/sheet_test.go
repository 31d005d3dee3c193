package sheet

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

const sample = "\xef\xbb\xbffile;title_vi;title_en;caption_vi;keywords_vi;keywords_en;creator;date;location_vi;location_en;themes;alt_text_en\n" +
	"Hồ Lắk.jpg;Hồ Lắk lúc bình minh;Lak Lake at dawn;\"Sương sớm; mặt hồ\";\"hồ; bình minh\";\"lake; dawn\";Nguyễn Văn A;10/03/2026;Hồ Lắk;Lak Lake;tourism, heritage;A lake at dawn\n" +
	"clips/le-hoi.mp4;Lễ hội cà phê;;;;;;2026-03;;;;\n" +
	";;;;;;;;;;;\n" +
	"thiếu.jpg;Không có tệp;;;;;;;;;;\n"

func TestReadSpreadsheet(t *testing.T) {
	rows, err := Read(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d; want 3 (the blank line skipped)", len(rows))
	}
	r := rows[0]
	e := r.Edit
	if r.Line != 2 || r.File != "Hồ Lắk.jpg" || e.Texts["title"]["en"] != "Lak Lake at dawn" || e.Texts["caption"]["vi"] != "Sương sớm; mặt hồ" {
		t.Errorf("row 1 = %+v", r)
	}
	if strings.Join(e.Keywords["vi"], "|") != "hồ|bình minh" || strings.Join(e.Keywords["en"], "|") != "lake|dawn" {
		t.Errorf("keywords = %v", e.Keywords)
	}
	if *e.DateCreated != "2026-03-10" || *e.Creator != "Nguyễn Văn A" || e.Texts["sublocation"]["en"] != "Lak Lake" || e.Texts["alt_text"]["en"] != "A lake at dawn" {
		t.Errorf("plain fields: date %v creator %v texts %v", *e.DateCreated, *e.Creator, e.Texts)
	}
	if strings.Join(r.Themes, "|") != "tourism|heritage" || e.Origin != "import" {
		t.Errorf("themes %v origin %q", r.Themes, e.Origin)
	}
	if *rows[1].Edit.DateCreated != "2026-03" {
		t.Errorf("row 2 date = %v", *rows[1].Edit.DateCreated)
	}
}

func TestReadRefusals(t *testing.T) {
	latin, _ := charmap.Windows1258.NewEncoder().String("file,title_vi\nx.jpg,Buôn Ma Thuột\n")
	for name, doc := range map[string]string{
		"unknown column": "file,titel_vi\nx.jpg,a\n",
		"no file column": "title_vi\na\n",
		"bad date":       "file,date\nx.jpg,31/02/2026\n",
		"not UTF-8":      latin,
		"empty":          "",
	} {
		if _, err := Read(strings.NewReader(doc)); err == nil || !strings.HasPrefix(err.Error(), "sheet: ") {
			t.Errorf("%s: %v; want a sheet error", name, err)
		}
	}
}

func TestMatch(t *testing.T) {
	rows, _ := Read(strings.NewReader(sample))
	files := []string{
		"/gửi/" + norm.NFD.String("Hồ Lắk.JPG"), // macOS name, other case
		"/gửi/clips/le-hoi.mp4",
		"/gửi/khác.png",
	}
	byFile, missing, unmatched := Match(rows, files, []string{"/gửi"})
	if byFile[files[0]] == nil || byFile[files[0]].Line != 2 || byFile[files[1]] == nil || byFile[files[1]].Line != 3 {
		t.Errorf("matched = %v", byFile)
	}
	if len(missing) != 1 || missing[0].File != "thiếu.jpg" {
		t.Errorf("missing = %+v", missing)
	}
	if len(unmatched) != 1 || unmatched[0] != "/gửi/khác.png" {
		t.Errorf("unmatched = %v", unmatched)
	}
}
