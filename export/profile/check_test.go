package profile

import (
	"os"
	"strings"
	"testing"
	"time"
)

func loadShipped(t *testing.T, name string) *Profile {
	t.Helper()
	file := "../../configs/profiles/" + name + ".yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestShippedProfilesLoad(t *testing.T) {
	ps, err := LoadFS(os.DirFS("../../configs"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID+"@"+p.Version)
	}
	if got := strings.Join(ids, " "); got != "happyvietnam-2025@2025.1 vietnamvn@2026.1" {
		t.Fatalf("ids = %s", got)
	}
	hv, vn := ps[0], ps[1]
	if hv.Photo.MinPixels.Side != "either" || hv.Photo.MinPixels.Value != 3000 || hv.Video.MaxBytes.Bytes != 500_000_000 || hv.Video.MaxDuration.Value != 5*time.Minute {
		t.Errorf("happyvietnam rules: %+v %+v", hv.Photo.MinPixels, hv.Video)
	}
	if hv.MaxPerCreator.Value != 10 || hv.RefuseAI == nil || hv.Metadata.Creator == nil || hv.Metadata.Credit != nil {
		t.Errorf("happyvietnam package rules wrong")
	}
	if vn.Photo.MinPixels.Side != "long" || vn.Photo.MinPixels.Value != 2048 || vn.Video.MaxFrame.Width != 1920 || vn.Video.Subtitles.When != "audio" {
		t.Errorf("vietnamvn rules wrong")
	}
	if vn.RefuseAI.Severity != Warning || vn.Metadata.Credit == nil || strings.Join(vn.Metadata.Required[0].Fields, ",") != "title,caption,copyright" {
		t.Errorf("vietnamvn metadata rules wrong: %+v", vn.Metadata)
	}
	if vn.TitleLang() != "vi" || vn.StripLocation {
		t.Errorf("vietnamvn title lang / strip")
	}
}

func reviewed(vi, en string) map[string]map[string]Text {
	return map[string]map[string]Text{
		"title":     {"vi": {vi, "reviewed"}, "en": {en, "reviewed"}},
		"caption":   {"vi": {"Chú thích " + vi, "reviewed"}, "en": {"Caption " + en, "reviewed"}},
		"copyright": {"vi": {"© Sở VHTTDL", "reviewed"}},
	}
}

func photo(id string, files ...File) Item {
	return Item{AssetID: id, Kind: KindPhoto, FileName: "IMG_0001.JPG", Texts: reviewed("Gành Đá Đĩa", "Ganh Da Dia"),
		Creator: "Trần Thị B", Credit: "Sở VHTTDL", SourceType: "digitalCapture", Files: files}
}

func clip(id string, files ...File) Item {
	it := photo(id, files...)
	it.Kind = KindClip
	return it
}

var (
	web2048   = File{Name: "web", Format: "jpeg", Width: 2048, Height: 1365, Bytes: 900_000}
	orig6000  = File{Name: "original", Format: "jpeg", Width: 6000, Height: 4000, Bytes: 12_000_000}
	heic4032  = File{Name: "original", Format: "heic", Width: 4032, Height: 3024, Bytes: 3_000_000}
	delivery  = File{Name: "delivery", Format: "mp4", Width: 1920, Height: 1080, Bytes: 200_000_000, Duration: 3 * time.Minute, VideoCodec: "h264", AudioCodec: "aac", FrameRate: 25}
	origVideo = File{Name: "original", Format: "mov", Width: 3840, Height: 2160, Bytes: 2_000_000_000, Duration: 3 * time.Minute, VideoCodec: "hevc", AudioCodec: "aac", FrameRate: 50}
)

func with(f File, edit func(*File)) File { edit(&f); return f }

// want is one expected finding: rule → severity, and value/limit when set.
type want struct {
	rule, severity, value, limit, file string
}

func findRule(c Choice, rule string) (Finding, bool) {
	for _, f := range c.Findings {
		if f.Rule == rule {
			return f, true
		}
	}
	return Finding{}, false
}

func checkWants(t *testing.T, c Choice, ws []want) {
	t.Helper()
	for _, w := range ws {
		f, ok := findRule(c, w.rule)
		if !ok {
			t.Errorf("%s: no finding %s in %v", c.AssetID, w.rule, rules(c))
			continue
		}
		if f.Severity != w.severity || (w.value != "" && f.Value != w.value) || (w.limit != "" && f.Limit != w.limit) || (w.file != "" && f.File != w.file) {
			t.Errorf("%s: %s = %s value %q limit %q file %q; want %s %q %q %q (%s)", c.AssetID, w.rule, f.Severity, f.Value, f.Limit, f.File, w.severity, w.value, w.limit, w.file, f.Message.EN)
		}
		if f.AssetID != c.AssetID {
			t.Errorf("%s: finding asset id %q", c.AssetID, f.AssetID)
		}
	}
}

func rules(c Choice) []string {
	var out []string
	for _, f := range c.Findings {
		out = append(out, f.Rule+"="+f.Severity)
	}
	return out
}

func TestHappyVietnam(t *testing.T) {
	p := loadShipped(t, "happyvietnam-2025")
	draftEN := photo("draft-en", orig6000)
	draftEN.Texts["title"]["en"] = Text{"Ganh Da Dia", "draft"}
	noEN := photo("no-en", orig6000)
	delete(noEN.Texts["title"], "en")
	ai := photo("ai", orig6000)
	ai.SourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
	noCreator := photo("no-creator", orig6000)
	noCreator.Creator = "  "
	tests := []struct {
		item    Item
		file    string // chosen file
		name    string
		blocked bool
		wants   []want
	}{
		{photo("big", web2048, orig6000), "original", "tran-thi-b-001-ganh-da-dia.jpg", false, []want{
			{"kinds", Pass, "photo", "", ""},
			{"photo.source", Pass, "original", "original, web", "original"},
			{"photo.formats", Pass, "jpeg", "jpeg", "original"},
			{"photo.min_pixels", Pass, "6000×4000 px", "≥ 3000 px (either)", "original"},
			{"metadata.required.en.title", Pass, "reviewed", "reviewed", ""},
			{"metadata.creator", Pass, "Trần Thị B", "", ""},
			{"max_per_creator", Pass, "10", "≤ 10", ""},
			{"allow_ai", Pass, "digitalCapture", "", ""},
		}},
		{photo("small", web2048), "web", "tran-thi-b-002-ganh-da-dia.jpg", true, []want{
			{"photo.min_pixels", Error, "2048×1365 px", "≥ 3000 px (either)", "web"},
		}},
		{photo("heic", heic4032, web2048), "original", "tran-thi-b-003-ganh-da-dia.heic", true, []want{
			{"photo.formats", Error, "heic", "jpeg", "original"},
			{"photo.min_pixels", Pass, "4032×3024 px", "", "original"},
		}},
		{photo("none", File{Name: "preview", Format: "jpeg", Width: 8000, Height: 6000}), "", "tran-thi-b-004-ganh-da-dia", true, []want{
			{"photo.source", Error, "preview", "original, web", ""},
		}},
		{clip("long", with(delivery, func(f *File) { f.Duration = 6*time.Minute + 12*time.Second })), "delivery", "tran-thi-b-005-ganh-da-dia.mp4", true, []want{
			{"video.max_duration", Error, "372 s", "≤ 300 s", "delivery"},
			{"video.max_bytes", Pass, "200 MB", "≤ 500 MB", "delivery"},
			{"video.containers", Pass, "mp4", "mp4", "delivery"},
		}},
		{clip("heavy", with(delivery, func(f *File) { f.Bytes = 612_000_000 }), origVideo), "delivery", "tran-thi-b-006-ganh-da-dia.mp4", true, []want{
			{"video.max_bytes", Error, "612 MB", "≤ 500 MB", "delivery"},
		}},
		{clip("fallback", with(delivery, func(f *File) { f.Bytes = 612_000_000 }), with(origVideo, func(f *File) { f.Format = "mp4"; f.Bytes = 400_000_000 })), "original", "tran-thi-b-007-ganh-da-dia.mp4", false, []want{
			{"video.max_bytes", Pass, "400 MB", "", "original"},
		}},
		{noEN, "original", "", true, []want{{"metadata.required.en.title", Error, "empty", "reviewed", ""}, {"metadata.required.vi.title", Pass, "reviewed", "", ""}}},
		{draftEN, "original", "", true, []want{{"metadata.required.en.title", Error, "draft", "reviewed", ""}}},
		{ai, "original", "", true, []want{{"allow_ai", Error, "trainedAlgorithmicMedia", "", ""}}},
		{noCreator, "original", "011-ganh-da-dia.jpg", true, []want{{"metadata.creator", Error, "empty", "required", ""}}},
		{Item{AssetID: "sheet", Kind: "document", Files: []File{{Name: "original", Format: "pdf"}}}, "original", "012.pdf", true, []want{{"kinds", Error, "document", "photo, clip, trailer", ""}}},
	}
	var items []Item
	for _, tc := range tests {
		items = append(items, tc.item)
	}
	choices := p.Check(items)
	if len(choices) != len(items) {
		t.Fatalf("%d choices for %d items", len(choices), len(items))
	}
	for i, tc := range tests {
		c := choices[i]
		if c.AssetID != tc.item.AssetID || c.File.Name != tc.file {
			t.Errorf("%s: chose %q (%s), want %q", tc.item.AssetID, c.File.Name, c.AssetID, tc.file)
		}
		if tc.name != "" && c.Name != tc.name {
			t.Errorf("%s: name %q, want %q", tc.item.AssetID, c.Name, tc.name)
		}
		if c.Blocked() != tc.blocked {
			t.Errorf("%s: blocked = %v, want %v: %v", tc.item.AssetID, c.Blocked(), tc.blocked, rules(c))
		}
		checkWants(t, c, tc.wants)
	}
}

func TestHappyVietnamNames(t *testing.T) {
	p := loadShipped(t, "happyvietnam-2025")
	a := photo("a", orig6000)
	b := photo("b", orig6000)
	b.Creator = ""
	got := []string{}
	for _, c := range p.Check([]Item{a, b}) {
		got = append(got, c.Name)
	}
	if strings.Join(got, " ") != "tran-thi-b-001-ganh-da-dia.jpg 002-ganh-da-dia.jpg" {
		t.Errorf("names = %v", got)
	}
}

func TestMessages(t *testing.T) {
	hv := loadShipped(t, "happyvietnam-2025")
	vn := loadShipped(t, "vietnamvn")
	draftEN := photo("d", orig6000)
	draftEN.Texts["title"]["en"] = Text{"Ganh Da Dia", "draft"}
	noVI := photo("n", orig6000)
	noVI.Texts["caption"]["vi"] = Text{}
	tests := []struct {
		p      *Profile
		item   Item
		rule   string
		vi, en string
	}{
		{hv, photo("s", web2048), "photo.min_pixels",
			"Ảnh cần tối thiểu 3.000 px ở chiều rộng hoặc chiều cao; ảnh này 2.048 × 1.365 px.",
			"The photo needs at least 3,000 px in width or height; this one is 2,048 × 1,365 px."},
		{hv, clip("l", with(delivery, func(f *File) { f.Duration = 6*time.Minute + 12*time.Second })), "video.max_duration",
			"Video chỉ được dài tối đa 5 phút; video này dài 6 phút 12 giây.",
			"The video may be at most 5 min long; this one is 6 min 12 s."},
		{hv, clip("b", with(delivery, func(f *File) { f.Bytes = 612_500_000 })), "video.max_bytes",
			"Tệp video chỉ được tối đa 500 MB; tệp này 612,5 MB.",
			"The video file may be at most 500 MB; this file is 612.5 MB."},
		{hv, clip("b1", with(delivery, func(f *File) { f.Bytes = 500_001_000 })), "video.max_bytes",
			"Tệp video chỉ được tối đa 500 MB; tệp này 500,001 MB.",
			"The video file may be at most 500 MB; this file is 500.001 MB."},
		{hv, photo("h", heic4032), "photo.formats",
			"Ảnh cần ở định dạng JPEG; tệp này là HEIC.",
			"The photo must be in JPEG format; this file is HEIC."},
		{hv, draftEN, "metadata.required.en.title",
			"Tiêu đề tiếng Anh cần được duyệt; hiện mới ở trạng thái bản nháp.",
			"The English title must be reviewed; it is only a draft."},
		{hv, noVI, "metadata.required.vi.caption",
			"Cần chú thích tiếng Việt; hiện còn trống.",
			"The Vietnamese caption is required; it is empty."},
		{vn, clip("4k", with(delivery, func(f *File) { f.Width, f.Height = 3840, 2160 })), "video.max_frame",
			"Khung hình video tối đa 1.920 × 1.080 px (ngang hoặc dọc); video này 3.840 × 2.160 px.",
			"The video frame may be at most 1,920 × 1,080 px (landscape or portrait); this one is 3,840 × 2,160 px."},
	}
	for _, tc := range tests {
		f, ok := findRule(tc.p.Check([]Item{tc.item})[0], tc.rule)
		if !ok {
			t.Errorf("%s: no finding %s", tc.item.AssetID, tc.rule)
			continue
		}
		if f.Message.VI != tc.vi || f.Message.EN != tc.en {
			t.Errorf("%s %s:\n vi %q\nwant %q\n en %q\nwant %q", tc.item.AssetID, tc.rule, f.Message.VI, tc.vi, f.Message.EN, tc.en)
		}
	}
}

func TestMaxPerCreator(t *testing.T) {
	p := loadShipped(t, "happyvietnam-2025")
	var items []Item
	for i := 0; i < 11; i++ {
		it := photo(string(rune('a'+i)), orig6000)
		it.Creator = "Nguyễn Văn A"
		if i%2 == 1 {
			it.Creator = " nguyen van a"
		}
		items = append(items, it)
	}
	other := photo("other", orig6000)
	other.Creator = "Nguyễn Văn Á" // a different accent folds to the same person too
	ten := photo("ten", orig6000)
	ten.Creator = "Lê C"
	items = append(items, ten)
	choices := p.Check(items)
	errs := 0
	for _, c := range choices[:11] {
		f, _ := findRule(c, "max_per_creator")
		if f.Severity == Error && f.Value == "11" && f.Limit == "≤ 10" {
			errs++
		}
	}
	if errs != 11 {
		t.Errorf("%d max_per_creator errors, want 11", errs)
	}
	f, _ := findRule(choices[0], "max_per_creator")
	if f.Message.VI != "Mỗi tác giả được gửi tối đa 10 tác phẩm; “Nguyễn Văn A” có 11 tác phẩm trong gói này." {
		t.Errorf("vi = %q", f.Message.VI)
	}
	if f, _ := findRule(choices[11], "max_per_creator"); f.Severity != Pass || f.Value != "1" {
		t.Errorf("Lê C: %+v", f)
	}
	if creatorKey(other.Creator) != creatorKey("nguyen van a") {
		t.Errorf("creator key does not fold marks")
	}
}

func TestVietnamVN(t *testing.T) {
	p := loadShipped(t, "vietnamvn")
	silent := clip("silent", with(delivery, func(f *File) { f.AudioCodec = "" }))
	silent.HasAudio = false
	talk := clip("talk", delivery)
	talk.HasAudio = true
	talk.SubtitleLangs = []string{"vi"}
	noCopy := photo("nocopy", web2048)
	noCopy.Texts["copyright"]["vi"] = Text{"© Sở", "draft"}
	genAI := photo("genai", web2048)
	genAI.SourceType = "compositeWithTrainedAlgorithmicMedia"
	tests := []struct {
		item    Item
		file    string
		blocked bool
		warns   int
		wants   []want
	}{
		{photo("web", web2048, orig6000), "web", false, 0, []want{{"photo.min_pixels", Pass, "2048×1365 px", "≥ 2048 px (long)", "web"}}},
		{photo("small-orig", with(orig6000, func(f *File) { f.Width, f.Height = 1600, 1200 })), "original", true, 0, []want{{"photo.min_pixels", Error, "1600×1200 px", "", "original"}}},
		{clip("hevc", origVideo), "original", true, 0, []want{
			{"video.containers", Error, "mov", "mp4", "original"},
			{"video.video_codecs", Error, "hevc", "h264", "original"},
			{"video.max_frame", Error, "3840×2160 px", "≤ 1920×1080 px", "original"},
		}},
		{clip("portrait", with(delivery, func(f *File) { f.Width, f.Height = 1080, 1920 })), "delivery", false, 0, []want{{"video.max_frame", Pass, "1080×1920 px", "", "delivery"}}},
		{silent, "delivery", false, 0, []want{{"video.audio_codecs", Pass, "none", "", ""}}},
		{talk, "delivery", true, 0, []want{{"video.subtitles.vi", Pass, "present", "vi", ""}, {"video.subtitles.en", Error, "missing", "en", ""}}},
		{noCopy, "web", true, 0, []want{{"metadata.required.vi.copyright", Error, "draft", "reviewed", ""}}},
		{genAI, "web", false, 1, []want{{"allow_ai", Warning, "compositeWithTrainedAlgorithmicMedia", "", ""}, {"metadata.credit", Pass, "", "", ""}}},
	}
	for _, tc := range tests {
		c := p.Check([]Item{tc.item})[0]
		if c.File.Name != tc.file || c.Blocked() != tc.blocked || len(c.Warnings()) != tc.warns {
			t.Errorf("%s: file %q blocked %v warnings %d; want %q %v %d: %v", tc.item.AssetID, c.File.Name, c.Blocked(), len(c.Warnings()), tc.file, tc.blocked, tc.warns, rules(c))
		}
		checkWants(t, c, tc.wants)
		if _, ok := findRule(c, "video.subtitles.vi"); ok && tc.item.AssetID == "silent" {
			t.Errorf("silent video got a subtitle finding")
		}
	}
}

const customYAML = `
id: test-rules
version: "1"
name: {vi: "Thử", en: "Test"}
destination: test
kinds: [photo]
photo:
  source: [original]
  formats: {value: [jpeg, png], severity: warning}
  min_pixels: {side: both, value: 1000, severity: warning}
  max_pixels: {side: long, value: 8000}
  min_bytes: 3 MB
metadata:
  required:
    en: {fields: [title], state: draft}
  caption_max_words: 30
  caption_max_chars: {value: 10, severity: warning}
  date_created: {from: 2024-01-01, to: 2025-09-30}
max_per_creator: {value: 1, severity: warning}
allow_ai: false
naming: "{date}_{kind}-{slug}"
`

func TestCustomRules(t *testing.T) {
	p, err := Parse("custom.yaml", []byte(customYAML))
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Repeat("một ", 31)
	cap := func(id, caption, date string, captured *time.Time, f File) Item {
		it := photo(id, f)
		it.Texts = map[string]map[string]Text{
			"title":   {"en": {"Lak Lake", "draft"}},
			"caption": {"vi": {caption, "reviewed"}},
		}
		it.Creator = id
		it.DateCreated = date
		it.CapturedAt = captured
		return it
	}
	shot := time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC) // 1 October in Vietnam
	png := File{Name: "original", Format: "png", Width: 900, Height: 4000, Bytes: 4_000_000}
	tests := []struct {
		item  Item
		name  string
		wants []want
	}{
		{cap("words", words, "2025", nil, orig6000), "2025_photo-lak-lake.jpg", []want{
			{"metadata.caption_max_words.vi", Error, "31 words", "≤ 30 words", ""},
			{"metadata.caption_max_chars.vi", Warning, "", "", ""},
			{"metadata.required.en.title", Pass, "draft", "draft", ""},
			{"metadata.date_created", Pass, "2025", "2024-01-01..2025-09-30", ""},
			{"photo.formats", Pass, "jpeg", "", ""},
			{"photo.min_bytes", Pass, "12 MB", "≥ 3 MB", ""},
		}},
		{cap("short", "Hồ Lắk", "2023-12", nil, png), "202312_photo-lak-lake.png", []want{
			{"metadata.caption_max_words.vi", Pass, "2 words", "", ""},
			{"metadata.caption_max_chars.vi", Pass, "6 characters", "≤ 10 characters", ""},
			{"metadata.date_created", Error, "2023-12", "", ""},
			{"photo.min_pixels", Warning, "900×4000 px", "≥ 1000 px (both)", ""},
			{"photo.formats", Pass, "png", "", ""},
		}},
		{cap("captured", "Hồ", "", &shot, with(orig6000, func(f *File) { f.Format = "webp"; f.Bytes = 2_100_000 })), "20251001_photo-lak-lake.webp", []want{
			{"metadata.date_created", Error, "2025-10-01", "", ""},
			{"photo.formats", Warning, "webp", "jpeg, png", ""},
			{"photo.min_bytes", Error, "2.1 MB", "≥ 3 MB", ""},
		}},
		{cap("unknown", "Hồ", "", nil, with(orig6000, func(f *File) { f.Width = 9000 })), "photo-lak-lake.jpg", []want{
			{"metadata.date_created", Error, "unknown", "", ""},
			{"photo.max_pixels", Error, "9000×4000 px", "≤ 8000 px (long)", ""},
		}},
		{cap("rfc", "Hồ", "2024-01-01T06:00:00+07:00", nil, orig6000), "20240101_photo-lak-lake.jpg", []want{
			{"metadata.date_created", Pass, "2024-01-01", "", ""},
		}},
	}
	var items []Item
	for _, tc := range tests {
		items = append(items, tc.item)
	}
	items = append(items, cap("words", "x", "2025", nil, orig6000)) // same creator twice
	choices := p.Check(items)
	for i, tc := range tests {
		if choices[i].Name != tc.name {
			t.Errorf("%s: name %q, want %q", tc.item.AssetID, choices[i].Name, tc.name)
		}
		checkWants(t, choices[i], tc.wants)
	}
	checkWants(t, choices[0], []want{{"max_per_creator", Warning, "2", "≤ 1", ""}})
	checkWants(t, choices[1], []want{{"max_per_creator", Pass, "1", "", ""}})
	if choices[5].Name != "2025_photo-lak-lake-2.jpg" {
		t.Errorf("clash name %q", choices[5].Name)
	}
	f, _ := findRule(choices[3], "metadata.date_created")
	if f.Message.VI != "Không rõ ngày sáng tác nên không thể xác nhận tác phẩm được tạo từ 01/01/2024 đến 30/09/2025." {
		t.Errorf("date unknown vi = %q", f.Message.VI)
	}
}

func TestCheckFile(t *testing.T) {
	p := loadShipped(t, "happyvietnam-2025")
	tests := []struct {
		kind string
		f    File
		want string // rule=severity list
	}{
		{KindPhoto, orig6000, "kinds=pass photo.formats=pass photo.min_pixels=pass"},
		{KindPhoto, with(orig6000, func(f *File) { f.Width, f.Height = 3200, 1800 }), "kinds=pass photo.formats=pass photo.min_pixels=pass"},
		{KindPhoto, with(orig6000, func(f *File) { f.Width, f.Height = 1800, 3000 }), "kinds=pass photo.formats=pass photo.min_pixels=pass"},
		{KindPhoto, with(orig6000, func(f *File) { f.Width, f.Height = 2999, 2999 }), "kinds=pass photo.formats=pass photo.min_pixels=error"},
		{KindPhoto, with(heic4032, func(f *File) { f.Format = "HEIC" }), "kinds=pass photo.formats=error photo.min_pixels=pass"},
		{KindTrailer, with(delivery, func(f *File) { f.Duration = 301 * time.Second }), "kinds=pass video.containers=pass video.max_bytes=pass video.max_duration=error"},
		{"document", orig6000, "kinds=error"},
	}
	for _, tc := range tests {
		var got []string
		for _, f := range p.CheckFile(tc.kind, tc.f) {
			got = append(got, f.Rule+"="+f.Severity)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.kind, tc.f.Format, strings.Join(got, " "), tc.want)
		}
	}
}
