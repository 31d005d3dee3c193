package api

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/quangba/quangba/catalog"
)

// pageSamples gives representative data for every page in
// api/web/templates, by page name. A page's own test file adds its entry:
//
//	func init() { pageSamples["upload"] = func() any { return uploadPage{…} } }
var pageSamples = map[string]func() any{}

func init() {
	for name, data := range foundationSamples() {
		pageSamples[name] = func() any { return data }
	}
}

func foundationSamples() map[string]any {
	at := time.Date(2026, 3, 9, 17, 30, 0, 0, time.UTC)
	later := at.Add(48 * time.Hour)
	user := catalog.User{ID: 7, OrgID: 2, OrgName: "Báo Đắk Lắk", Login: "lan.anh", Name: "Lan Anh", Role: catalog.RoleContributor,
		CreatedAt: at, HasPassword: true, PasswordChangedAt: &at}
	bot := catalog.User{ID: 8, OrgID: 2, OrgName: "Báo Đắk Lắk", Name: "máy dựng", Role: catalog.RoleContributor, CreatedAt: at, Disabled: true}
	tokens := []catalog.TokenInfo{{ID: 3, Prefix: "qb_abcdefghi", Label: "máy dựng phim", CreatedAt: at, LastUsedAt: &later},
		{ID: 2, Prefix: "qb_zyxwvutsr", CreatedAt: at, RevokedAt: &later}}
	failed := Job{ID: 41, Type: catalog.JobVideo, State: catalog.JobFailed, AssetID: "01HZX", Attempts: 5, MaxAttempts: 5, UpdatedAt: at,
		LastError: &Failure{Code: "ffmpeg_failed", MessageVi: "Lỗi ffmpeg", MessageEn: "ffmpeg failed", Detail: "exit status 1"}}
	return map[string]any{
		"login":      loginForm{Login: "lan.anh", Next: "/admin", Error: "Tên đăng nhập hoặc mật khẩu không đúng."},
		"account":    accountData{Me: user, Tokens: tokens, NewToken: "qb_secret"},
		"admin_home": adminData{Orgs: []catalog.OrgSummary{{Org: catalog.Org{ID: 2, Name: "Báo Đắk Lắk", CreatedAt: at}, Users: 1234}}, Users: []catalog.User{user, bot}, Roles: roles, Org: 2},
		"admin_user": adminUserData{Target: user, Tokens: tokens},
		"admin_jobs": adminJobsData{Jobs: []jobRow{{Job: failed, Error: "Lỗi ffmpeg"}, {Job: Job{ID: 40, Type: catalog.JobPhoto, State: catalog.JobDone, UpdatedAt: at}}},
			State: catalog.JobFailed, States: jobStates, Next: "abc"},
		"error": errorPage{Status: 403, Message: "Chỉ quản trị viên được vào trang này."},
	}
}

func TestEveryPageRenders(t *testing.T) {
	ui, err := loadWeb(webFiles, WebConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for page := range ui.pages {
		if _, ok := pageSamples[page]; !ok {
			t.Errorf("page %q has no sample data: add pageSamples[%q] in its _test.go (see web_render_test.go)", page, page)
		}
	}
	admin := &catalog.Principal{UserID: 1, UserName: "Quản trị", OrgID: 1, OrgName: "Sở VHTTDL", Role: catalog.RoleAdmin}
	for page, sample := range pageSamples {
		data := sample()
		for _, lang := range []string{"vi", "en"} {
			for _, who := range []*catalog.Principal{admin, nil} {
				if who == nil && page != "login" && page != "error" {
					continue
				}
				v := &View{Lang: lang, User: who, CSRF: "tok", Path: "/" + page, Data: data, ui: ui, Flash: &Flash{Kind: "ok", Text: "Đã lưu."}}
				var buf bytes.Buffer
				if err := ui.pages[page].ExecuteTemplate(&buf, "layout.html", v); err != nil {
					t.Errorf("%s (%s, user %v): %v", page, lang, who != nil, err)
					continue
				}
				out := buf.String()
				if !strings.Contains(out, `<html lang="`+lang+`">`) || !strings.Contains(out, `name="csrf" value="tok"`) {
					t.Errorf("%s (%s): no lang attribute or csrf field", page, lang)
				}
				if strings.Contains(out, "<script>") || strings.Contains(out, "style=") {
					t.Errorf("%s: inline script or style, which the CSP blocks", page)
				}
			}
		}
	}
}

func TestMissingMessageFailsThePage(t *testing.T) {
	fsys := fstest.MapFS{
		"t/layout.html": {Data: []byte(`<html>{{block "main" .}}{{end}}</html>`)},
		"t/bad.html":    {Data: []byte(`{{define "main"}}{{.T "no.such.key"}}{{end}}`)},
	}
	pages, err := parsePages(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	v := &View{Lang: "vi", ui: &webUI{msgs: messages{}}}
	err = pages["bad"].ExecuteTemplate(&bytes.Buffer{}, "layout.html", v)
	if err == nil || !strings.Contains(err.Error(), "no.such.key") {
		t.Errorf("err = %v; want a missing message", err)
	}
}

func TestFormats(t *testing.T) {
	vi, en := &View{Lang: "vi"}, &View{Lang: "en"}
	at := time.Date(2026, 12, 31, 18, 5, 0, 0, time.UTC) // 01:05 on 1 January in Đắk Lắk
	var none *time.Time
	cases := []struct {
		got  func() (string, error)
		want string
	}{
		{func() (string, error) { return vi.Num(1234567) }, "1.234.567"},
		{func() (string, error) { return en.Num(1234567) }, "1,234,567"},
		{func() (string, error) { return vi.Num(3.5) }, "3,5"},
		{func() (string, error) { return en.Num(3.5) }, "3.5"},
		{func() (string, error) { return vi.Num(-1234.567) }, "-1.234,57"},
		{func() (string, error) { return vi.Num(int64(999)) }, "999"},
		{func() (string, error) { return vi.Num(0.0) }, "0"},
		{func() (string, error) { return vi.Bytes(int64(4404019)) }, "4,2 MB"},
		{func() (string, error) { return en.Bytes(int64(4404019)) }, "4.2 MB"},
		{func() (string, error) { return vi.Bytes(512) }, "512 B"},
		{func() (string, error) { return vi.Bytes(int64(3) << 40) }, "3 TB"},
		{func() (string, error) { return vi.Date(at) }, "01/01/2027"},
		{func() (string, error) { return en.Date(&at) }, "01/01/2027"},
		{func() (string, error) { return vi.DateTime(at) }, "01/01/2027 01:05"},
		{func() (string, error) { return vi.Date(none) }, "—"},
		{func() (string, error) { return vi.Date(time.Time{}) }, "—"},
	}
	for i, c := range cases {
		if got, err := c.got(); err != nil || got != c.want {
			t.Errorf("case %d: %q, %v; want %q", i, got, err, c.want)
		}
	}
	if _, err := vi.Num("12"); err == nil {
		t.Error("Num of a string: no error")
	}
	if _, err := vi.Date("2026-01-01"); err == nil {
		t.Error("Date of a string: no error")
	}
}

func TestCan(t *testing.T) {
	want := map[string][3]bool{ // contributor, curator, admin
		"library": {true, true, true}, "upload": {true, true, true}, "review": {false, true, true},
		"packages": {false, true, true}, "reports": {false, true, true}, "jobs": {false, true, true}, "admin": {false, false, true},
	}
	for part, w := range want {
		for i, role := range []string{catalog.RoleContributor, catalog.RoleCurator, catalog.RoleAdmin} {
			v := &View{User: &catalog.Principal{Role: role}}
			if got, err := v.Can(part); err != nil || got != w[i] {
				t.Errorf("%s Can %q = %v, %v; want %v", role, part, got, err, w[i])
			}
		}
		if got, _ := (&View{}).Can(part); got {
			t.Errorf("nobody Can %q", part)
		}
	}
	if _, err := (&View{User: &catalog.Principal{Role: catalog.RoleAdmin}}).Can("everything"); err == nil {
		t.Error("Can of an unknown part: no error")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/library": "/library", "/admin/users/3?x=1": "/admin/users/3?x=1", "": "", "library": "",
		"//evil.example/": "", "/\\evil.example": "", "https://evil.example/": "", "/a\r\nSet-Cookie: x": "",
		"javascript:alert(1)": "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestContentPolicy(t *testing.T) {
	got := contentPolicy([]string{"https://s3.example.org:9000/", " "})
	want := "default-src 'self'; img-src 'self' blob: data: https://s3.example.org:9000; media-src 'self' blob: https://s3.example.org:9000; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
