package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestReportCommand(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	copyFile(t, "../../testdata/media/images/gps/mde_HTC_Desire.jpg", filepath.Join(src, "htc.jpg"))
	if out, err := command(t, data, "ingest", "--org", "Báo Đắk Lắk", src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	from, to := today.AddDate(0, 0, -1).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)

	out, err := command(t, data, "report", "--from", from, "--to", to).Output()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(out), "\uFEFF")), "\r\n")
	if len(lines) != 3 || lines[0] != "Đơn vị,Chủ đề,Loại,Tiếp nhận,Đã duyệt,Từ chối,Đã gửi" ||
		!strings.HasPrefix(lines[1], "Báo Đắk Lắk,") || lines[2] != "Tổng cộng,,,1,0,0,0" {
		t.Errorf("csv:\n%s", out)
	}

	out, err = command(t, data, "report", "--from", from, "--to", to, "--format", "json").Output()
	var r struct {
		Total struct{ Received int } `json:"total"`
	}
	if err != nil || json.Unmarshal(out, &r) != nil || r.Total.Received != 1 {
		t.Errorf("json: %v\n%s", err, out)
	}

	xlsx := filepath.Join(t.TempDir(), "bao-cao.xlsx")
	if out, err := command(t, data, "report", "--from", from, "--to", to, "--out", xlsx).CombinedOutput(); err != nil {
		t.Fatalf("xlsx: %v\n%s", err, out)
	}
	b, err := os.ReadFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("Hoạt động", "D3"); v != "1" {
		t.Errorf("xlsx total received = %q", v)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(xlsx), ".quangba-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	for _, args := range [][]string{
		{"report", "--from", from, "--to", to, "--format", "xlsx"}, // xlsx to a terminal
		{"report", "--from", to, "--to", from},
		{"report", "--from", "01/01/2026", "--to", to},
		{"report", "--from", from, "--to", to, "--format", "pdf"},
	} {
		if err := command(t, data, args...).Run(); exitCode(err) != 2 {
			t.Errorf("%v: exit %d; want 2", args, exitCode(err))
		}
	}
}
