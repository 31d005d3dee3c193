package profile

import (
	"strings"
	"testing"
	"time"
)

func TestNames(t *testing.T) {
	p, err := Parse("n.yaml", []byte(head+okPhoto+okVideo+"naming: \"{seq:04}_{slug}\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Đắk Lắk ", 30)
	title := func(s string) map[string]map[string]Text {
		return map[string]map[string]Text{"title": {"vi": {s, "draft"}}}
	}
	items := []Item{
		{AssetID: "A1", Kind: KindPhoto, Texts: title("Gành Đá Đĩa"), Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "A2", Kind: KindPhoto, FileName: `C:\Ảnh\Tháp Nhạn.HEIC`, Files: []File{{Name: "original", Format: "HEIC"}}},
		{AssetID: "A3", Kind: KindPhoto, Texts: title(long), Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "A4", Kind: KindClip, Texts: title("!!!"), Files: []File{{Name: "original", Format: "mp4"}}},
		{AssetID: "A5", Kind: KindClip, Files: []File{{Name: "original", Format: "matroska"}}},
	}
	want := []string{
		"0001_ganh-da-dia.jpg",
		"0002_thap-nhan.heic",
		"0003_" + strings.TrimSuffix(strings.Repeat("dak-lak-", 15)[:115], "-") + ".jpg",
		"0004.mp4",
		"0005.matroska",
	}
	for i, c := range p.Check(items) {
		if c.Name != want[i] {
			t.Errorf("%s: %q, want %q", c.AssetID, c.Name, want[i])
		}
		if base := strings.TrimSuffix(c.Name, p.Ext(c.File)); len(base) > MaxNameBytes {
			t.Errorf("%s: %d bytes", c.AssetID, len(base))
		}
	}

	q, err := Parse("n.yaml", []byte(head+okPhoto+okVideo+"naming: \"{slug}\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	same := []Item{
		{AssetID: "01J9", Kind: KindPhoto, Texts: title("Hồ Lắk"), Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "01JA", Kind: KindPhoto, Texts: title("HỒ LẮK"), Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "01JB", Kind: KindPhoto, Texts: title("hồ lắk"), Files: []File{{Name: "original", Format: "png"}}},
		{AssetID: "01JC", Kind: KindPhoto, Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "01JD", Kind: KindPhoto, Texts: title(long), Files: []File{{Name: "original", Format: "jpeg"}}},
		{AssetID: "01JE", Kind: KindPhoto, Texts: title(long), Files: []File{{Name: "original", Format: "jpeg"}}},
	}
	var got []string
	for _, c := range q.Check(same) {
		got = append(got, c.Name)
	}
	long120 := strings.TrimSuffix(strings.Repeat("dak-lak-", 16)[:120], "-")
	want = []string{"ho-lak.jpg", "ho-lak-2.jpg", "ho-lak.png", "01JC.jpg", long120 + ".jpg", strings.TrimSuffix(long120[:118], "-") + "-2.jpg"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("names\n got %v\nwant %v", got, want)
	}
}

func TestDatePlaceholder(t *testing.T) {
	shot := time.Date(2026, 3, 9, 18, 30, 0, 0, time.UTC) // 10 March in Vietnam
	tests := []struct {
		created string
		shot    *time.Time
		want    string
	}{{"2026", nil, "2026"}, {"2026-03", nil, "202603"}, {"2026-03-10", &shot, "20260310"}, {"", &shot, "20260310"}, {"2026-03-09T23:30:00Z", nil, "20260310"}, {"", nil, ""}, {"sometime", nil, ""}}
	for _, tc := range tests {
		if got := dateDigits(Item{DateCreated: tc.created, CapturedAt: tc.shot}); got != tc.want {
			t.Errorf("dateDigits(%q) = %q, want %q", tc.created, got, tc.want)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatInt(3000, vi), "3.000"},
		{formatInt(1234567, en), "1,234,567"},
		{formatInt(999, vi), "999"},
		{formatFloat(119.88, 3, vi), "119,88"},
		{formatFloat(2.5, 1, en), "2.5"},
		{formatBytes(2_100_000, vi), "2,1 MB"},
		{formatBytes(1_500_000_000, en), "1.5 GB"},
		{formatBytes(512, en), "512 B"},
		{formatDuration(5*time.Minute, vi), "5 phút"},
		{formatDuration(372*time.Second, en), "6 min 12 s"},
		{formatDuration(time.Hour+1500*time.Millisecond, vi), "1 giờ 1,5 giây"},
		{formatDuration(0, en), "0 s"},
		{seconds(300*time.Second + 400*time.Millisecond), "300.4 s"},
		{dims(2048, 1365, neutral), "2048×1365 px"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestExt(t *testing.T) {
	var p Profile
	for in, want := range map[string]string{"jpeg": ".jpg", "JPG": ".jpg", "png": ".png", "tiff": ".tif", "mp4": ".mp4", "mov": ".mov", "": "", "x/y": ".x-y"} {
		if got := p.Ext(File{Format: in}); got != want {
			t.Errorf("Ext(%q) = %q, want %q", in, got, want)
		}
	}
}
