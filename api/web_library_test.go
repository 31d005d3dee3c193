package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/transcode"
)

// The library's and the asset page's samples for TestEveryPageRenders.
func init() {
	pageSamples["library"] = func() any { return librarySample() }
	pageSamples["asset"] = func() any { return assetSample(true) }
}

func librarySample() libraryData {
	at := time.Date(2026, 3, 9, 17, 30, 0, 0, time.UTC)
	return libraryData{
		Form:  libraryForm{Q: "buon ma thuot", Kind: "photo", Themes: []string{"tourism"}, Incomplete: "en"},
		Tiles: []libraryTile{{ID: "01a", Kind: "photo", Status: "ready", Title: "Buôn Ma Thuột", Date: at, Thumb: true}, {ID: "01b", Kind: "clip", Status: "processing", Title: "Lak Lake", TitleLang: "en", Date: at, Restricted: true}},
		Total: 1234, Next: "/library?cursor=abc", First: "/library",
		Themes:   []libFacet{{Value: "tourism", Label: "Du lịch", Count: 12, HasCount: true, Selected: true}, {Value: "tourism/eco", Label: "Sinh thái", Count: 3, Depth: 1}},
		Kinds:    []libFacet{{Value: "photo", Label: "Ảnh", Count: 1200, HasCount: true, Selected: true}},
		Statuses: []libFacet{{Value: "ready", Count: 4}, {Value: "approved"}},
		Orgs:     []libFacet{{Value: "Báo Đắk Lắk", Label: "Báo Đắk Lắk", Count: 3}},
		Subs:     []libFacet{{Value: "vi", Label: "Tiếng Việt"}},
		Sorts:    []libFacet{{Value: ""}, {Value: "relevance", Selected: true}, {Value: "uploaded"}, {Value: "captured"}},
		Langs:    []string{"vi", "en"}, Error: "org: không có đơn vị", AllOrgs: true, CanPack: true,
	}
}

func assetSample(video bool) assetData {
	at := time.Date(2026, 3, 9, 17, 30, 0, 0, time.UTC)
	kind := "photo"
	if video {
		kind = "clip"
	}
	a := Asset{ID: "01a", Kind: kind, Status: "ready", Organisation: "Báo Đắk Lắk", Bytes: 4404019,
		Links: Links{Original: "/api/v1/assets/01a/original"}, Review: &Review{State: "changes_requested", Note: "Sửa chú thích", By: "Biên tập", At: &at}}
	d := assetData{Asset: a, Title: "Hồ Lắk", Alt: "Hồ Lắk lúc bình minh", IsVideo: video, Preview: "preview", HasPoster: true,
		Langs:     []assetLang{{"vi", "Tiếng Việt"}, {"en", "Tiếng Anh"}},
		Plain:     []assetPlain{{Name: "creator", ID: "f-creator", Value: "Nguyễn Văn A"}, {Name: "date_created", ID: "f-date_created", Value: "10/03/2026"}, {Name: "source_type", ID: "f-source_type"}},
		Themes:    []assetThemeChoice{{ID: "tourism", Label: "Du lịch", Checked: true}, {ID: "tourism/eco", Label: "Sinh thái", Depth: 1, Suggested: true}},
		Suggested: []AssetThemeView{{ID: "tourism/eco", VI: "Sinh thái", EN: "Eco"}}, Confirmed: []AssetThemeView{{ID: "tourism", VI: "Du lịch", EN: "Tourism", Confirmed: true}},
		Renditions: []Rendition{{Name: "preview", Width: 1280, Height: 960, Bytes: 123456, URL: "/api/v1/assets/01a/renditions/preview"}},
		Tech:       []assetTech{{"Dung lượng", "4,2 MB"}},
		History:    []assetEvent{{At: at, Actor: "Lan", Action: "asset.metadata", Detail: "title.vi"}, {At: at, Action: "asset.ingest"}, {At: at, Action: "asset.other"}},
		Decisions:  []string{"approve", "request_changes", "reject", "archive", "send_back", "resubmit", "restrict", "unrestrict"},
		Review:     a.Review, Failure: "Lỗi ffmpeg",
		CanEdit: true, CanThemes: true, CanSubtitles: video, CanReview: true, Curator: true,
		Tracks: []assetTrack{{Lang: "vi", LangName: "Tiếng Việt", Cues: 12, Errors: 1, Warnings: 2, VTT: "/v.vtt", SRT: "/v.srt",
			Findings: []assetFinding{{Cue: 3, At: "0:01.000", Rule: "cps", Severity: "error", Message: "Quá nhanh"}, {At: "0:02.000", Severity: "warning", Message: "Gần"}}}},
	}
	for _, f := range catalog.TextFields {
		row := assetFieldRow{Field: f, Long: f == "caption", Keywords: f == "keywords"}
		for _, l := range []string{"vi", "en"} {
			row.Cells = append(row.Cells, assetFieldCell{Lang: l, Name: f + "." + l, ID: "f-" + f + "-" + l, Value: "x", State: "draft", Origin: "glossary", By: "Lan", At: &at, Suggested: l == "en"})
		}
		d.Fields = append(d.Fields, row)
	}
	return d
}

func TestAssetSampleVariants(t *testing.T) {
	ui, err := loadWeb(webFiles, WebConfig{})
	if err != nil {
		t.Fatal(err)
	}
	contrib := &catalog.Principal{UserID: 2, UserName: "Lan", OrgID: 2, OrgName: "Báo", Role: catalog.RoleContributor}
	for _, d := range []assetData{assetSample(false), func() assetData {
		d := assetSample(true)
		d.CanReview, d.Curator, d.CanResubmit, d.CanEdit, d.Review, d.Asset.Status = false, false, true, false, nil, "processing"
		return d
	}()} {
		for _, lang := range []string{"vi", "en"} {
			v := &View{Lang: lang, User: contrib, CSRF: "tok", Path: "/assets/01a", Data: d, ui: ui}
			var b strings.Builder
			if err := ui.pages["asset"].ExecuteTemplate(&b, "layout.html", v); err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
		}
	}
}

// ---- a server with browsers, inside the package ----

type libFixture struct {
	srv *httptest.Server
	db  *catalog.DB
}

func newLibFixture(t *testing.T) *libFixture {
	t.Helper()
	store := testenv.LocalStore(t)
	te := testenv.New(t, store, nil)
	raw, err := os.ReadFile("../configs/themes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	themes, err := theme.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	subs := transcode.NewSubtitles(transcode.SubtitleConfig{}, te.DB, store)
	s := New(Config{Themes: themes}, te.DB, te.Ingest, nil, subs, store, log)
	f := &libFixture{srv: httptest.NewServer(s.Handler()), db: te.DB}
	t.Cleanup(f.srv.Close)
	return f
}

type libBrowser struct {
	t    *testing.T
	f    *libFixture
	c    *http.Client
	csrf string
}

var libCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (f *libFixture) user(t *testing.T, org, login, role string) *libBrowser {
	t.Helper()
	const pw = "Buôn Ma Thuột 2026"
	if _, err := f.db.CreateUser(context.Background(), catalog.NewUser{Org: org, Login: login, Name: login, Role: role, Password: pw}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &libBrowser{t: t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get("/")
	if resp, body := b.post("/login", url.Values{"login": {login}, "password": {pw}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", login, resp.StatusCode, body)
	}
	b.get("/account")
	return b
}

func (b *libBrowser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := libCSRF.FindSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(string(m[1]))
	}
	return resp, string(body)
}

func (b *libBrowser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.f.srv.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	return b.do(req)
}

func (b *libBrowser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *libBrowser) api(method, path, body string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

// libSeed writes assets without files: titles, themes, subtitles.
func (f *libFixture) seed(t *testing.T, org string, assets ...catalog.SeedAsset) {
	t.Helper()
	o, err := f.db.EnsureOrg(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	for i := range assets {
		assets[i].Asset.OrgID = o.ID
	}
	if err := f.db.Seed(context.Background(), assets); err != nil {
		t.Fatal(err)
	}
}

var libSeq int

func libAsset(id, kind, vi, en string, created time.Time, themes ...string) catalog.SeedAsset {
	libSeq++
	texts := map[string]map[string]string{"title": {}}
	if vi != "" {
		texts["title"]["vi"] = vi
	}
	if en != "" {
		texts["title"]["en"] = en
	}
	return catalog.SeedAsset{Asset: catalog.Asset{ID: id, Kind: kind, Status: catalog.StatusReady, FileName: id + ".jpg", RawFileName: id + ".jpg",
		Format: "jpeg", MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", libSeq+1000), Width: 4000, Height: 3000, ByteSize: 4404019, CreatedAt: created},
		Texts: texts, Themes: themes}
}

func TestLibraryPage(t *testing.T) {
	f := newLibFixture(t)
	day := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
	f.seed(t, "Báo Đắk Lắk",
		libAsset("a1", "photo", "Buôn Ma Thuột mùa cà phê", "", day, "ocop/coffee"),
		libAsset("a2", "clip", "Hồ Lắk", "Lak Lake", day.Add(time.Hour), "tourism"),
		libAsset("a3", "photo", "", "", day.Add(2*time.Hour)))
	f.seed(t, "Đài PT-TH Phú Yên", libAsset("b1", "photo", "Gành Đá Đĩa", "Ganh Da Dia", day.Add(3*time.Hour), "tourism/destinations"))
	contrib := f.user(t, "Báo Đắk Lắk", "lan.anh", catalog.RoleContributor)
	curator := f.user(t, "Sở VHTTDL", "bien.tap", catalog.RoleCurator)

	resp, body := contrib.get("/library")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("library: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{`data-id="a1"`, `data-id="a2"`, `data-id="a3"`, `href="/assets/a1"`, `src="/api/v1/assets/a1/renditions/thumb"`,
		`alt="Buôn Ma Thuột mùa cà phê"`, `loading="lazy"`, `>a3.jpg<`, "10/03/2026", `id="q"`, `id="selection-bar"`, `class="pick"`} {
		if !strings.Contains(body, want) {
			t.Errorf("contributor's library lacks %s", want)
		}
	}
	if strings.Contains(body, `data-id="b1"`) || strings.Contains(body, `id="f-org"`) || strings.Contains(body, `id="pack-open"`) {
		t.Error("contributor sees another organisation's asset, the organisation filter or packages")
	}
	if !regexp.MustCompile(`<strong>3</strong> tư liệu`).MatchString(body) {
		t.Error("no total of 3")
	}

	_, body = curator.get("/library")
	for _, want := range []string{`data-id="b1"`, `data-id="a1"`, `id="f-org"`, `Báo Đắk Lắk (3)`, `Đài PT-TH Phú Yên (1)`, `<strong>4</strong>`} {
		if !strings.Contains(body, want) {
			t.Errorf("curator's library lacks %s", want)
		}
	}
	// Facet counts next to the options: kinds, and a theme with its sub-themes.
	if !regexp.MustCompile(`<option value="photo" data-count="3">Ảnh \(3\)</option>`).MatchString(body) {
		t.Error("no kind facet count 3 for photos")
	}
	if !regexp.MustCompile(`<option value="tourism" data-count="2">Du lịch \(2\)</option>`).MatchString(body) {
		t.Errorf("no theme facet count for tourism:\n%s", grepLines(body, "tourism"))
	}

	// Folded search, bookmarkable.
	_, body = curator.get("/library?q=" + url.QueryEscape("buon ma thuot"))
	if !strings.Contains(body, `data-id="a1"`) || strings.Contains(body, `data-id="a2"`) || !strings.Contains(body, `value="buon ma thuot"`) {
		t.Errorf("search buon ma thuot:\n%s", grepLines(body, "data-id"))
	}
	_, body = curator.get("/library?theme=tourism&kind=clip")
	if !strings.Contains(body, `data-id="a2"`) || strings.Contains(body, `data-id="b1"`) || !strings.Contains(body, `<option value="clip" data-count="1" selected>`) {
		t.Errorf("theme+kind filter:\n%s", grepLines(body, "data-id"))
	}
	_, body = curator.get("/library?incomplete=en")
	if strings.Contains(body, `data-id="a2"`) && strings.Contains(body, `data-id="a1"`) && !strings.Contains(body, `id="f-incomplete" name="incomplete" type="checkbox" value="en" checked`) {
		t.Error("incomplete=en not kept in the form")
	}
	_, body = curator.get("/library?org=" + url.QueryEscape("Không có"))
	if !strings.Contains(body, "Không có đơn vị") {
		t.Error("unknown org: no message")
	}

	// Pages: a plain link to the next cursor, keeping the filters.
	_, body = curator.get("/library?limit=2&kind=photo")
	m := regexp.MustCompile(`<a href="([^"]+)" id="more"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no next page link:\n%s", body)
	}
	next := html.UnescapeString(m[1])
	if !strings.Contains(next, "cursor=") || !strings.Contains(next, "kind=photo") {
		t.Errorf("next link %q", next)
	}
	resp, body2 := curator.get(next)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body2, `data-id="a1"`) || strings.Contains(body2, `data-id="b1"`) || !strings.Contains(body2, `id="first-page"`) {
		t.Errorf("second page: %d\n%s", resp.StatusCode, grepLines(body2, "data-id"))
	}

	// English.
	curator.post("/lang", url.Values{"lang": {"en"}, "next": {"/library"}})
	_, body = curator.get("/library")
	for _, want := range []string{`<html lang="en">`, "Library", `<strong>4</strong> assets`, `alt="Lak Lake"`, `>Photo (3)<`, "Missing English"} {
		if !strings.Contains(body, want) {
			t.Errorf("English library lacks %s", want)
		}
	}
	// The Vietnamese-only title stays, marked as Vietnamese.
	if !strings.Contains(body, `lang="vi">Buôn Ma Thuột mùa cà phê<`) {
		t.Error("a Vietnamese title on the English page is not marked lang=vi")
	}
}

func TestLibraryNumbers(t *testing.T) {
	f := newLibFixture(t)
	var many []catalog.SeedAsset
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1001 {
		many = append(many, libAsset(fmt.Sprintf("n%04d", i), "photo", fmt.Sprintf("Ảnh %d", i), "", day.Add(time.Duration(i)*time.Minute)))
	}
	f.seed(t, "Báo Đắk Lắk", many...)
	curator := f.user(t, "Sở VHTTDL", "bien.tap", catalog.RoleCurator)
	_, body := curator.get("/library")
	if !strings.Contains(body, "<strong>1.001</strong> tư liệu") || !strings.Contains(body, "Ảnh (1.001)") || !strings.Contains(body, `id="more"`) {
		t.Errorf("Vietnamese number format:\n%s", grepLines(body, "1"))
	}
	curator.post("/lang", url.Values{"lang": {"en"}, "next": {"/library"}})
	if _, body := curator.get("/library"); !strings.Contains(body, "<strong>1,001</strong> assets") || !strings.Contains(body, "Show more") {
		t.Error("English number format")
	}
}

func TestAssetPage(t *testing.T) {
	f := newLibFixture(t)
	day := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
	photo := libAsset("p1", "photo", `<script>alert(1)</script>`, "Lak Lake", day, "tourism")
	photo.Keywords = map[string][]string{"vi": {`"><img src=x onerror=alert(1)>`, "hồ"}}
	photo.Creator = "Nguyễn Văn A"
	clip := libAsset("c1", "clip", "Lễ hội cà phê", "Coffee festival", day)
	clip.Asset.MIME, clip.Asset.Format, clip.Asset.Duration = "video/mp4", "mp4", 75*time.Second
	clip.Subtitles = []string{"vi"}
	f.seed(t, "Báo Đắk Lắk", photo, clip)
	f.seed(t, "Đài PT-TH Phú Yên", libAsset("o1", "photo", "Gành Đá Đĩa", "", day))
	contrib := f.user(t, "Báo Đắk Lắk", "lan.anh", catalog.RoleContributor)
	curator := f.user(t, "Sở VHTTDL", "bien.tap", catalog.RoleCurator)

	resp, body := contrib.get("/assets/p1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("asset page: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		strings.Contains(body, `"><img src=x`) || !strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the asset page does not escape user text:\n%s", grepLines(body, "alert"))
	}
	for _, want := range []string{`name="title.en"`, `value="Lak Lake"`, `lang="en"`, `id="save-status"`, `aria-live="polite"`, `name="keywords.vi"`,
		`value="Nguyễn Văn A"`, "4,2 MB", "4.000 × 3.000 px", "bản nháp", "trống", `id="meta-form"`, `id="themes-form"`, `id="th-tourism" name="theme" value="tourism" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("asset page lacks %s", want)
		}
	}
	if strings.Contains(body, `data-decision="approve"`) || strings.Contains(body, `name="review"`) {
		t.Error("a contributor sees review buttons or review checkboxes")
	}
	if resp, body := contrib.get("/assets/o1"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Gành Đá Đĩa") {
		t.Errorf("another organisation's asset: %d", resp.StatusCode)
	}
	if resp, _ := contrib.get("/assets/nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d", resp.StatusCode)
	}

	_, body = curator.get("/assets/p1")
	for _, want := range []string{`button type="submit" data-decision="approve"`, `data-decision="reject"`, `data-decision="request_changes"`, `data-decision="restrict"`, `name="review" value="title.en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("curator's asset page lacks %s", want)
		}
	}
	if strings.Contains(body, `data-decision="archive"`) || strings.Contains(body, `data-decision="unrestrict"`) {
		t.Error("decisions not valid for a ready asset are offered")
	}

	_, body = contrib.get("/assets/c1")
	for _, want := range []string{`<video id="player" controls preload="metadata" src="/api/v1/assets/c1/renditions/proxy" poster="/api/v1/assets/c1/renditions/poster">`,
		`<track kind="subtitles" srclang="vi" label="Tiếng Việt" src="/api/v1/assets/c1/subtitles/vi.vtt">`, "1:15", `id="sub-form"`} {
		if !strings.Contains(body, want) {
			t.Errorf("clip page lacks %s", want)
		}
	}

	// A subtitle track sent by the page's form (multipart with the csrf field).
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", contrib.csrf)
	mw.WriteField("lang", "en")
	fw, _ := mw.CreateFormFile("file", "en.srt")
	fw.Write([]byte("1\r\n00:00:01,000 --> 00:00:03,000\r\nCoffee festival\r\n\r\n"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/assets/c1/subtitles", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, body := contrib.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("subtitle form: %d %s", resp.StatusCode, body)
	}
	_, body = contrib.get("/assets/c1")
	if !strings.Contains(body, "Đã tải phụ đề: 1 câu thoại") || !strings.Contains(body, `srclang="en" label="English" src="/api/v1/assets/c1/subtitles/en.vtt"`) {
		t.Errorf("after the subtitle upload:\n%s", grepLines(body, "track"))
	}

	// The no-script forms: metadata, themes, review; and the history.
	resp, _ = contrib.post("/assets/p1/metadata", url.Values{"title.vi": {"Hồ Lắk"}, "date_created": {"10/03/2026"}, "keywords.en": {"lake; dawn"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post metadata: %d", resp.StatusCode)
	}
	_, body = contrib.get("/assets/p1")
	if !strings.Contains(body, "Đã lưu thông tin.") || !strings.Contains(body, `value="10/03/2026"`) || !strings.Contains(body, `value="lake; dawn"`) || !strings.Contains(body, "sửa thông tin") {
		t.Errorf("after saving:\n%s", grepLines(body, "value="))
	}
	contrib.post("/assets/p1/metadata", url.Values{"date_created": {"mai"}})
	if _, body := contrib.get("/assets/p1"); !strings.Contains(body, "date_created: Ngày phải có dạng") {
		t.Error("no field error flash")
	}
	contrib.post("/assets/p1/review", url.Values{"decision": {"approve"}})
	if _, body := contrib.get("/assets/p1"); !strings.Contains(body, "flash-error") {
		t.Error("a contributor approving: no error")
	}
	curator.post("/assets/p1/review", url.Values{"decision": {"request_changes"}, "note": {"Thêm chú thích tiếng Anh"}})
	_, body = contrib.get("/assets/p1")
	if !strings.Contains(body, "Thêm chú thích tiếng Anh") || !strings.Contains(body, `data-decision="resubmit"`) {
		t.Error("contributor does not see the note and resubmit")
	}
	curator.post("/assets/p1/themes", url.Values{"theme": {"heritage", "ocop/coffee"}})
	_, body = curator.get("/assets/p1")
	if !strings.Contains(body, `id="th-heritage" name="theme" value="heritage" checked`) || strings.Contains(body, `value="tourism" checked`) {
		t.Error("themes not saved")
	}
	if !strings.Contains(body, `data-decision="reject"`) || strings.Contains(body, `data-decision="approve"`) {
		t.Error("decisions for changes_requested")
	}

	// The JSON API the scripts call works with the session and its token.
	resp, out := contrib.api(http.MethodPatch, "/api/v1/assets/c1", `{"title": {"en": "Coffee Festival"}}`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("PATCH by the page's script: %d %s", resp.StatusCode, out)
	}
	resp, out = contrib.api(http.MethodPost, "/api/v1/assets/metadata", `{"ids": ["p1", "c1"], "set": {"credit": "Báo Đắk Lắk"}}`)
	var bulk struct{ Updated int }
	if json.Unmarshal([]byte(out), &bulk); resp.StatusCode != http.StatusOK || bulk.Updated != 2 {
		t.Errorf("bulk edit: %d %s", resp.StatusCode, out)
	}

	// English page.
	curator.post("/lang", url.Values{"lang": {"en"}, "next": {"/assets/c1"}})
	_, body = curator.get("/assets/c1")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Technical details") || !strings.Contains(body, "Approve") {
		t.Error("asset page not in English")
	}
}

func grepLines(body, sub string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}
